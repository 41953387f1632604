import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBatchDeps } from '../../lambdas/batch/deps.js';
import {
  LOCAL_CREDENTIALS,
  type LocalStack,
  type LocalStackOptions,
  localOptions,
  startLocalStack,
} from '../../local/stack.js';
import { capabilitiesOf } from '../../shared/analysis/llm/models.js';
import { costOf } from '../../shared/analysis/llm/prices.js';
import { UsageMeter } from '../../shared/analysis/usage.js';
import { type ArticleRecord, articleIdFor, isTerminal } from '../../shared/article.js';
import { collectBatches } from '../../shared/usecases/collect-batch.js';
import { contractFetch } from '../helpers/contract.js';
import { type StubServer, startStubOpenAI } from '../helpers/stub-openai.js';

/**
 * Batch mode on the local stack against the stand-in's Batch API. The
 * batches move when the test says (the stand-in's `batches`), and the batch
 * function runs when the test says (`stack.batch.run()`): no outcome waits
 * on a clock. The only waits are for the analyze queue to empty.
 */

const WORDS =
  'river council market bridge school harvest doctor engineer province station contract budget ministry village farmer teacher pipeline clinic factory highway governor election court police desert border airport hospital water power grid fuel price salary protest reform archive museum library theatre festival stadium railway harbour tunnel cement steel wheat barley cotton tomato orchard canal dam reservoir drought flood storm winter summer autumn spring morning evening report survey census record budget deficit surplus loan grant donor charity union strike wage pension housing rent tenant landlord license permit inspector auditor senator minister mayor judge lawyer witness victim suspect officer soldier commander convoy checkpoint patrol curfew'.split(
    ' ',
  );

/** A plain-text article of its own: words drawn by `seed`, with figures, unlike any other (no near copy). */
function article(seed: number): string {
  let state = seed * 7919 + 17;
  const next = () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state;
  };
  const word = () => WORDS[next() % WORDS.length] as string;
  const sentences = Array.from({ length: 8 }, (_, i) => {
    const words = Array.from({ length: 11 }, word).join(' ');
    return `The ${word()} in district ${seed} said ${(next() % 900) + 100} families saw the ${words} in week ${i + 1}.`;
  });
  return `Report ${seed}: the ${word()} of district ${seed}\n\n${sentences.join(' ')}\n`;
}

let stub: StubServer;
let stack: LocalStack;
let options: LocalStackOptions;
let dataDir: string;

beforeAll(async () => {
  stub = await startStubOpenAI();
  dataDir = mkdtempSync(join(tmpdir(), 'precis-batch-'));
  options = localOptions({
    TARGET_LANGUAGES: 'fr',
    OPENAI_BASE_URL: stub.baseURL,
    OPENAI_API_KEY: 'sk-test',
    PRECIS_LLM_PROVIDER: 'openai',
    PRECIS_LLM_MODE: 'batch',
    PRECIS_LLM_RETRIES: '0',
    PRECIS_BATCH_INTERVAL_MS: '0',
    PRECIS_SWEEP_INTERVAL_MS: '0',
    PRECIS_ANALYZE_CONCURRENCY: '4',
    PRECIS_S3_PORT: '0',
    PRECIS_DYNAMODB_PORT: '0',
    PRECIS_API_PORT: '0',
    PRECIS_DATA_DIR: dataDir,
  });
  stack = await startLocalStack(options);
}, 60_000);
afterAll(async () => {
  await stack?.stop();
  await stub?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const upload = async (key: string, text: string) => {
  await stack.s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: key, Body: Buffer.from(text) }));
  return articleIdFor(stack.bucket, key);
};
const records = (ids: string[]) =>
  Promise.all(ids.map(async (id) => (await stack.adapters.articles.get(id)) as ArticleRecord));

/** Whether an article waits for nothing the queues hold: ended, or on the batch function. */
const settled = (a: ArticleRecord | undefined) =>
  a !== undefined && (isTerminal(a.status) || a.batch?.state === 'queued' || a.batch?.state === 'submitted');

