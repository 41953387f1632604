import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { cldLoader } from 'cld3-asm/dist/cjs/cldLoader.js';
import { getModuleLoader } from 'emscripten-wasm-loader';
import { besideTheBundle } from '../beside-bundle.js';
import { CLD3_RUNTIME, CLD3_RUNTIME_BESIDE_BUNDLE } from './model-files.js';

/** Google's CLD3 as precis uses it: one identifier reading at most 1,000 bytes of a text. */
export interface Cld3 {
  findLanguage(text: string): { language: string; probability: number; is_reliable: boolean };
}

export { CLD3_RUNTIME, CLD3_RUNTIME_BESIDE_BUNDLE };

/**
 * Loads CLD3: its runtime is required only now, from beside the bundle in
 * Lambda (so the bundle does not parse 1 MB of base64 at every cold start)
 * or from node_modules when run from the sources.
 */
export async function loadCld3(): Promise<Cld3> {
  const require = createRequire(import.meta.url);
  const beside = besideTheBundle(CLD3_RUNTIME_BESIDE_BUNDLE);
  // A name in a variable: the bundler leaves this require to run time.
  return cld3From(require(beside ? fileURLToPath(beside) : CLD3_RUNTIME));
}

/**
 * How long CLD3's runtime may take to start (compiling its WebAssembly)
 * before loading fails. The loader's own default, 3 s of wall time, passes
 * on a starved machine or a cold start that shares its cores, and a load
 * that fails fails the cleaning; the function's own timeout bounds it anyway.
 */
export const CLD3_START_TIMEOUT_MS = 120_000;

/** CLD3 started from its runtime module, wherever that was required from. */
export async function cld3From(runtime: unknown): Promise<Cld3> {
  const factory = await getModuleLoader(cldLoader, runtime as Parameters<typeof getModuleLoader>[1], undefined, {
    timeout: CLD3_START_TIMEOUT_MS,
  })();
  return factory.create(0, 1000);
}
