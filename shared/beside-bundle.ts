import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * A file the CDK construct puts beside a function's bundle
 * (infra/bundling.ts: franc's data, CLD3's runtime, the claim model's
 * weights, the cleaning worker), found by its name there: its URL when this
 * code runs from a bundle that has it beside it, else null, and the caller
 * takes it from the sources (node_modules, or beside its own module). In a
 * bundle, this module's URL is the bundle's or one of its chunks', all in
 * the bundle's directory; from the sources it is shared/, where none of
 * these files is.
 */
export function besideTheBundle(name: string): URL | null {
  const url = new URL(`./${name}`, import.meta.url);
  return existsSync(fileURLToPath(url)) ? url : null;
}
