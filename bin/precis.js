#!/usr/bin/env node
// The `precis` command. It runs compiled JavaScript (dist/cli), built on first use and again whenever a
// source it was built from has changed since: starting takes a few stats, not a TypeScript compiler.
import { readFileSync, statSync } from 'node:fs';

const ROOT = new URL('../', import.meta.url);

/** The compiled entry, when every source it was built from is unchanged since. */
function built() {
  try {
    const { entry, inputs } = JSON.parse(readFileSync(new URL('dist/cli/current.json', ROOT), 'utf8'));
    for (const [file, mtime] of Object.entries(inputs))
      if (statSync(new URL(file, ROOT)).mtimeMs !== mtime) return null;
    return new URL(entry, ROOT);
  } catch {
    return null;
  }
}

const entry = built() ?? (await (await import('./build-cli.js')).buildCli());
await import(entry.href);
