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
  /** Source maps beside the bundle; the runtime reads them only when NODE_OPTIONS says so. */
  sourceMap: true,
  /** What the functions' NODE_OPTIONS hold. */
  nodeOptions: '--enable-source-maps',
  // CommonJS dependencies in an ESM bundle need require, and some (emscripten's loader) __dirname.
  banner: [
    "import { createRequire as __createRequire } from 'module';",
    "import { fileURLToPath as __fileURLToPath } from 'url';",
    "import { dirname as __pathDirname } from 'path';",
    'const require = __createRequire(import.meta.url);',
    'const __filename = __fileURLToPath(import.meta.url);',
    'const __dirname = __pathDirname(__filename);',
  ].join(' '),
} as const;
