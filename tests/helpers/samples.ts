import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const SAMPLES_DIR = resolve(import.meta.dirname, '../../samples');
export const sample = (name: string): Buffer => readFileSync(resolve(SAMPLES_DIR, name));

/** The evaluation data and real samples beside the project, when this machine has them. */
export const SHARED_DIR = resolve(import.meta.dirname, '../../../shared');
export const sharedFile = (path: string): string | null => {
  const full = resolve(SHARED_DIR, path);
  return existsSync(full) ? full : null;
};

/** The project's own test fixtures (tests/fixtures). */
export const FIXTURES_DIR = resolve(import.meta.dirname, '../fixtures');

/** The text of each file in `dir` whose name matches `pattern`. */
export const textsIn = (dir: string, pattern: RegExp): string[] =>
  readdirSync(dir)
    .filter((name) => pattern.test(name))
    .map((name) => readFileSync(resolve(dir, name), 'utf8'));

/** The fixtures' articles as plain text (tests/fixtures/articles/*.txt). */
export const fixtureArticles = (): string[] => textsIn(resolve(FIXTURES_DIR, 'articles'), /\.txt$/);
