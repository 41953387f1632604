import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const SAMPLES_DIR = resolve(import.meta.dirname, '../../samples');
export const sample = (name: string): Buffer => readFileSync(resolve(SAMPLES_DIR, name));

/** The evaluation data and real samples beside the project, when this machine has them. */
export const SHARED_DIR = resolve(import.meta.dirname, '../../../shared');
export const sharedFile = (path: string): string | null => {
  const full = resolve(SHARED_DIR, path);
  return existsSync(full) ? full : null;
};
