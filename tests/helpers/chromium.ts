/**
 * The system's Chromium (Debian's `chromium` package) for the browser tests,
 * or undefined, said once per test file, when none is installed.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export const CHROMIUM = [process.env.PRECIS_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find(
  (path): path is string => Boolean(path && existsSync(path)),
);

export function warnWithoutChromium(file: string): void {
  if (CHROMIUM) return;
  console.warn(
    `${file} skipped: no Chromium found (install Debian's "chromium", or set PRECIS_CHROMIUM to a Chromium binary).`,
  );
}

/** Where the browser tests put their screenshots. */
export const SHOTS = resolve(import.meta.dirname, '../../test-results/reader');
