/**
 * What a run costs, measured against the stand-in server (tests/helpers).
 *
 *   npm run measure:cost                          # USD per 1,000 articles, cache share and quality, per model and corpus
 *   npm run measure:cost -- --out after.json      # …and the figures as JSON
 *   npm run measure:cost -- --compare before.json # …beside the figures of another run, with the ratio of costs
 *   npm run measure:cost -- --profiles            # one article on each stand-in profile: calls and cost billed
 *   npm run measure:cost -- --batch               # …and each model and corpus again in batch mode
 *   npm run measure:cost -- --compare before.json --batch --write-docs   # the tables docs/llm-providers.md shows
 *   npm run measure:cost -- --env PRECIS_CLAIM_REASONS=false             # …with a setting of the engine changed
 *
 * The first report: the samples and the 100 dev CNN/DM articles
 * (../shared/eval-data, skipped when absent) through the LLM engine with
 * translations into ar and fr, for gpt-5.4-mini and gpt-5.6-luna at their
 * default effort. The requests are the real prompts; the answers come from
 * the stand-in, written in the shape each request's schema asks for and
 * sized like a model's, their usage counted with the o200k tokenizer, the
 * cache as OpenAI's (a shared prefix of 1,024 tokens or more, in steps of
 * 128, the schema first), warmed by one article first as a stack that
 * analyses all day finds it. Reasoning tokens are the stand-in's fixed
 * allowance per call at each effort (none 0, low 200, medium 800, high
 * 2,400): an assumption, not a measurement. Beside the cost go the quality
 * figures a cheaper run must not lower: the share of claims grounded, claims
 * per article, the share of summaries the model-free verifier flags, and the
 * share of translations that passed their checks.
 *
 * `--batch` adds, per model and corpus, the same articles through the
 * Batch API (batch mode): each article's calls put off, sent as a batch to
 * the stand-in's Batch API, and its run taken again from the answers, as
 * the batch function does it; priced at the model's batch share.
 *
 * It uses only what every version of the engine has, so copying this file and
 * tests/helpers/ into an older checkout measures that version the same way.
 *
 * The second: one article on each situation of tests/helpers/stub-scenarios.ts
 * (as its configuration would run it, with the offline fallback), what the
 * stand-in billed (answered calls, USD at the provider's prices) and what
 * the article's record says it cost.
 */

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import OpenAI from 'openai';
import { createLlmEngine, selectEngine } from '../lambdas/analyze/deps.js';
import { OpenAiBatchApi } from '../shared/analysis/llm/batch-api.js';
import { type BatchRun, parseCustomId, withinBatchRun } from '../shared/analysis/llm/deferred.js';
import { capabilitiesOf } from '../shared/analysis/llm/models.js';
import { costOf } from '../shared/analysis/llm/prices.js';
import { UsageMeter } from '../shared/analysis/usage.js';
import type { BookEntry } from '../shared/batch/ports.js';
import { analyzeEnvSchema, loadConfig } from '../shared/config.js';
import { analyzeDocument, type DocumentAnalysis } from '../shared/usecases/analyze-document.js';
import { startStubOpenAI } from '../tests/helpers/stub-openai.js';
import { scenarios } from '../tests/helpers/stub-scenarios.js';
import { type FigureTable, markdownTable, measuredHere, writeFiguresAndSay } from './lib/doc-figures.js';
import { type OutputFields, outputFields } from './lib/output-fields.js';

