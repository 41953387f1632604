import type { BuildOptions, Metafile } from 'esbuild';
import { CLAIM_MODEL_FILE } from '../shared/analysis/claim-model-file.js';
// The names only, not the loaders: the ingest function imports this description (its worker's bundle).
import {
  CLD3_RUNTIME,
  CLD3_RUNTIME_BESIDE_BUNDLE,
  FRANC_DATA,
  FRANC_DATA_BESIDE_BUNDLE,
} from '../shared/cleaning/model-files.js';

/**
 * How every function is bundled: one description read by the CDK construct
 * (NodejsFunction's bundling options) and by `npm run bench` (which builds
 * the same bundles with esbuild to time their import), so the two cannot
 * differ.
 */
export const BUNDLING = {
  format: 'esm',
  target: 'node22',
  mainFields: ['module', 'main'],
  minify: true,
  /**
   * Code that a function loads with a dynamic import() (the tracer when
   * tracing is on, a route's dependencies, the SDK's own credential
   * providers) goes into chunks beside the bundle, read when first imported,
   * instead of being parsed at every cold start. esbuild splits only into a
   * directory (--outdir), and CDK's NodejsFunction gives it --outfile: the
   * construct bundles the entry again, split, over CDK's single file
   * (functionBundleCommand).
   */
  splitting: true,
  /** The bundle's file, beside its chunks: the handler `index.handler`. */
  entryName: 'index',
  /**
   * Source maps beside the bundle, for reading a stack trace offline; not
   * read at run time (no NODE_OPTIONS=--enable-source-maps): that made every
   * import 40–70 % slower (npm run bench, starts), for stack traces the
   * error codes and messages already make clear.
   */
  sourceMap: true,
  /**
   * CommonJS dependencies in an ESM bundle need require, and some
   * (emscripten's loader) __dirname. Every file of a bundle, the entry and
   * each chunk, has this banner, and most never call require: each is made
   * on its first use (a call, or a property read such as require.resolve),
   * not at every file's import. Node's createRequire builds a module
   * record and its node_modules paths: made by each of the 11 to 17 files an
   * import reads, that was about 7M instructions of the spike's import and
   * 5 to 12M of the api's and analyze's (valgrind, npm run bench's import
   * script), and enough calls to node's path normalisation that TurboFan
   * compiled it during the api's import.
   *
   * __dirname and __filename are not in the banner but replaced where the
   * code reads them (`define`). The banner computed both in every file and
   * imported 'url' and 'path' for them: each import of a builtin is one more
   * module request the ESM loader resolves and links, in each of the files
   * an import reads, though only emscripten's loader (a chunk read on first
   * use) reads either.
   */
  banner: [
    "import { createRequire as __createRequire } from 'module';",
    'let __madeRequire;',
    'const __require_ = () => (__madeRequire ??= __createRequire(import.meta.url));',
    'const require = new Proxy(() => {}, { apply: (_, self, args) => __require_().apply(self, args), get: (_, key) => __require_()[key], has: (_, key) => key in __require_() });',
  ].join(' '),
  /**
   * CommonJS's __dirname and __filename, read where the code reads them from
   * the file's import.meta (Node 20.11 and later): the directory and path of
   * the bundle's file that holds the code, as the banner computed them.
   */
  define: { __dirname: 'import.meta.dirname', __filename: 'import.meta.filename' },
  /**
   * Packages bundled from another of their entries. emscripten-wasm-loader
   * (CLD3's loader) is taken from its CommonJS build: its ESM build, which
   * `module` would pick, calls the namespace imports of nanoid and unixify
   * as functions, which esbuild warns would crash at run time; the CommonJS
   * build requires them, which works.
   */
  alias: { 'emscripten-wasm-loader': 'emscripten-wasm-loader/dist/cjs/index.js' },
  /**
   * Files put beside the bundle of a function that cleans or checks text,
   * from the project's root, loaded on first use instead of parsed at every
   * cold start: CLD3's 1 MB runtime (shared/cleaning/cld3.ts) and franc's
   * trigrams, 347 KB (shared/cleaning/franc.ts).
   */
  languageModels: [
    { from: `node_modules/${CLD3_RUNTIME}`, to: CLD3_RUNTIME_BESIDE_BUNDLE },
    { from: `node_modules/${FRANC_DATA}`, to: FRANC_DATA_BESIDE_BUNDLE },
  ],
  /**
   * Put beside the bundle of a function that may run the offline engine: the
   * claim model's weights (184 KB), read the first time a sentence is scored
   * (shared/analysis/checkworthiness.ts), so an analysis by the LLM never
   * parses them.
   */
  claimModel: [{ from: `shared/analysis/${CLAIM_MODEL_FILE}`, to: CLAIM_MODEL_FILE }],
} as const;

