import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type LocalStack, localOptions, startLocalStack } from '../../local/stack.js';
import { PROMPT_VERSION } from '../../shared/analysis/llm/prompts.js';
import { STUB_SERVER } from '../../shared/analysis/llm/transport.js';
import { UsageMeter } from '../../shared/analysis/usage.js';
import type { ArticleRecord } from '../../shared/article.js';
import { sample } from '../helpers/samples.js';
import { citing } from '../helpers/stub-answers.js';
import { type StubServer, startStubOpenAI } from '../helpers/stub-openai.js';

let stub: StubServer;
let stack: LocalStack;
let dataDir: string;

beforeAll(async () => {
  stub = await startStubOpenAI();
  dataDir = mkdtempSync(join(tmpdir(), 'precis-llm-'));
  stack = await startLocalStack({
    ...localOptions({
      TARGET_LANGUAGES: 'ar,fr',
      OPENAI_BASE_URL: stub.baseURL,
      PRECIS_LLM_PROVIDER: 'openai',
      PRECIS_LLM_RETRIES: '0',
      // The calls' own time limit and the function's lease and visibility timeout (minutes), so a slow spell of a
      // busy machine changes no outcome; the budget is under the 120 s Retry-After of the last test.
      PRECIS_ARTICLE_BUDGET_MS: '60000',
      PRECIS_S3_PORT: '0',
      PRECIS_DYNAMODB_PORT: '0',
      PRECIS_API_PORT: '0',
      PRECIS_DATA_DIR: dataDir,
    }),
  });
});
afterAll(async () => {
  await stack?.stop();
  await stub?.close();
  rmSync(dataDir, { recursive: true, force: true });
});
beforeEach(() => stub.reset());

/**
 * The article once `until` holds. With `redeliver`, a message waiting out its
 * visibility timeout comes back at once: the test drives redeliveries, it does
 * not wait minutes for them.
 */
