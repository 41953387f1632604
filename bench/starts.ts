import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { BUNDLING, esbuildOptions, outputsReadAtImport } from '../infra/bundling.js';
import { FUNCTION_ENV } from '../tests/helpers/function-env.js';
import type { Row } from './lib/report.js';
import { kb, ms, over } from './lib/report.js';
import { interleaved, median } from './lib/stats.js';

const ROOT = resolve(import.meta.dirname, '..');

/** Each function's entry, and the spike: the clients every function of this kind needs, bundled the same way. */
export const ENTRIES = {
  spike: 'bench/spike/index.ts',
  api: 'lambdas/api/index.ts',
  ingest: 'lambdas/ingest/index.ts',
  analyze: 'lambdas/analyze/index.ts',
} as const;
export type Bundle = keyof typeof ENTRIES;

/** A bundle's entry file, the files its import reads (the entry and the chunks it imports statically), and esbuild's account of its outputs. */
export interface Built {
  file: string;
  atImport: string[];
  metafile: Metafile;
}

/** Builds a bundle as the CDK construct does (infra/bundling.ts): ESM, minified, split into chunks, the banner on top. */
export async function bundle(name: Bundle, outDir: string): Promise<Built> {
  const dir = join(outDir, name);
  mkdirSync(dir, { recursive: true });
  const { metafile } = await build({
    ...esbuildOptions(join(ROOT, ENTRIES[name]), dir),
    absWorkingDir: ROOT,
    metafile: true,
    logLevel: 'error',
  });
  const outfile = join(dir, `${BUNDLING.entryName}.mjs`);
  // Beside each bundle, the files the CDK construct puts there (infra/pipeline.ts).
  const beside = [
    ...(name === 'ingest' || name === 'analyze' ? BUNDLING.languageModels : []),
    ...(name === 'analyze' ? BUNDLING.claimModel : []),
  ];
  for (const { from, to } of beside) copyFileSync(join(ROOT, from), join(outDir, name, to));
  const atImport = outputsReadAtImport(metafile, relative(ROOT, outfile));
  return { file: outfile, atImport: atImport.map((output) => join(ROOT, output)), metafile };
}

/**
 * Milliseconds of CPU a fresh Node process spends importing a file (user and
 * system time of all its threads, measured inside it, apart), with `env`
 * added to a function's environment. CPU rather than wall
 * time: on a machine busy with other work the wall time of the same import
 * varies from run to run by more than the goals' margins, and the wait for
 * the CPU is not the bundle's cost.
 */
export function importCpu(file: string, env: Record<string, string> = {}): { user: number; system: number } {
  const script = `const c = process.cpuUsage(); await import(process.env.BENCH_FILE); const u = process.cpuUsage(c); process.stdout.write(JSON.stringify({ user: u.user / 1000, system: u.system / 1000 }));`;
  // As in Lambda: the X-Ray SDK in its default (automatic) mode, whatever the local stack's settings say.
  const { AWS_XRAY_MANUAL_MODE: _local, ...inherited } = process.env;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    env: {
      ...inherited,
      ...FUNCTION_ENV,
      // A function's name, as in Lambda. Tracing would not change the import: the tracer loads with the
      // first traced invocation (lambdas/tracing.ts).
      AWS_LAMBDA_FUNCTION_NAME: 'bench',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      NODE_OPTIONS: '',
      BENCH_FILE: pathToFileURL(file).href,
      ...env,
    },
    encoding: 'utf8',
  });
  return JSON.parse(out) as { user: number; system: number };
}

/** The CPU of a fresh process's import of `file` (importCpu), user and system together. */
function importMs(file: string): number {
  const { user, system } = importCpu(file);
  return user + system;
}

