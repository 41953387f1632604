import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BuildOptions, BuildResult } from 'esbuild';
import { BUNDLING } from '../../infra/bundling.js';
import { CLEAN_WORKER } from './clean-worker-file.js';

/** The project's root, from this file (lambdas/ingest/). */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const POINTER = join(ROOT, 'dist/clean-worker/current.json');
/** In a variable: the function's own bundler leaves esbuild out (the function runs the bundle beside it). */
const ESBUILD = 'esbuild';
/** Older builds are removed after this long: a worker still starting from one has loaded it by then. */
const KEEP_MS = 24 * 60 * 60 * 1000;

/** How the bundle is built (its output directory aside). */
const OPTIONS: BuildOptions = {
  absWorkingDir: ROOT,
  entryPoints: { [CLEAN_WORKER.to.replace(/\.mjs$/, '')]: CLEAN_WORKER.from },
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: BUNDLING.format,
  target: 'node20',
  mainFields: [...BUNDLING.mainFields],
  banner: { js: BUNDLING.banner },
  define: { ...BUNDLING.define },
  alias: { ...BUNDLING.alias },
  metafile: true,
  logLevel: 'error',
};

/** The bundle current.json names, when it was built this way from sources all unchanged since. */
function current(): string | null {
  try {
    const { entry, options, inputs } = JSON.parse(readFileSync(POINTER, 'utf8')) as {
      entry: string;
      options: string;
      inputs: Record<string, number>;
    };
    if (options !== JSON.stringify(OPTIONS)) return null;
    for (const [file, mtime] of Object.entries(inputs)) if (statSync(join(ROOT, file)).mtimeMs !== mtime) return null;
    return join(ROOT, entry);
  } catch {
    return null;
  }
}

/**
 * The cleaning worker as one file, for running from the sources (the local
 * stack, tests, scripts): built with esbuild as the function's is
 * (infra/bundling.ts), into dist/clean-worker/, and built again only when a
 * source it was built from has changed, as bin/build-cli.js does for the
 * CLI. A worker starts from one file in about a second, where the
 * TypeScript sources through tsx took five to nine on a busy machine.
 */
export function cleanWorkerBundle(): URL {
  const built = current();
  if (built) return pathToFileURL(built);
  const esbuild = createRequire(import.meta.url)(ESBUILD) as { buildSync(options: BuildOptions): BuildResult };
  const dir = `dist/clean-worker/${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
  const result = esbuild.buildSync({ ...OPTIONS, outdir: dir });
  const inputs = Object.fromEntries(
    Object.keys(result.metafile?.inputs ?? {}).map((file) => [file, statSync(join(ROOT, file)).mtimeMs]),
  );
  // A new name, then a rename: a process starting meanwhile reads the old pointer or the new one, never half.
  mkdirSync(join(ROOT, 'dist/clean-worker'), { recursive: true });
  const pointer = join(ROOT, `${dir}.json`);
  writeFileSync(
    pointer,
    JSON.stringify({ entry: `${dir}/clean-worker.mjs`, options: JSON.stringify(OPTIONS), inputs }),
  );
  renameSync(pointer, POINTER);
  for (const entry of readdirSync(join(ROOT, 'dist/clean-worker'), { withFileTypes: true })) {
    const path = join(ROOT, 'dist/clean-worker', entry.name);
    if (entry.isDirectory() && path !== join(ROOT, dir) && Date.now() - statSync(path).mtimeMs > KEEP_MS) {
      rmSync(path, { recursive: true, force: true });
    }
  }
  return pathToFileURL(join(ROOT, dir, CLEAN_WORKER.to));
}