/**
 * The options of esbuild's build() that make the bundle the construct makes
 * of `entry`, into `outdir` (`index.mjs` and its chunks), for npm run bench
 * and the bundle tests.
 */
export function esbuildOptions(entry: string, outdir: string): BuildOptions {
  return {
    entryPoints: { [BUNDLING.entryName]: entry },
    outdir,
    outExtension: { '.js': '.mjs' },
    splitting: BUNDLING.splitting,
    bundle: true,
    platform: 'node',
    format: BUNDLING.format,
    target: BUNDLING.target,
    mainFields: [...BUNDLING.mainFields],
    minify: BUNDLING.minify,
    sourcemap: BUNDLING.sourceMap,
    banner: { js: BUNDLING.banner },
    define: { ...BUNDLING.define },
    alias: { ...BUNDLING.alias },
  };
}

/** A word for a POSIX shell, quoted. */
const quoted = (word: string) => `'${word.replaceAll("'", "'\\''")}'`;

/**
 * The command that bundles a function's entry (`entry`, from the project's
 * root) into `outputDir` as esbuildOptions() does: `index.mjs` and its
 * chunks, replacing the single file CDK's NodejsFunction wrote there. Run by
 * the CDK construct after bundling, with esbuild as CDK runs it.
 */
export function functionBundleCommand(inputDir: string, outputDir: string, entry: string): string {
  return esbuildCommand(`${inputDir}/${entry}`, [
    `--outdir=${outputDir}`,
    `--entry-names=${BUNDLING.entryName}`,
    '--out-extension:.js=.mjs',
    ...(BUNDLING.splitting ? ['--splitting'] : []),
  ]);
}

/**
 * The command that bundles a worker thread's entry (`from`, from the
 * project's root) into its own file beside a function's bundle (`to`, in
 * `outputDir`), with the same options as the function's bundle: a worker is
 * started from a file, so it cannot live inside the function's. Run by the
 * CDK construct after bundling, with esbuild as CDK runs it.
 */
export function workerBundleCommand(inputDir: string, outputDir: string, worker: { from: string; to: string }): string {
  return esbuildCommand(`${inputDir}/${worker.from}`, [`--outfile=${outputDir}/${worker.to}`]);
}

/** esbuild's command line for `entry` with the functions' options (BUNDLING) and `output`'s. */
function esbuildCommand(entry: string, output: string[]): string {
  return [
    'npx',
    '--no-install',
    'esbuild',
    '--bundle',
    entry,
    ...output,
    '--platform=node',
    `--format=${BUNDLING.format}`,
    `--target=${BUNDLING.target}`,
    `--main-fields=${BUNDLING.mainFields.join(',')}`,
    ...(BUNDLING.minify ? ['--minify'] : []),
    ...(BUNDLING.sourceMap ? ['--sourcemap'] : []),
    `--banner:js=${BUNDLING.banner}`,
    ...Object.entries(BUNDLING.define).map(([name, to]) => `--define:${name}=${to}`),
    ...Object.entries(BUNDLING.alias).map(([name, to]) => `--alias:${name}=${to}`),
    '--log-level=error',
  ]
    .map(quoted)
    .join(' ');
}

/**
 * The outputs (paths from the build's working directory) that importing
 * `entryOutput` reads: the entry and, transitively, the chunks it imports
 * statically; a dynamic import()'s chunk is read only when first needed.
 */
export function outputsReadAtImport(metafile: Metafile, entryOutput: string): string[] {
  const seen = new Set<string>();
  const visit = (output: string) => {
    const found = metafile.outputs[output];
    if (seen.has(output) || !found) return;
    seen.add(output);
    for (const imported of found.imports) if (imported.kind === 'import-statement') visit(imported.path);
  };
  visit(entryOutput);
  return [...seen];
}