const { values } = parseArgs({
  options: {
    target: { type: 'string', default: 'ar,fr' },
    models: { type: 'string', default: 'gpt-5.4-mini,gpt-5.6-luna' },
    corpora: { type: 'string', default: 'samples,cnndm' },
    limit: { type: 'string' },
    out: { type: 'string' },
    compare: { type: 'string' },
    profiles: { type: 'boolean' },
    batch: { type: 'boolean' },
    /** A setting of the engine, `NAME=value`, on top of the defaults (repeatable). */
    env: { type: 'string', multiple: true },
    /** Write the tables into docs/llm-providers.md (docs/figures/measure-cost.json, or measure-cost-profiles.json). */
    'write-docs': { type: 'boolean' },
  },
});
const targets = (values.target ?? '').split(',').filter(Boolean);
const models = (values.models ?? '').split(',').filter(Boolean);
const SAMPLES = resolve(import.meta.dirname, '../samples');
const CNNDM = resolve(import.meta.dirname, '../../shared/eval-data/summarization/cnndm-dev.jsonl');
const usd = (n: number | null) => (n === null ? '—' : `$${n.toFixed(4)}`);
const base = { PRECIS_TABLE: '-', PRECIS_BUCKET: '-' };
const settings = Object.fromEntries(
  (values.env ?? []).map((pair) => {
    const at = pair.indexOf('=');
    if (at < 1) throw new Error(`--env takes NAME=value, not ${pair}`);
    return [pair.slice(0, at), pair.slice(at + 1)];
  }),
);

/** An article no corpus holds, analysed first and not counted: it warms the stand-in's prompt cache. */
const WARM_UP = Buffer.from(
  'The city council met on Monday to discuss the new budget for road repairs, which it had postponed twice. ' +
    'Council members approved 4.2 million dollars for the work, the mayor said after the meeting. ' +
    'Residents had complained for months about potholes on the main roads into the centre. ' +
    'The repairs are due to start in the spring and to last about six months, according to the city engineer.',
);

interface Doc {
  name: string;
  bytes: Buffer;
}

/** The articles of a corpus, or null when it is not here (a fresh clone has no ../shared). */
function corpus(name: string): Doc[] | null {
  const limit = values.limit ? Number(values.limit) : Number.POSITIVE_INFINITY;
  if (name === 'samples') {
    return readdirSync(SAMPLES)
      .sort()
      .map((file) => ({ name: file, bytes: readFileSync(join(SAMPLES, file)) }))
      .slice(0, limit);
  }
  if (name === 'cnndm') {
    if (!existsSync(CNNDM)) return null;
    return readFileSync(CNNDM, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: string; article: string })
      .slice(0, limit)
      .map((a) => ({ name: `${a.id}.txt`, bytes: Buffer.from(a.article) }));
  }
  throw new Error(`--corpora takes samples and cnndm, not ${name}`);
}

/** One model on one corpus: what the records say it cost and how good it is, and what the stand-in billed. */
export interface Measured {
  corpus: string;
  model: string;
  mode: 'real-time' | 'batch';
  articles: number;
  /** USD per 1,000 articles, from the records; null when a record's cost is unknown. */
  perThousand: number | null;
  /** USD per 1,000 articles, from the stand-in's ledger. */
  billedPerThousand: number;
  calls: number;
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  /** Of the claims kept, the share grounded. */
  grounded: number;
  claimsPerArticle: number;
  /** The share of summaries the model-free verifier flags. */
  flagged: number;
  /** Of the translations asked for, the share done (each passed its checks). */
  translationsPassed: number;
  /** Articles that did not end DONE on the LLM engine. */
  notDone: number;
  /** Output tokens per article by call and field (real time; lib/output-fields.ts). */
  output?: OutputFields;
}

/** The figures of a set of records. */
function figures(records: DocumentAnalysis[]) {
  const claims = records.flatMap((r) => r.claims);
  const translations = records.flatMap((r) =>
    targets.filter((lang) => lang !== r.language).map((lang) => r.translations[lang]),
  );
  const totals = records.map((r) => UsageMeter.sum(r.usage));
  return {
    cost: totals.some((t) => t.costUsd === null) ? null : totals.reduce((s, t) => s + (t.costUsd ?? 0), 0),
    calls: totals.reduce((s, t) => s + (t.calls ?? 0), 0),
    inputTokens: totals.reduce((s, t) => s + t.inputTokens, 0),
    cachedInputTokens: totals.reduce((s, t) => s + (t.cachedInputTokens ?? 0), 0),
    outputTokens: totals.reduce((s, t) => s + t.outputTokens, 0),
    reasoningTokens: totals.reduce((s, t) => s + (t.reasoningTokens ?? 0), 0),
    grounded: claims.length === 0 ? 1 : claims.filter((c) => c.grounded).length / claims.length,
    claimsPerArticle: claims.length / records.length,
    flagged: records.filter((r) => r.checks?.faithfulness?.supported === false).length / records.length,
    translationsPassed:
      translations.length === 0 ? 1 : translations.filter((t) => t?.status === 'done').length / translations.length,
    notDone: records.filter((r) => r.status !== 'DONE' || r.provenance.engine !== 'openai').length,
  };
}

