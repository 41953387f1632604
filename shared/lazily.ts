/** `build` run at the first call, its result returned by every call after it. */
export function once<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => {
    built ??= { value: build() };
    return built.value;
  };
}

/**
 * An object built on its first use, behind the name and type it would have
 * had. zod builds a schema's internals where it is declared, and a
 * function's bundle declares many it never reads during a cold start
 * (another function's configuration, the routes a request does not take):
 * each one costs import time (npm run bench, starts). Declared through this,
 * a schema costs nothing until something reads a property of it (parses,
 * reads its shape, wraps it); from then on every read goes to the one built.
 *
 * Only for objects whose identity nobody keys on: the proxy is not the
 * built object, so a WeakMap keyed by one (zod's metadata registry) does not
 * find the other. A schema with `.meta()` of its own is declared plainly;
 * the schemas inside a lazily built one are real ones.
 */
export function lazily<T extends object>(build: () => T): T {
  const real = once(build);
  return new Proxy({} as T, {
    get: (_, key) => {
      const target = real();
      return Reflect.get(target, key, target);
    },
    set: (_, key, value) => Reflect.set(real(), key, value),
    has: (_, key) => Reflect.has(real(), key),
    ownKeys: () => Reflect.ownKeys(real()),
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(real(), key);
      // The proxy's own target is an empty object: a property it lacks may not be reported as fixed.
      return descriptor && { ...descriptor, configurable: true };
    },
    getPrototypeOf: () => Reflect.getPrototypeOf(real()),
  });
}

/**
 * `load` run once, at the first call, and its result shared by every call
 * after it: for a module imported on first use (a chunk of the bundle) and
 * what is made from it. A load that fails is forgotten, so the next call
 * tries again instead of failing for the life of the process.
 */
export function loadOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
}