async function record(
  key: string,
  until: (a: ArticleRecord) => boolean,
  { redeliver = () => false, timeoutMs = 90_000 }: { redeliver?: () => boolean; timeoutMs?: number } = {},
): Promise<ArticleRecord> {
  const deadline = Date.now() + timeoutMs;
  const headers = { 'x-api-key': stack.apiKey };
  while (Date.now() < deadline) {
    const list = (await (
      await fetch(`${stack.endpoints.api}/articles?key=${encodeURIComponent(key)}`, { headers })
    ).json()) as {
      items: { id: string }[];
    };
    const id = list.items[0]?.id;
    if (id) {
      const article = (await (
        await fetch(`${stack.endpoints.api}/articles/${id}`, { headers })
      ).json()) as ArticleRecord;
      if (until(article)) return article;
    }
    if (redeliver()) stack.queues.analyze.expireVisibility();
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${key}: not there within ${timeoutMs} ms`);
}

const upload = (key: string, body: Buffer | string) =>
  stack.s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: key, Body: body }));
const finished = (a: ArticleRecord) => ['DONE', 'FAILED'].includes(a.status) || (a.status === 'PARTIAL' && !a.error);

describe('the pipeline with an LLM configured', () => {
  it('analyses, translates and accounts for an upload with the LLM engine', async () => {
    // The server names itself precis's stand-in, as npm run stub:llm does: its answers cost nothing.
    stub.setOptions({ server: STUB_SERVER });
    await upload('incoming/llm/basra.html', sample('basra-water.html'));
    const article = await record('incoming/llm/basra.html', (a) => a.status === 'DONE');
    expect(article.provenance).toMatchObject({
      engine: 'openai',
      model: 'gpt-5.4-mini',
      promptVersion: PROMPT_VERSION,
      stub: true,
    });
    expect(article.translations?.ar?.status).toBe('done');
    expect(article.translations?.fr?.status).toBe('done');
    expect(article.usage?.analysis).toMatchObject({ calls: 1, costUsd: 0 });
    expect(article.usage?.analysis?.inputTokens).toBeGreaterThan(0);
    expect(article.checks?.claims.ungrounded).toBe(0);
    expect(stub.requests.map((r) => r.task).sort()).toEqual(['article_analysis', 'translation', 'translation']);
  });

  it('does not pay twice for the same content uploaded again', async () => {
    await upload('incoming/llm/basra-again.html', sample('basra-water.html'));
    const article = await record('incoming/llm/basra-again.html', (a) => a.status === 'DONE');
    expect(article.provenance?.cacheHit).toBe(true);
    expect(stub.requests).toHaveLength(0);
  });

  it('retries only the failed translation on redelivery, then ends DONE', async () => {
    let frFailures = 0;
    stub.setOptions({
      route: (r) => {
        if (r.task === 'translation' && r.body.messages.at(-1)?.content.includes('(fr)') && frFailures === 0) {
          frFailures++;
          return { kind: 'status', status: 500 };
        }
        return undefined;
      },
    });
    await upload('incoming/llm/kirkuk.txt', sample('kirkuk-checkpoints.txt'));
    const partial = await record('incoming/llm/kirkuk.txt', (a) => a.status === 'PARTIAL');
    expect(partial.translations?.fr).toMatchObject({ status: 'failed' });
    expect(partial.translations?.ar?.status).toBe('done');

    const done = await record('incoming/llm/kirkuk.txt', (a) => a.status === 'DONE', { redeliver: () => true });
    expect(done.translations?.fr?.status).toBe('done');
    expect(done.summary).toEqual(partial.summary);
    const tasks = stub.requests.map((r) => r.task);
    expect(tasks.filter((t) => t === 'article_analysis')).toHaveLength(1);
    expect(tasks.filter((t) => t === 'translation')).toHaveLength(3);
    // Both deliveries' calls are on the record: it is the bill (the 500 was not billed).
    const total = UsageMeter.sum(done.usage ?? {});
    expect(total.calls).toBe(stub.ledger.billed);
    expect(total.inputTokens).toBe(stub.ledger.inputTokens);
    expect(total.outputTokens).toBe(stub.ledger.outputTokens);
  });

  it('takes a refused key at once: the fallback answers on the first delivery, with no queue retry', async () => {
    stub.setOptions({
      route: () => ({ kind: 'status', status: 401, message: 'Incorrect API key provided: sk-ab****cd.' }),
    });
    await upload('incoming/llm/rejected.md', sample('mosul-old-city.md'));
    const article = await record('incoming/llm/rejected.md', finished);
    expect(article.status).toBe('PARTIAL');
    expect(article.provenance?.fallback).toMatchObject({
      code: 'LLM_REJECTED',
      message: expect.stringContaining('API key'),
    });
    expect(stub.requests).toHaveLength(1);
  });

  it('pays once for the same text uploaded twice at once: the second waits for the first and takes its result', async () => {
    // A slow model, so that both uploads are analysed at the same time.
    stub.setOptions({ route: (r) => (r.task === 'article_analysis' ? { kind: 'slow', delayMs: 800 } : undefined) });
    const text = `${sample('mosul-old-city.md').toString()}\n\nThe market will stay open during Ramadan, the council said.\n`;
    await Promise.all([upload('incoming/llm/twin-a.md', text), upload('incoming/llm/twin-b.md', text)]);
    // The twin that waits comes back once the other is DONE (its result is in the cache then), not before: an
    // earlier redelivery would find the text still claimed and spend a receive.
    let first: 'a' | 'b' | null = null;
    const twin = (name: 'a' | 'b') =>
      record(
        `incoming/llm/twin-${name}.md`,
        (x) => {
          if (x.status === 'DONE') first ??= name;
          return x.status === 'DONE';
        },
        { redeliver: () => first !== null },
      );
    const [a, b] = await Promise.all([twin('a'), twin('b')]);
    expect(stub.requests.filter((r) => r.task === 'article_analysis')).toHaveLength(1);
    expect([a.provenance?.cacheHit, b.provenance?.cacheHit].filter(Boolean)).toHaveLength(1);
    expect(a.summary).toEqual(b.summary);
  });

  it("bounds a claim's evidence: a cited run of 430 KB with no full stop is no evidence, and the record is stored", async () => {
    // Prepare: an article whose last paragraph is one "sentence" of 430 KB (every stop after an abbreviation), within
    // the word limit; the model cites it for one claim, and it with the sentence before for another.
    const run = `The water supply of Dr. ${'The water supply of Dr. '.repeat(18_000)}city.`;
    const last = 'Officials said the attacks had not stopped the convoys.';
    const text = `${sample('kirkuk-checkpoints.txt').toString()}\n\n${last}\n\n${run}\n`;
    expect(Buffer.byteLength(run)).toBeGreaterThan(400_000);
    const claim = (claimText: string, sentences: number[]) => ({
      sentences,
      text: claimText,
      speaker: null,
      kind: 'event',
      reason: 'Of public interest.',
      score: 80,
    });
    stub.setOptions({
      route: (r) => {
        if (r.task !== 'article_analysis') return undefined;
        const [before = 0] = citing(r, last);
        const [long = 0] = citing(r, run.slice(0, 60));
        const answer = {
          headline: 'Kirkuk police open new checkpoints',
          bullets: [
            'Kirkuk police opened new checkpoints on the road to an oil field.',
            'The checkpoints follow attacks on fuel convoys.',
            'Officials said the attacks had not stopped the convoys.',
          ],
          claims: [
            claim('The water supply was cut.', [long]),
            claim('Officials said the attacks had not stopped the convoys.', [before, long]),
          ],
        };
        return { kind: 'content', content: JSON.stringify(answer) };
      },
    });
    // Act
    await upload('incoming/llm/one-run.txt', text);
    const article = await record('incoming/llm/one-run.txt', finished);
    // Assess: stored (it was STORAGE_REJECTED with the run as evidence), each evidence a few sentences at most.
    expect(article.error).toBeUndefined();
    expect(article.status).toBe('DONE');
    const byText = (t: string) => article.claims?.find((c) => c.text === t);
    expect(byText('The water supply was cut.')).toMatchObject({ evidence: '', start: null, grounded: false });
    expect(byText(last)).toMatchObject({ evidence: last, grounded: true });
    for (const c of article.claims ?? []) expect(Buffer.byteLength(c.evidence)).toBeLessThanOrEqual(4_000);
  });

  it('falls back to the offline results after the last receive when the provider keeps failing', async () => {
    stub.setOptions({ route: () => ({ kind: 'status', status: 502 }) });
    // New content: a text analysed before (or a near copy of one) would be reused, with no call to fail.
    await upload(
      'incoming/llm/mosul.md',
      `${sample('mosul-old-city.md').toString()}\n\nThe mayor said on Monday that 14 more streets of the old city would reopen to traffic by the end of the month.\n`,
    );
    const article = await record('incoming/llm/mosul.md', finished, { redeliver: () => true });
    expect(article.status).toBe('PARTIAL');
    expect(article.provenance).toMatchObject({
      engine: 'offline',
      fallback: { from: 'openai', code: 'LLM_UNAVAILABLE' },
    });
    expect(article.summary?.bullets.length).toBeGreaterThanOrEqual(3);
    expect(article.translations?.ar?.status).toBe('failed');
    // One ask a receive, five receives (PRECIS_MAX_RECEIVES).
    expect(stub.requests.filter((r) => r.task === 'article_analysis')).toHaveLength(5);
  });
  // Last: the server's Retry-After pauses every call to the model in this process, as it should.
  it('gives a Retry-After past the budget back to the queue with that delay, and keeps the lease free', async () => {
    stub.setOptions({
      route: (r) =>
        r.task === 'article_analysis' ? { kind: 'status', status: 429, headers: { 'retry-after': '120' } } : undefined,
    });
    // New content: a text analysed before would be a cache hit, with no call to limit.
    const text = `${sample('kirkuk-checkpoints.txt').toString()}\n\nThe governor said the road would reopen on Thursday.\n`;
    await upload('incoming/llm/later.txt', text);
    const article = await record('incoming/llm/later.txt', (a) => a.status === 'ANALYZING' && stub.requests.length > 0);
    // Back in the server's 120 s, not after the queue's visibility timeout (305 s): the delay is set when the
    // delivery ends, so it is looked for until then.
    const delayed = () => {
      const message = stack.queues.analyze.pending.find((m) => m.body.includes(article.id));
      return message && message.visibleAt - Date.now() <= 120_000 ? message : undefined;
    };
    await expect.poll(delayed, { timeout: 60_000 }).toBeDefined();
    const message = delayed();
    expect(message?.receiveCount).toBe(1);
    // A busy machine only brings the end of the wait nearer: it is still a minute or more away.
    expect((message?.visibleAt ?? 0) - Date.now()).toBeGreaterThan(60_000);
    const now = await record('incoming/llm/later.txt', () => true);
    expect(now.status).toBe('ANALYZING');
    expect(stub.requests).toHaveLength(1);
  });
});