/** The LLM engine as the analyze function builds it, on `model` at the stand-in. */
function engineOn(baseURL: string, model: string) {
  const config = loadConfig(analyzeEnvSchema, {
    ...base,
    OPENAI_BASE_URL: baseURL,
    PRECIS_LLM_PROVIDER: 'openai',
    OPENAI_API_KEY: 'measure',
    PRECIS_MODEL: model,
    ...settings,
  });
  return createLlmEngine(config, 'measure', () => undefined);
}

async function realTime(corpusName: string, docs: Doc[], model: string): Promise<Measured> {
  const stub = await startStubOpenAI();
  try {
    const engine = engineOn(stub.baseURL, model);
    // A stack that analyses articles all day reads its prompts' shared head from a warm cache: warm it first.
    await analyzeDocument(WARM_UP, { name: 'warm-up.txt', engine, targetLanguages: targets });
    const billedBefore = stub.ledger.costUsd;
    const from = stub.requests.length;
    const records: DocumentAnalysis[] = [];
    for (const doc of docs) {
      records.push(await analyzeDocument(doc.bytes, { name: doc.name, engine, targetLanguages: targets }));
    }
    const output = outputFields(stub.requests.slice(from), docs.length);
    return { ...measured(corpusName, model, 'real-time', records, stub.ledger.costUsd - billedBefore), output };
  } finally {
    await stub.close();
  }
}

/**
 * The same articles in batch mode: each run's calls put off, sent as one
 * batch to the stand-in's Batch API, driven to its end, and its answers
 * given to the next run, until the article ends; each answer counted once,
 * at the batch price, as the batch function counts it.
 */
async function batchMode(corpusName: string, docs: Doc[], model: string): Promise<Measured> {
  const stub = await startStubOpenAI();
  try {
    const engine = engineOn(stub.baseURL, model);
    const api = new OpenAiBatchApi(new OpenAI({ apiKey: 'measure', baseURL: stub.baseURL, maxRetries: 0 }), 'openai');
    const price = capabilitiesOf(model).price;
    const analyse = async (doc: Doc): Promise<DocumentAnalysis> => {
      const book = new Map<string, BookEntry>();
      const meter = new UsageMeter();
      const articleId = createHash('sha256').update(doc.name).digest('hex').slice(0, 24);
      for (let round = 0; round < 10; round++) {
        const run: BatchRun = { articleId, answers: book, mode: 'defer', deferred: [] };
        // A call put off stops the analysis (a thrown CallDeferred): the batch answers it, and the run goes again.
        const record = await withinBatchRun(run, () =>
          analyzeDocument(doc.bytes, { name: doc.name, engine, targetLanguages: targets }),
        ).catch((error: unknown) => {
          if (run.deferred.length === 0) throw error;
          return null;
        });
        if (record && run.deferred.length === 0) return { ...record, usage: meter.usage };
        const file = await api.upload(run.deferred, run.deferred[0]?.api ?? 'chat');
        const batch = await api.create(file, run.deferred[0]?.api ?? 'chat');
        stub.batches.finish();
        const ended = await api.retrieve(batch.id);
        const { lines } = ended.outputFileId ? await api.results(ended.outputFileId) : { lines: [] };
        for (const line of lines) {
          const id = parseCustomId(line.customId);
          if (!line.ok || !id) continue;
          book.set(id.key, { key: id.key, stage: id.stage, api: 'chat', body: line.body });
          meter.add(id.stage, line.usage, costOf(price, line.usage));
        }
      }
      throw new Error(`${doc.name} did not end within 10 batches`);
    };
    await analyse({ name: 'warm-up.txt', bytes: WARM_UP });
    const billedBefore = stub.ledger.costUsd;
    const records: DocumentAnalysis[] = [];
    for (const doc of docs) records.push(await analyse(doc));
    return measured(corpusName, model, 'batch', records, stub.ledger.costUsd - billedBefore);
  } finally {
    await stub.close();
  }
}

