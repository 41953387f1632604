/**
 * Where the language models' files are, in node_modules and beside a
 * function's bundle: read by the loaders (cld3.ts, franc.ts) and by
 * infra/bundling.ts, which puts them there. A module of names only: the
 * bundling description is imported by the ingest function (its worker's
 * bundle), and importing the loaders would load CLD3's emscripten loader
 * at every cold start of a function that never detects a language itself.
 */

/** The emscripten runtime with CLD3's WebAssembly inside it, 1 MB of JavaScript. */
export const CLD3_RUNTIME = 'cld3-asm/dist/cjs/lib/node/cld3.js';
/** Its name beside a function's bundle. */
export const CLD3_RUNTIME_BESIDE_BUNDLE = 'cld3.cjs';

/** franc's data module, with every language's trigrams, most frequent last. */
export const FRANC_DATA = 'franc/data.js';
/** Its name beside a function's bundle. */
export const FRANC_DATA_BESIDE_BUNDLE = 'franc-data.mjs';
