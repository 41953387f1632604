import type { BuildOptions } from 'esbuild';
import { CLAIM_MODEL_FILE } from '../shared/analysis/claim-model-file.js';
import { CLD3_RUNTIME, CLD3_RUNTIME_BESIDE_BUNDLE } from '../shared/cleaning/cld3.js';
import { FRANC_DATA, FRANC_DATA_BESIDE_BUNDLE } from '../shared/cleaning/franc.js';

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
   * Source maps beside the bundle, for reading a stack trace offline; not
   * read at run time (no NODE_OPTIONS=--enable-source-maps): that made every
   * import 40–70 % slower (npm run bench, starts), for stack traces the
   * error codes and messages already make clear.
   */
  sourceMap: true,
  // CommonJS dependencies in an ESM bundle need require, and some (emscripten's loader) __dirname.
  banner: [
    "import { createRequire as __createRequire } from 'module';",
    "import { fileURLToPath as __fileURLToPath } from 'url';",
    "import { dirname as __pathDirname } from 'path';",
    'const require = __createRequire(import.meta.url);',
    'const __filename = __fileURLToPath(import.meta.url);',
    'const __dirname = __pathDirname(__filename);',
  ].join(' '),
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

/** The options of esbuild's build() that make the bundle CDK makes of `entry` (npm run bench, the bundle test). */
export function esbuildOptions(entry: string, outfile: string): BuildOptions {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: BUNDLING.format,
    target: BUNDLING.target,
    mainFields: [...BUNDLING.mainFields],
    minify: BUNDLING.minify,
    sourcemap: BUNDLING.sourceMap,
    banner: { js: BUNDLING.banner },
    alias: { ...BUNDLING.alias },
  };
}

/** A word for a POSIX shell, quoted. */
const quoted = (word: string) => `'${word.replaceAll("'", "'\\''")}'`;

/**
 * The command that bundles a worker thread's entry (`from`, from the
 * project's root) into its own file beside a function's bundle (`to`, in
 * `outputDir`), with the same options as the function's bundle: a worker is
 * started from a file, so it cannot live inside the function's. Run by the
 * CDK construct after bundling, with esbuild as CDK runs it.
 */
export function workerBundleCommand(inputDir: string, outputDir: string, worker: { from: string; to: string }): string {
  return [
    'npx',
    '--no-install',
    'esbuild',
    '--bundle',
    `${inputDir}/${worker.from}`,
    `--outfile=${outputDir}/${worker.to}`,
    '--platform=node',
    `--format=${BUNDLING.format}`,
    `--target=${BUNDLING.target}`,
    `--main-fields=${BUNDLING.mainFields.join(',')}`,
    ...(BUNDLING.minify ? ['--minify'] : []),
    ...(BUNDLING.sourceMap ? ['--sourcemap'] : []),
    `--banner:js=${BUNDLING.banner}`,
    ...Object.entries(BUNDLING.alias).map(([name, to]) => `--alias:${name}=${to}`),
    '--log-level=error',
  ]
    .map(quoted)
    .join(' ');
}