/** Wall-clock milliseconds of a command, start to exit. */
function runMs(args: string[]): number {
  const start = performance.now();
  const result = spawnSync(process.execPath, args, {
    cwd: ROOT,
    stdio: 'ignore',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status}`);
  return performance.now() - start;
}

/** What a bundle's import does beyond the spike's, from CPU profiles of the import (README, "Speed"). */
const IMPORT_COSTS: Record<Exclude<Bundle, 'spike'>, string> = {
  api: 'zod/mini (41 KB, compiled and run for the configuration schema and the routes’ checks of ids and queries), Powertools logger (no metrics: the api publishes none); the tracer with the X-Ray SDK, the SQS client, the upload signer with its S3 client, the reader page, the OpenAPI document and the cursor secret’s provider are chunks read when first needed',
  ingest:
    'zod/mini and its configuration schema, Powertools logger and metrics, the SQS and EventBridge clients (the tracer and the X-Ray SDK are a chunk read at the first traced invocation; cleaning, with linkedom, CLD3 and classic zod, is in its worker)',
  analyze:
    "more to parse: zod/mini with its JSON Schema output (the LLM's schemas wait for the first analysis) and the configuration schema, the LLM's prompts and checks, Powertools logger and metrics, the EventBridge and Secrets Manager clients; the tracer, the SQS client, the offline engine and each language of chrono-node are chunks, franc's data and the claim model's weights are files beside the bundle, read on first use",
};

const GOALS: Record<Exclude<Bundle, 'spike'>, { importRatio: number; gzipBytes: number }> = {
  api: { importRatio: 1.2, gzipBytes: 300 * 1024 },
  ingest: { importRatio: 1.5, gzipBytes: 600 * 1024 },
  analyze: { importRatio: 1.5, gzipBytes: 600 * 1024 },
};

/** Import time and gzip size of each function's bundle against the spike's; `precis --help` against `node -e 0`. */
export async function benchStarts(rounds: number, outDir: string, log: (line: string) => void): Promise<Row[]> {
  log('starts: bundling the functions and the spike as CDK does');
  const built = {} as Record<Bundle, Built>;
  for (const name of Object.keys(ENTRIES) as Bundle[]) built[name] = await bundle(name, outDir);
  const files = Object.fromEntries(Object.entries(built).map(([name, b]) => [name, b.file])) as Record<Bundle, string>;
  // What an import reads, the entry and its static chunks (the chunks of dynamic imports wait for their import).
  const bytes = (name: Bundle) => built[name].atImport.reduce((sum, file) => sum + statSync(file).size, 0);
  const gzip = (name: Bundle) =>
    built[name].atImport.reduce((sum, file) => sum + gzipSync(readFileSync(file)).length, 0);

  log(`starts: importing each bundle in a fresh process, ${rounds} rounds`);
  for (const file of Object.values(files)) importMs(file); // the file cache, warm
  // In turns, each round starting one bundle later: no bundle always first, or always after the same one.
  const imports = await interleaved(
    rounds,
    Object.fromEntries(Object.entries(files).map(([name, file]) => [name, () => importMs(file)])),
    { rotate: true },
  );
  const spikeMs = median(imports.spike ?? []);
  const spikeGzip = gzip('spike');
  const rows: Row[] = [];
  for (const name of ['api', 'ingest', 'analyze'] as const) {
    const t = median(imports[name] ?? []);
    rows.push({
      measure: `import of the ${name} bundle, CPU (${kb(bytes(name))} read at import)`,
      anchor: `spike bundle: ${ms(spikeMs)}`,
      value: ms(t),
      ratio: t / spikeMs,
      goal: `≤ ${GOALS[name].importRatio.toFixed(2)}×`,
      met: t / spikeMs <= GOALS[name].importRatio,
      note: `${over(t / spikeMs, GOALS[name].importRatio)}; ${IMPORT_COSTS[name]}`,
    });
  }
  for (const name of ['api', 'ingest', 'analyze'] as const) {
    const size = gzip(name);
    rows.push({
      measure: `${name} bundle read at import, gzip`,
      anchor: `spike bundle: ${kb(spikeGzip)}`,
      value: kb(size),
      ratio: size / spikeGzip,
      goal: `≤ ${kb(GOALS[name].gzipBytes)}`,
      met: size <= GOALS[name].gzipBytes,
    });
  }

  log(`starts: precis --help and node -e 0, ${rounds} rounds`);
  const cli = ['bin/precis.js', '--help'];
  runMs(cli); // a first run may build the CLI
  const starts = await interleaved(rounds, { node: () => runMs(['-e', '0']), cli: () => runMs(cli) });
  const nodeMs = median(starts.node ?? []);
  const cliMs = median(starts.cli ?? []);
  rows.push({
    measure: '`precis --help`, start to exit',
    anchor: `\`node -e 0\`: ${ms(nodeMs)}`,
    value: ms(cliMs),
    ratio: cliMs / nodeMs,
    goal: '≤ 2.00×',
    met: cliMs / nodeMs <= 2,
  });
  return rows;
}