/** One corpus on one model in one mode: per 1,000 articles, as the records say and as the stand-in billed. */
function measured(
  corpus: string,
  model: string,
  mode: Measured['mode'],
  records: DocumentAnalysis[],
  billedUsd: number,
): Measured {
  const f = figures(records);
  return {
    corpus,
    model,
    mode,
    articles: records.length,
    perThousand: f.cost === null ? null : (f.cost / records.length) * 1000,
    billedPerThousand: (billedUsd / records.length) * 1000,
    ...f,
  };
}

const pct = (n: number) => `${(100 * n).toFixed(1)} %`;

function table(rows: Measured[], before: Measured[] | null): FigureTable {
  const match = (r: Measured) =>
    before?.find((b) => b.corpus === r.corpus && b.model === r.model && b.mode === 'real-time') ?? null;
  const out: FigureTable = {
    head: [
      'corpus',
      'model',
      'mode',
      'USD / 1,000 articles',
      'stand-in billed',
      'vs before',
      'input tokens / article',
      'cached',
      'output tokens / article',
      'reasoning / article',
      'claims grounded',
      'claims / article',
      'summaries flagged',
      'translations passed',
      'not DONE',
    ],
    rows: [],
  };
  for (const r of rows) {
    const b = match(r);
    const ratio = b?.perThousand && r.perThousand !== null ? `${(r.perThousand / b.perThousand).toFixed(2)}×` : '—';
    const per = (n: number) => String(Math.round(n / r.articles));
    out.rows.push([
      r.corpus,
      r.model,
      r.mode,
      r.perThousand === null ? '—' : `$${r.perThousand.toFixed(2)}`,
      `$${r.billedPerThousand.toFixed(2)}`,
      ratio,
      per(r.inputTokens),
      pct(r.inputTokens === 0 ? 0 : r.cachedInputTokens / r.inputTokens),
      per(r.outputTokens),
      per(r.reasoningTokens),
      pct(r.grounded),
      r.claimsPerArticle.toFixed(2),
      pct(r.flagged),
      pct(r.translationsPassed),
      String(r.notDone),
    ]);
  }
  console.log(markdownTable(out));
  return out;
}

/** Order of the calls in the output table: the analysis, then each translation, then the others. */
const callRank = (call: string) => (call === 'analysis' ? 0 : call.startsWith('translation:') ? 1 : 2);
const fieldRank = (field: string) => (field === '(whole answer)' ? 0 : field.startsWith('(') ? 2 : 1);

/** Output tokens per article by call and field, one column per corpus and model (real time). */
function outputTable(rows: Measured[]): FigureTable {
  const measuredRows = rows.filter((r) => r.mode === 'real-time' && r.output);
  const keys = [...new Set(measuredRows.flatMap((r) => Object.keys(r.output ?? {})))].map((key) => {
    const [call = '', ...rest] = key.split(' ');
    return { key, call, field: rest.join(' ') };
  });
  keys.sort(
    (a, b) =>
      callRank(a.call) - callRank(b.call) ||
      a.call.localeCompare(b.call) ||
      fieldRank(a.field) - fieldRank(b.field) ||
      a.field.localeCompare(b.field),
  );
  const out: FigureTable = {
    head: ['call', 'field', ...measuredRows.map((r) => `${r.corpus}, ${r.model}`)],
    rows: keys.map(({ key, call, field }) => [
      call,
      field,
      ...measuredRows.map((r) => (r.output?.[key] === undefined ? '—' : r.output[key].toFixed(1))),
    ]),
  };
  out.rows.push(['all calls', 'reasoning', ...measuredRows.map((r) => (r.reasoningTokens / r.articles).toFixed(1))]);
  console.log(markdownTable(out));
  return out;
}

