import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { build, type Metafile } from 'esbuild';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { BUNDLING, esbuildOptions, outputsReadAtImport } from '../../infra/bundling.js';
import { allowedDates, dateReaderFor } from '../../shared/analysis/checks/dates.js';
import { extractClaims } from '../../shared/analysis/claims.js';
import { FUNCTION_ENV } from '../helpers/function-env.js';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const out = mkdtempSync(join(tmpdir(), 'precis-bundles-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** Builds `entry` as the construct bundles a function (infra/bundling.ts), with the files it puts beside it. */
async function bundle(entry: string, name: string) {
  const dir = join(out, name);
  const result = await build({
    ...esbuildOptions(join(ROOT, entry), dir),
    absWorkingDir: ROOT,
    logLevel: 'silent',
    metafile: true,
  });
  for (const { from, to } of [...BUNDLING.languageModels, ...BUNDLING.claimModel]) {
    copyFileSync(join(ROOT, from), join(dir, to));
  }
  return { outfile: join(dir, `${BUNDLING.entryName}.mjs`), result };
}

/** The sources an import of the bundle reads: its entry's, and those of the chunks it imports statically. */
function readAtImport(result: Metafile, outfile: string): string[] {
  return outputsReadAtImport(result, relative(ROOT, outfile)).flatMap((output) =>
    Object.keys(result.outputs[output]?.inputs ?? {}),
  );
}

/**
 * The regular expression literals with a Unicode property class (`\p{…}`) in what an import of the bundle reads:
 * V8 checks each one's syntax, an ICU lookup per class, when it compiles the file (shared/unicode-pattern.ts).
 */
function propertyLiterals(result: Metafile, outfile: string): string[] {
  const found: string[] = [];
  for (const output of outputsReadAtImport(result, relative(ROOT, outfile))) {
    const file = join(ROOT, output);
    const source = ts.createSourceFile(
      file,
      readFileSync(file, 'utf8'),
      ts.ScriptTarget.Latest,
      true,
      ts.ScriptKind.JS,
    );
    const visit = (node: ts.Node) => {
      if (node.kind === ts.SyntaxKind.RegularExpressionLiteral && /\\[pP]\{/.test(node.getText(source))) {
        found.push(node.getText(source));
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

describe('the functions as CDK bundles them', () => {
  it('bundles the ingest function with no warning and no CLD3 (its worker detects languages), and the analyze function with CLD3 through the CommonJS build of its loader', async () => {
    // Act
    const ingest = (await bundle('lambdas/ingest/index.ts', 'ingest')).result;
    const analyze = (await bundle('lambdas/analyze/index.ts', 'analyze')).result;
    // Assess: nothing a synth would print (it warned that calling nanoid would crash at run time).
    const loaderOf = (result: typeof ingest) =>
      Object.keys(result.metafile?.inputs ?? {}).filter((f) => f.includes('emscripten-wasm-loader/dist'));
    for (const result of [ingest, analyze]) {
      expect(result.warnings.map((w) => `${w.text} (${w.location?.file})`)).toEqual([]);
    }
    expect(loaderOf(ingest)).toEqual([]);
    expect(loaderOf(analyze).length).toBeGreaterThan(0);
    expect(loaderOf(analyze).every((f) => f.includes('/dist/cjs/'))).toBe(true);
  }, 240_000);

  it('detects languages with the bundled detector and CLD3 beside it, as the ingest function does', async () => {
    // Prepare: the ingest function's detector, bundled the same way, CLD3's runtime beside it.
    const { outfile } = await bundle('shared/cleaning/language.ts', 'language');
    const texts = {
      fr: 'Le conseil municipal a voté le budget de la ville pour l’année prochaine, a indiqué le maire mardi soir.',
      es: 'El consejo municipal aprobó el presupuesto de la ciudad para el próximo año, según dijo el alcalde el martes.',
      pt: 'A câmara municipal aprovou o orçamento da cidade para o próximo ano, disse o prefeito na terça-feira.',
    };
    const script = `const m = await import(${JSON.stringify(outfile)});
await m.loadLanguageModels();
const texts = ${JSON.stringify(texts)};
console.log(JSON.stringify(Object.fromEntries(Object.entries(texts).map(([k, t]) => [k, m.detectLanguage(t)]))));`;
    // Act: in a fresh Node process, as Lambda loads it.
    const { stdout, stderr } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: out });
    // Assess
    expect(stderr).toBe('');
    expect(JSON.parse(stdout)).toEqual({ fr: 'fr', es: 'es', pt: 'pt' });
  }, 120_000);

  it("leaves franc's data and the claim model out of the analyze bundle, and scores claims from the file beside it", async () => {
    // Prepare: the analyze function's bundle, and the offline engine's claim extraction bundled alone.
    const { result } = await bundle('lambdas/analyze/index.ts', 'analyze');
    const { outfile } = await bundle('shared/analysis/claims.ts', 'claims');
    const text = readFileSync(join(ROOT, 'samples/basra-water.html'), 'utf8').replace(/<[^>]+>/g, ' ');
    const script = `const m = await import(${JSON.stringify(outfile)});
console.log(JSON.stringify(m.extractClaims(${JSON.stringify(text)}, 'en')));`;
    // Act
    const { stdout, stderr } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: out });
    // Assess: neither is parsed at the function's start; the bundled extraction finds what the sources find.
    const inputs = Object.keys(result.metafile?.inputs ?? {});
    expect(inputs.filter((f) => f.endsWith('franc/data.js') || f.endsWith('checkworthiness-weights.json'))).toEqual([]);
    expect(stderr).toBe('');
    const claims = JSON.parse(stdout);
    expect(claims.length).toBeGreaterThan(0);
    expect(claims).toEqual(JSON.parse(JSON.stringify(extractClaims(text, 'en'))));
  }, 120_000);

  it("reads no classic zod, no zod 3 and no chrono language at the analyze function's import, and reads an article's dates from its language's chunk", async () => {
    // Prepare: the analyze function's bundle, and the date checks bundled alone.
    const { outfile: analyze, result } = await bundle('lambdas/analyze/index.ts', 'analyze');
    const { outfile } = await bundle('shared/analysis/checks/dates.ts', 'dates');
    const article = {
      text: 'Die Regierung kündigte am Sonntag an, die Preise ab dem 3. März 2025 zu senken.',
      publishedAt: '2025-02-20T08:00:00+01:00',
      language: 'de',
    };
    const script = `const m = await import(${JSON.stringify(outfile)});
console.log(JSON.stringify(m.allowedDates(${JSON.stringify(article)}, await m.dateReaderFor('de'))));`;
    // Act
    const { stdout, stderr } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: out });
    // Assess: the schemas are on zod/mini, the languages are chunks; the bundled reader finds what the sources find.
    const atImport = readAtImport(result.metafile as Metafile, analyze);
    expect(atImport.filter((f) => /zod\/v4\/classic|zod\/v3|openai\/helpers|chrono-node/.test(f))).toEqual([]);
    expect(stderr).toBe('');
    const dates = JSON.parse(stdout);
    expect(dates).toContainEqual({ year: 2025, month: 3, day: 3 });
    expect(dates).toEqual(allowedDates(article, await dateReaderFor('de')));
  }, 120_000);

  it("reads shared/lazily.ts at the analyze function's import in the chunk it shares with the offline engine, not in a file of its own", async () => {
    // Prepare
    const { outfile, result } = await bundle('lambdas/analyze/index.ts', 'analyze');
    // Act: the files the import reads, and each one's modules.
    const files = outputsReadAtImport(result.metafile as Metafile, relative(ROOT, outfile)).map((output) =>
      Object.keys(result.metafile?.outputs[output]?.inputs ?? {}),
    );
    // Assess: the language detector's chunk reads neither lazily.ts nor unicode-pattern.ts (shared/scripts.ts
    // builds its patterns itself), so the two are not a chunk of their own, one more file to read at import: they
    // share the chunk of the modules the entry and the offline engine both read.
    const holding = files.find((inputs) => inputs.includes('shared/lazily.ts')) ?? [];
    expect(holding).toEqual(expect.arrayContaining(['shared/unicode-pattern.ts', 'shared/analysis/sentences.ts']));
    expect(files.length).toBeLessThanOrEqual(15);
  }, 120_000);

  it('loads the X-Ray SDK, the SQS client, the OpenAPI document and the reader page only when first needed, and no classic zod', async () => {
    // Prepare
    const { outfile, result } = await bundle('lambdas/api/index.ts', 'api');
    const script = `const m = await import(${JSON.stringify(outfile)});
const get = (path) => ({ httpMethod: 'GET', path, resource: path, headers: {}, pathParameters: null, queryStringParameters: null, body: null, requestContext: {} });
const spec = await m.handler(get('/openapi.json'), {});
const page = await m.handler(get('/'), {});
console.log(JSON.stringify([spec.statusCode, JSON.parse(spec.body).openapi, page.statusCode, page.body.slice(0, 15)]));`;
    // Act: the bundle's handler, in a fresh Node process, as the function's configuration gives it.
    const { stdout, stderr } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: out,
      env: {
        ...process.env,
        ...FUNCTION_ENV,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        POWERTOOLS_LOG_LEVEL: 'SILENT',
      },
    });
    // Assess: none of the three is read at import; each is there, in a chunk, when asked for. Nor are the SQS
    // client (a chunk for the first reprocess or redrive), the presigner (for the first upload URL), Powertools'
    // metrics (the api publishes none) and classic zod (the schemas read at import are on zod/mini).
    const atImport = readAtImport(result.metafile as Metafile, outfile);
    expect(atImport.filter((f) => /aws-xray-sdk-core|openapi\.json|lambdas\/api\/reader\/script/.test(f))).toEqual([]);
    expect(
      atImport.filter((f) =>
        /@aws-sdk\/client-sqs|s3-request-presigner|@aws-lambda-powertools\/metrics\/lib\/esm\/Metrics\.js|zod\/v4\/classic/.test(
          f,
        ),
      ),
    ).toEqual([]);
    // The composition and its adapters are in the entry, not in a chunk shared with one loaded on first use (the SQS
    // queues' imported runtime.ts once, the reader page article.ts), which every cold start would read and link as a
    // file of its own.
    const entry = result.metafile?.outputs[relative(ROOT, outfile)];
    expect(Object.keys(entry?.inputs ?? {})).toEqual(
      expect.arrayContaining([
        'lambdas/runtime.ts',
        'lambdas/api/deps.ts',
        'shared/storage/dynamo-article-repository.ts',
        'shared/article.ts',
      ]),
    );
    expect(stderr).toBe('');
    expect(JSON.parse(stdout)).toEqual([200, '3.1.0', 200, '<!doctype html>']);
  }, 120_000);

  // A file that calls require still gets Node's: the tests above load CLD3's CommonJS loader through it.
  it("makes no require at the api and analyze functions' import", async () => {
    // Prepare: Node's createRequire counted, as each file's banner reaches it through its import of 'module'.
    const api = await bundle('lambdas/api/index.ts', 'api');
    const analyze = await bundle('lambdas/analyze/index.ts', 'analyze');
    const script = `import module, { syncBuiltinESMExports } from 'node:module';
const createRequire = module.createRequire;
let made = 0;
module.createRequire = (...args) => { made++; return createRequire(...args); };
syncBuiltinESMExports();
const m = await import(process.env.BUNDLE);
console.log(JSON.stringify([typeof m.handler, made]));`;
    const env = { ...process.env, ...FUNCTION_ENV, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
    for (const { outfile } of [api, analyze]) {
      // Act
      const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
        cwd: out,
        env: { ...env, BUNDLE: outfile },
      });
      // Assess: each of the files read at import (16 or 17) made its require only if it called one; none does.
      expect(JSON.parse(stdout)).toEqual(['function', 0]);
    }
  }, 240_000);

  it("gives CommonJS code its file's __dirname and __filename, and imports no builtin for them in the files it does not read them in", async () => {
    // Prepare: a CommonJS module that reads both, loaded on first use (a chunk of its own) by an entry that does not.
    const dir = mkdtempSync(join(out, 'dirname-'));
    writeFileSync(join(dir, 'where.cjs'), 'module.exports = { dir: __dirname, file: __filename };\n');
    writeFileSync(join(dir, 'entry.mjs'), "export const where = async () => (await import('./where.cjs')).default;\n");
    const { metafile } = await build({
      ...esbuildOptions(join(dir, 'entry.mjs'), join(dir, 'out')),
      logLevel: 'silent',
      metafile: true,
    });
    const outfile = join(dir, 'out', `${BUNDLING.entryName}.mjs`);
    const script = `const m = await import(${JSON.stringify(outfile)}); console.log(JSON.stringify(await m.where()));`;
    // Act
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: out });
    // Assess: the chunk's own directory and file, as CommonJS gives them; the entry imports only what require needs.
    const chunk = Object.keys(metafile.outputs).find((o) => o.endsWith('.mjs') && o.includes('where-')) as string;
    expect(JSON.parse(stdout)).toEqual({ dir: join(dir, 'out'), file: resolve(chunk) });
    const entryText = readFileSync(outfile, 'utf8');
    expect(entryText.match(/from\s*['"](node:)?[a-z]+['"]/g)).toEqual(["from 'module'"]);
    expect(entryText).not.toMatch(/__dirname|__filename/);
  }, 120_000);

  it("reads no regular expression literal with a Unicode property class at the api and analyze functions' import", async () => {
    // Act
    const api = await bundle('lambdas/api/index.ts', 'api');
    const analyze = await bundle('lambdas/analyze/index.ts', 'analyze');
    // Assess: the patterns with \p{…} on their import paths are built from strings where they run.
    expect(propertyLiterals(api.result.metafile as Metafile, api.outfile)).toEqual([]);
    expect(propertyLiterals(analyze.result.metafile as Metafile, analyze.outfile)).toEqual([]);
  }, 240_000);
  it("builds no pattern with a script's class at the analyze function's import, and each script's letters on its first read", async () => {
    // Prepare: the analyze function's bundle, and a RegExp that records the sources it is built from.
    const { outfile } = await bundle('lambdas/analyze/index.ts', 'analyze');
    const { outfile: scripts } = await bundle('shared/scripts.ts', 'scripts');
    const record = `const built = []; const Real = globalThis.RegExp;
globalThis.RegExp = new Proxy(Real, { construct: (target, args, next) => { built.push(String(args[0]?.source ?? args[0])); return Reflect.construct(target, args, next); } });`;
    const script = `${record}
await import(${JSON.stringify(outfile)});
const atImport = [...built];
const m = await import(${JSON.stringify(scripts)});
const before = built.length;
const han = m.SCRIPT_LETTERS.Han;
console.log(JSON.stringify({ atImport, firstRead: built.slice(before), same: han === m.SCRIPT_LETTERS.Han, hanTest: han.test('漢'), latinTest: m.SCRIPT_LETTERS.Latin.test('漢'), cyrillic: [...'Русский text'].filter((ch) => m.SCRIPT_LETTERS.Cyrillic.test(ch)).length }));`;
    // Act
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: out,
      env: {
        ...process.env,
        ...FUNCTION_ENV,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        NODE_OPTIONS: '',
      },
    });
    // Assess: none of the eleven is built at import, nor any other pattern with a \p{Script=…} class (the token
    // estimate's and the word count's dictionary scripts: the first such class has ICU load its script data); a read
    // builds its own, once, and it matches as before.
    const found = JSON.parse(stdout);
    expect(found.atImport.length).toBeGreaterThan(0);
    expect(found.atImport.filter((source: string) => source.includes('\\p{Script='))).toEqual([]);
    // Nor any other \p{…} pattern but the two every analysis reads (the figures', the verifier's clitics): the
    // offline summariser's, the German marks' and months' are built on first use.
    expect(found.atImport.filter((source: string) => source.includes('\\p{')).length).toBe(2);
    expect(found.firstRead).toEqual(['\\p{Script=Han}']);
    expect(found).toMatchObject({ same: true, hanTest: true, latinTest: false, cyrillic: 7 });
  }, 240_000);
});
