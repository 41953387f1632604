/**
 * What the files of an ESM import cost, apart from their code (issue 29): builds the spike and the functions'
 * bundles as bench/starts.ts does and lists the files each import reads (their size, modules and packages).
 *
 * With --synthetic, times the import of the same code as one file and as an entry with 7 or 15 chunks, each
 * file with the bundles' banner (and with --no-banner, without), as bench/starts.ts times a bundle's import:
 * CPU (user and system, also apart) of a fresh process around the import, interleaved rounds.
 *
 * With --bundles, times the spike's, the api's and analyze's imports the same way, and gives the ratios to the
 * spike by the bench's estimator (the ratio of the medians) and by others, and by user time alone.
 *
 *   npx tsx bench/import-files.ts [--out DIR] [--synthetic [--no-banner]] [--bundles] [--rounds 15]
 */
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BUNDLING } from '../infra/bundling.js';
import { interleaved, median, quantile } from './lib/stats.js';
import { type Bundle, bundle, ENTRIES, importCpu } from './starts.js';

const ROOT = resolve(import.meta.dirname, '..');

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: '/tmp/precis-import-files' },
    synthetic: { type: 'boolean' },
    bundles: { type: 'boolean' },
    'no-banner': { type: 'boolean' },
    rounds: { type: 'string', default: '15' },
  },
});
const outDir = resolve(values.out);
const rounds = Number(values.rounds);

/** Builds a bundle as bench/starts.ts does (its `bundle`) and lists the files its import reads, with their sizes. */
async function listed(name: Bundle): Promise<string> {
  const { file, atImport, metafile } = await bundle(name, outDir);
  console.log(`${name}: ${atImport.length} files read at import`);
  for (const output of atImport) {
    const inputs = Object.keys(metafile.outputs[relative(ROOT, output)]?.inputs ?? {});
    const shown = inputs.filter((i) => !i.includes('node_modules')).slice(0, 4);
    const packages = [
      ...new Set(inputs.map((i) => i.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1]).filter(Boolean)),
    ];
    console.log(
      `  ${basename(output)} ${statSync(output).size} B, ${inputs.length} modules: ${[...shown, ...packages.slice(0, 6)].join(', ')}`,
    );
  }
  return file;
}

/**
 * The same code as one file and as an entry with N-1 static chunks: each chunk exports a function of a few
 * statements, as a small shared chunk of esbuild's does, with the banner on every file.
 */
function synthetic(chunks: number, banner: string): string {
  const dir = join(outDir, `synthetic-${chunks}${banner ? '' : '-no-banner'}`);
  mkdirSync(dir, { recursive: true });
  const body = (i: number) =>
    `export function f${i}(x) { const o = { a: x, b: [x, x + ${i}], c: String(x) }; return o.b.reduce((s, v) => s + v, 0) + o.c.length; }\n`;
  const total = 16;
  if (chunks === 1) {
    const all = Array.from({ length: total }, (_, i) => body(i)).join('');
    writeFileSync(join(dir, 'index.mjs'), `${banner}\n${all}export const handler = () => f0(1);\n`);
  } else {
    // The code of 16 pieces, in `chunks` files: the entry holds what the chunks do not.
    const perChunk = Math.floor(total / chunks);
    const imports: string[] = [];
    let next = 0;
    for (let c = 1; c < chunks; c++) {
      const names = Array.from({ length: perChunk }, (_, k) => next + k);
      writeFileSync(join(dir, `chunk-${c}.mjs`), `${banner}\n${names.map(body).join('')}`);
      imports.push(`import { ${names.map((i) => `f${i}`).join(', ')} } from './chunk-${c}.mjs';`);
      next += perChunk;
    }
    const rest = Array.from({ length: total - next }, (_, k) => body(next + k)).join('');
    writeFileSync(
      join(dir, 'index.mjs'),
      `${banner}\n${imports.join('\n')}\n${rest}export const handler = () => f0(1);\n`,
    );
  }
  return join(dir, 'index.mjs');
}

const files: Record<string, string> = {};
for (const name of Object.keys(ENTRIES) as Bundle[]) files[name] = await listed(name);
if (values.synthetic) {
  const measures: Record<string, string> = {};
  for (const n of [1, 8, 16]) measures[`synthetic ${n} files`] = synthetic(n, BUNDLING.banner);
  if (values['no-banner']) for (const n of [1, 16]) measures[`synthetic ${n} files, no banner`] = synthetic(n, '');
  for (const file of Object.values(measures)) importCpu(file);
  const results = await interleaved(
    rounds,
    Object.fromEntries(Object.entries(measures).map(([name, file]) => [name, () => importCpu(file)])),
  );
  for (const [name, runs] of Object.entries(results)) {
    const user = runs.map((r) => r.user);
    const system = runs.map((r) => r.system);
    const sum = runs.map((r) => r.user + r.system);
    console.log(
      `${name}: user+system median ${median(sum).toFixed(2)} ms (q25 ${quantile(sum, 0.25).toFixed(2)}, q75 ${quantile(sum, 0.75).toFixed(2)}), user ${median(user).toFixed(2)}, system ${median(system).toFixed(2)}`,
    );
  }
}

if (values.bundles) {
  const names = ['spike', 'api', 'analyze'] as const;
  for (const name of names) importCpu(files[name] as string);
  const results = await interleaved(
    rounds,
    Object.fromEntries(names.map((name) => [name, () => importCpu(files[name] as string)])),
  );
  const runs = (name: string) => results[name] ?? [];
  const sum = (name: string) => runs(name).map((r) => r.user + r.system);
  for (const name of names) {
    const all = sum(name);
    console.log(
      `${name}: user+system median ${median(all).toFixed(1)} ms (min ${Math.min(...all).toFixed(1)}, q25 ${quantile(all, 0.25).toFixed(1)}, q75 ${quantile(all, 0.75).toFixed(1)}, max ${Math.max(...all).toFixed(1)}), user ${median(runs(name).map((r) => r.user)).toFixed(1)}, system ${median(runs(name).map((r) => r.system)).toFixed(1)}`,
    );
  }
  for (const name of ['api', 'analyze']) {
    const perRound = sum(name).map((t, i) => t / (sum('spike')[i] as number));
    const userRatio = median(runs(name).map((r) => r.user)) / median(runs('spike').map((r) => r.user));
    console.log(
      `${name}/spike: ratio of medians ${(median(sum(name)) / median(sum('spike'))).toFixed(3)}, of minima ${(Math.min(...sum(name)) / Math.min(...sum('spike'))).toFixed(3)}, of q25 ${(quantile(sum(name), 0.25) / quantile(sum('spike'), 0.25)).toFixed(3)}, median of per-round ratios ${median(perRound).toFixed(3)}, user only ${userRatio.toFixed(3)}`,
    );
  }
  console.log(`raw ${JSON.stringify(results)}`);
}
