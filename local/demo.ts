/**
 * `npm run demo`: the local stack, the project's sample articles uploaded
 * through the S3 API (and one broken file, to show how bad input ends), a
 * report of each once it reaches a terminal state, the curl commands that
 * fetch the same, then a clean stop.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { llmConfigured } from '../lambdas/analyze/deps.js';
import type { ArticleRecord } from '../shared/article.js';
import { EVENT_DETAIL_TYPE, EVENT_SOURCE, isTerminal } from '../shared/article.js';
import { bold, dim, report, stubNote } from './demo-report.js';
import type { EventEnvelope } from './events-file.js';
import './process-env.js';
import { localOptions, startLocalStack } from './stack.js';

const SAMPLES = resolve(import.meta.dirname, '../samples');
/** A file that cannot be an article: shows how bad input ends. */
const BROKEN = {
  key: 'incoming/demo-broken-upload.html',
  body: Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj', 'latin1'),
};

/**
 * The demo keeps waits short: with an LLM configured, an article's calls get
 * 30 s together and a failed delivery comes back 5 s after its 40 s lease (not
 * the minutes a deployment allows), so a provider that is down shows its
 * fallback within the demo. Set the variables to override.
 */
const env: Record<string, string | undefined> = {
  TARGET_LANGUAGES: 'ar,fr',
  PRECIS_ARTICLE_BUDGET_MS: '30000',
  PRECIS_ANALYZE_LEASE_MS: '40000',
  PRECIS_LLM_TIMEOUT_MS: '20000',
  PRECIS_LLM_RETRIES: '1',
  POWERTOOLS_LOG_LEVEL: 'ERROR',
  ...process.env,
};
process.env.POWERTOOLS_LOG_LEVEL = env.POWERTOOLS_LOG_LEVEL;
const options = localOptions(env);
const usesLlm = llmConfigured(options.analyze) && options.analyze.PRECIS_ENGINE !== 'offline';
const TIMEOUT_MS = usesLlm ? options.analyze.PRECIS_MAX_RECEIVES * options.analyzeVisibilityMs + 30_000 : 60_000;
const started = Date.now();
const stack = await startLocalStack({ ...options, log: (line) => console.log(dim(line)) }).catch((error: Error) => {
  console.error(`precis demo: ${error.message}`);
  process.exit(1);
});
console.log(
  `Local stack up in ${Date.now() - started} ms: S3 ${stack.endpoints.s3}, DynamoDB ${stack.endpoints.dynamodb}, API ${stack.endpoints.api}`,
);

const api = async <T>(path: string): Promise<T> => {
  const response = await fetch(`${stack.endpoints.api}${path}`, { headers: { 'x-api-key': stack.apiKey } });
  if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
};

