// Compiles the `precis` command to JavaScript with esbuild: cli/precis.ts and what it imports, as ES
// modules split at each dynamic import (a command loads only what it runs), with the packages left in
// node_modules. Each build goes to a folder of its own under dist/cli; dist/cli/current.json names the
// newest and the sources it was built from, with their modification times.

import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { build } from 'esbuild';

const ROOT = new URL('../', import.meta.url);
const CURRENT = new URL('dist/cli/current.json', ROOT);
/** Older builds are removed after this long: a command still running from one has loaded its modules by then. */
const KEEP_MS = 24 * 60 * 60 * 1000;
/** Read at run time from beside the module that reads them (shared/analysis/checkworthiness.ts). */
const BESIDE = ['shared/analysis/checkworthiness-weights.json'];

export async function buildCli() {
  const dir = `dist/cli/${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
  const result = await build({
    absWorkingDir: new URL('.', ROOT).pathname,
    // The cleaning worker beside the command's modules, where worker-cleaner.ts looks for it (by the name
    // lambdas/ingest/clean-worker-file.ts gives it): the command cleans files in it, with its heap cap.
    entryPoints: { precis: 'cli/precis.ts', 'clean-worker': 'lambdas/ingest/clean-worker.ts' },
    outdir: dir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'error',
  });
  // Files a module reads beside itself at run time (the claim model's weights): beside the build's modules too.
  for (const file of BESIDE) copyFileSync(new URL(file, ROOT), new URL(`${dir}/${basename(file)}`, ROOT));
  const inputs = Object.fromEntries(
    [...Object.keys(result.metafile.inputs), ...BESIDE].map((file) => [file, statSync(new URL(file, ROOT)).mtimeMs]),
  );
  // A new name, then a rename: a command starting meanwhile reads the old pointer or the new one, never half of one.
  mkdirSync(new URL('dist/cli/', ROOT), { recursive: true });
  const pointer = new URL(`${dir}.json`, ROOT);
  writeFileSync(pointer, JSON.stringify({ entry: `${dir}/precis.mjs`, inputs }));
  renameSync(pointer, CURRENT);
  const builds = new URL('dist/cli/', ROOT);
  for (const entry of readdirSync(builds, { withFileTypes: true })) {
    const path = new URL(entry.name, builds);
    if (entry.isDirectory() && `dist/cli/${entry.name}` !== dir && Date.now() - statSync(path).mtimeMs > KEEP_MS) {
      rmSync(path, { recursive: true, force: true });
    }
  }
  return new URL(`${dir}/precis.mjs`, ROOT);
}