async function costs() {
  const before = values.compare ? (JSON.parse(readFileSync(values.compare, 'utf8')) as Measured[]) : null;
  const rows: Measured[] = [];
  for (const name of (values.corpora ?? '').split(',').filter(Boolean)) {
    const docs = corpus(name);
    if (!docs) {
      console.log(`(${name}: ${CNNDM} is not here; skipped)`);
      continue;
    }
    for (const model of models) {
      const now = await realTime(name, docs, model);
      rows.push(now);
      if (values.batch) {
        const batched = await batchMode(name, docs, model);
        rows.push(batched);
        if (now.perThousand && batched.perThousand !== null) {
          console.log(`${name} ${model}: batch ${(batched.perThousand / now.perThousand).toFixed(3)}× real-time`);
        }
      }
    }
  }
  console.log(
    `USD per 1,000 articles at each model's default effort, translated into ${targets.join(', ') || 'none'}\n`,
  );
  const tables: Record<string, FigureTable> = {};
  if (before) {
    console.log(`Before (${values.compare}):\n`);
    tables.before = table(before, null);
    console.log('\nNow:\n');
  }
  tables.now = table(rows, before);
  console.log('\nOutput tokens per article, by call and field (real time):\n');
  tables.output = outputTable(rows);
  if (values.out) writeFileSync(values.out, `${JSON.stringify(rows, null, 2)}\n`);
  if (values['write-docs']) {
    const options = [
      values.compare ? `--compare ${values.compare}` : '',
      values.batch ? '--batch' : '',
      ...(values.env ?? []).map((pair) => `--env ${pair}`),
    ]
      .filter(Boolean)
      .join(' ');
    writeFiguresAndSay({
      name: 'measure-cost',
      command: `npm run measure:cost${options ? ` -- ${options}` : ''}`,
      measured: measuredHere(),
      tables,
    });
  }
}

/** The English samples joined, three times over: an article longer than a small context. */
function longArticle(): Buffer {
  const english = ['basra-water.html', 'kirkuk-checkpoints.txt', 'mosul-old-city.md'];
  return Buffer.from(
    Array.from({ length: 3 }, () => english.map((n) => readFileSync(join(SAMPLES, n), 'utf8').replace(/<[^>]+>/g, ' ')))
      .flat()
      .join('\n\n'),
  );
}

async function profiles() {
  console.log(`One article on each stand-in profile, target languages: ${targets.join(', ') || 'none'}\n`);
  const table: FigureTable = {
    head: ['profile', 'article', 'ends', 'engine (fallback)', 'billed calls', 'refused', 'billed USD', 'recorded USD'],
    rows: [],
  };
  for (const [name, scenario] of scenarios()) {
    const stub = await startStubOpenAI(scenario.stub);
    try {
      const engine = selectEngine(
        loadConfig(analyzeEnvSchema, { ...base, ...scenario.env, OPENAI_BASE_URL: stub.baseURL }),
      );
      const run = (bytes: Buffer, file: string) =>
        analyzeDocument(bytes, { name: file, engine, targetLanguages: targets });
      if (scenario.warm) await run(readFileSync(join(SAMPLES, 'kirkuk-checkpoints.txt')), 'kirkuk-checkpoints.txt');
      const before = { ...stub.ledger };
      const isLong = scenario.article === 'long';
      const record = await run(
        isLong ? longArticle() : readFileSync(join(SAMPLES, scenario.article)),
        isLong ? 'long.txt' : scenario.article,
      );
      const total = UsageMeter.sum(record.usage);
      const fallback = record.provenance.fallback ? ` (${record.provenance.fallback.code})` : '';
      table.rows.push([
        name,
        scenario.article,
        record.status,
        `${record.provenance.engine}${fallback}`,
        String(stub.ledger.billed - before.billed),
        String(stub.ledger.refused - before.refused),
        usd(stub.ledger.costUsd - before.costUsd),
        usd(total.costUsd),
      ]);
      console.log(`${name}: ${record.status}`);
    } finally {
      await stub.close();
    }
  }
  console.log(`\n${markdownTable(table)}`);
  if (values['write-docs']) {
    writeFiguresAndSay({
      name: 'measure-cost-profiles',
      command: 'npm run measure:cost -- --profiles',
      measured: measuredHere(),
      tables: { profiles: table },
    });
  }
}

if (values.profiles) await profiles();
else await costs();