let exitCode = 0;
try {
  const uploads = readdirSync(SAMPLES)
    .sort()
    .map((name) => ({ file: name, key: `incoming/${name}`, body: readFileSync(join(SAMPLES, name)) }));
  uploads.push({ file: 'demo-broken-upload.html (a PDF in disguise)', key: BROKEN.key, body: BROKEN.body });
  for (const upload of uploads) {
    await stack.s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: upload.key, Body: upload.body }));
  }
  console.log(`Uploaded ${uploads.length} files to s3://${stack.bucket}/incoming/; waiting for each to finish…`);
  if (usesLlm) {
    const where = options.analyze.OPENAI_BASE_URL ?? 'OpenAI';
    console.log(
      `Engine: ${options.analyze.PRECIS_MODEL} on ${where}; if it fails, it is retried, then the offline engine answers.`,
    );
  }

  const done = new Map<string, ArticleRecord>();
  const deadline = Date.now() + TIMEOUT_MS;
  let nextProgress = Date.now() + 5_000;
  while (done.size < uploads.length && Date.now() < deadline) {
    const waiting: string[] = [];
    for (const upload of uploads) {
      if (done.has(upload.key)) continue;
      const { items } = await api<{ items: { id: string; status: ArticleRecord['status'] }[] }>(
        `/articles?key=${encodeURIComponent(upload.key)}`,
      );
      const item = items[0];
      if (item && isTerminal(item.status)) done.set(upload.key, await api<ArticleRecord>(`/articles/${item.id}`));
      else waiting.push(`${upload.file} ${item?.status ?? 'not yet received'}`);
    }
    if (waiting.length > 0 && Date.now() > nextProgress) {
      const queued = stack.queues.analyze.stats();
      console.log(
        dim(
          `  still waiting (${Math.round((Date.now() - started) / 1000)} s): ${waiting.join(', ')}; ${queued.waiting} deliveries waiting to be retried`,
        ),
      );
      nextProgress = Date.now() + 5_000;
    }
    if (done.size < uploads.length) await new Promise((r) => setTimeout(r, 100));
  }

  console.log('');
  for (const upload of uploads) {
    const article = done.get(upload.key);
    if (!article) {
      console.log(bold(`━━ ${upload.file} ── did not finish within ${TIMEOUT_MS / 1000} s`));
      exitCode = 1;
      continue;
    }
    console.log(report(upload.file, article));
    console.log('');
    // The broken upload must fail; a sample must not (PARTIAL is an LLM's partial or fallback result).
    if ((upload.key === BROKEN.key) !== (article.status === 'FAILED')) exitCode = 1;
  }
  const stub = stubNote([...done.values()]);
  if (stub) console.log(`${bold(stub)}\n`);

  const shown = (path: string) =>
    relative(process.cwd(), path).startsWith('..') ? path : relative(process.cwd(), path);
  // What other systems were told: one EventBridge event per article's terminal state.
  const ids = new Set([...done.values()].map((a) => a.id));
  const events = existsSync(stack.eventsFile)
    ? readFileSync(stack.eventsFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as EventEnvelope)
        .filter((e) => ids.has(e.detail.articleId))
    : [];
  console.log(
    bold(`Events published (${events.length})`),
    dim(
      `source "${EVENT_SOURCE}", detail-type "${EVENT_DETAIL_TYPE}", one JSON line each in ${shown(stack.eventsFile)}:`,
    ),
  );
  for (const { time, detail } of events) {
    const why = detail.error ? ` ${detail.error.code}` : '';
    console.log(`  ${time}  ${detail.status.padEnd(7)} ${detail.articleId}  ${detail.sourceKey}${dim(why)}`);
  }
  console.log('');

  const sample = done.get(uploads[0]?.key ?? '');
  const key = `-H 'x-api-key: ${stack.apiKey}'`;
  const base = stack.endpoints.api;
  const kept = relative(process.cwd(), stack.dataDir) || '.';
  console.log(
    bold('The same over the API'),
    dim(`(run \`npm start\` first; the data is kept in ${kept.startsWith('..') ? stack.dataDir : `${kept}/`}):`),
  );
  console.log(`  open ${base}/   ${dim('(the reader page: the articles, their summaries and claims, uploads)')}`);
  console.log(`  npm run -s precis -- list   ${dim('(and get, claims, upload)')}`);
  console.log(`  curl ${key} '${base}/articles'`);
  console.log(`  curl ${key} '${base}/articles?key=${encodeURIComponent(uploads[0]?.key ?? '')}'`);
  if (sample) {
    console.log(`  curl ${key} '${base}/articles/${sample.id}'`);
    console.log(`  curl ${key} '${base}/articles/${sample.id}/summary'`);
    console.log(`  curl ${key} '${base}/articles/${sample.id}/summary?lang=ar'`);
    console.log(`  curl ${key} '${base}/articles/${sample.id}/claims'`);
    console.log(`  curl ${key} '${base}/articles/${sample.id}/text'`);
  }
  console.log(`  curl ${key} '${base}/articles?status=FAILED'`);
  if (!usesLlm) {
    console.log(
      dim('\nWith an LLM configured later (OPENAI_API_KEY, or OPENAI_BASE_URL), and `npm start` running, analyse'),
    );
    console.log(dim('these again with it, translations and all:'));
    console.log('  npm run -s precis -- reprocess --status DONE --engine offline');
  }
  console.log(dim(`\nDemo finished in ${((Date.now() - started) / 1000).toFixed(1)} s.`));
} catch (error) {
  console.error(`precis demo: ${(error as Error).message}`);
  exitCode = 1;
} finally {
  await stack.stop();
}
process.exit(exitCode);