/** Waits until every article is settled and the analyze queue is empty. */
async function settle(ids: string[], timeoutMs = 240_000): Promise<ArticleRecord[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const all = await records(ids);
    if (stack.queues.analyze.pending.length === 0 && stack.queues.ingest.pending.length === 0 && all.every(settled)) {
      return all;
    }
    if (Date.now() > deadline) {
      const stuck = all.filter((a) => !settled(a)).slice(0, 3);
      throw new Error(`not settled: ${JSON.stringify(stuck.map((a) => [a?.status, a?.batch, a?.error]))}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Runs batches to their end and the batch function, until every article ended. */
async function driveToEnd(ids: string[]): Promise<ArticleRecord[]> {
  for (let round = 0; round < 8; round++) {
    const all = await settle(ids);
    if (all.every((a) => isTerminal(a.status))) return all;
    await stack.batch.run();
    stub.batches.finish();
    await stack.batch.run();
  }
  const left = (await records(ids)).filter((a) => !isTerminal(a.status));
  throw new Error(
    `the articles did not end within 8 batch rounds: ${JSON.stringify(left.map((a) => [a.status, a.batch]))}`,
  );
}

/** What the calls an article was billed for would have cost in real time, from their recorded tokens. */
function realtimeCost(a: ArticleRecord): number {
  const price = capabilitiesOf('gpt-5.4-mini').price;
  return Object.values(a.usage ?? {}).reduce((sum, u) => sum + (costOf(price, u) ?? 0), 0);
}

describe('batch mode', () => {
  it('takes a 200-article backfill to DONE through the Batch API at the batch price, with a collect run killed half-way and run again', async () => {
    // Prepare: 200 different articles uploaded; each run puts its calls off and waits to be submitted.
    const ids = await Promise.all(
      Array.from({ length: 200 }, (_, i) => upload(`incoming/backfill/${i}.txt`, article(i))),
    );
    const queued = await settle(ids);
    expect(queued.every((a) => a.status === 'ANALYZING' && a.batch?.state === 'queued')).toBe(true);
    expect(stub.ledger.billed).toBe(0);

    // Act: one run submits one batch of 200 lines; the article shows the batch it waits on, and its deadline.
    const first = await stack.batch.run();
    expect(first?.submit.submitted).toEqual([expect.objectContaining({ requests: 200, articles: 200 })]);
    const batchId = first?.submit.submitted[0]?.batchId;
    const shown = await contractFetch(`${stack.endpoints.api}/articles/${ids[0]}`, {
      headers: { 'x-api-key': stack.apiKey },
    });
    const waiting = (await shown.json()) as ArticleRecord;
    expect(waiting.batch).toMatchObject({ state: 'submitted', id: batchId, requests: 1 });
    expect(Date.parse(waiting.batch?.deadline ?? '')).toBeGreaterThan(Date.now());

    // The batch ends; a collect run dies after moving 80 of its articles, and the next run does the rest.
    stub.batches.finish();
    const dynamodb = new DynamoDBClient({
      endpoint: stack.endpoints.dynamodb,
      region: 'us-east-1',
      credentials: LOCAL_CREDENTIALS,
    });
    const deps = buildBatchDeps(options.batch, {
      s3: stack.s3,
      dynamodb,
      analyzeQueue: { send: async () => undefined },
    });
    let moved = 0;
    const markCollected = deps.table.markCollected.bind(deps.table);
    deps.table.markCollected = async (...args) => {
      if (moved >= 80) throw new Error('the collect run is killed here');
      const done = await markCollected(...args);
      if (done) moved++;
      return done;
    };
    await expect(collectBatches(deps)).rejects.toThrow('killed');
    const billedBefore = stub.ledger.billed;
    // The run again: the 80 it moved are only sent on (their messages died with it), the other 120 collected.
    const again = await stack.batch.run();
    expect(again?.collect.collected).toEqual([expect.objectContaining({ batchId, realtime: [] })]);
    expect(again?.collect.collected[0]?.answered).toHaveLength(200);
    const all = await driveToEnd(ids);

    // Assess: every article DONE, each line paid once, and all of it at the batch price.
    expect(all.every((a) => a.status === 'DONE')).toBe(true);
    const usage = all.map((a) => UsageMeter.sum(a.usage ?? {}));
    const calls = usage.reduce((sum, u) => sum + (u.calls ?? 0), 0);
    expect(billedBefore).toBe(200);
    expect(calls).toBe(stub.ledger.billed);
    expect(stub.ledger.batch.billed).toBe(stub.ledger.billed);
    // Every call of every article through a batch (an article the detector reads as French needs no translation).
    expect(usage.every((u) => (u.calls ?? 0) >= 1 && u.batchCalls === u.calls)).toBe(true);
    const paid = usage.reduce((sum, u) => sum + (u.costUsd ?? 0), 0);
    // The record rounds each call to 1e-8 USD: the same bill within that rounding.
    expect(Math.abs(paid - stub.ledger.batch.costUsd) / paid).toBeLessThan(1e-4);
    const realtime = all.reduce((sum, a) => sum + realtimeCost(a), 0);
    expect(paid / realtime).toBeCloseTo(0.5, 4);
    expect(all.every((a) => a.translations?.fr?.status === 'done')).toBe(true);
    dynamodb.destroy();
  }, 600_000);

  it('sends the articles of an expired batch back to the normal path, paying once for what the batch answered', async () => {
    // Prepare: six articles wait on one batch.
    const before = { billed: stub.ledger.billed, batch: stub.ledger.batch.billed, requests: stub.requests.length };
    const ids = await Promise.all(
      Array.from({ length: 6 }, (_, i) => upload(`incoming/expiry/${i}.txt`, article(1000 + i))),
    );
    await settle(ids);
    await stack.batch.run();

    // Act: the window passes with two of its six lines answered.
    stub.batches.expire({ answered: 2 });
    const report = await stack.batch.run();
    const all = await driveToEnd(ids);

    // Assess: four went back to the normal path, two went on in batches; all DONE, no call made twice.
    const expired = report?.collect.collected.find((c) => c.status === 'expired');
    expect(expired?.realtime).toHaveLength(4);
    expect(expired?.answered).toHaveLength(2);
    expect(all.every((a) => a.status === 'DONE')).toBe(true);
    const back = all.filter((a) => expired?.realtime.includes(a.id));
    expect(back.every((a) => a.batch?.state === 'realtime' && a.batch.reason?.includes('expired'))).toBe(true);
    for (const a of back) {
      expect(a.usage?.analysis).toMatchObject({ calls: 1 });
      expect(a.usage?.analysis?.batchCalls ?? 0).toBe(0);
    }
    const calls = all.reduce((sum, a) => sum + (UsageMeter.sum(a.usage ?? {}).calls ?? 0), 0);
    expect(calls).toBe(stub.ledger.billed - before.billed);
    const analysisRequests = stub.requests.slice(before.requests).filter((r) => r.task === 'article_analysis');
    expect(analysisRequests).toHaveLength(6);
  }, 600_000);
});
