import { PutObjectCommand } from '@aws-sdk/client-s3';
import { countTokens } from 'gpt-tokenizer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack.js';
import { ANSWER_TEXT_LIMITS } from '../../shared/analysis/llm/answer-bounds.js';
import { sample } from '../helpers/samples.js';
import { startTestStack } from '../helpers/stack.js';
import { type Recorded, type StubServer, startStubOpenAI } from '../helpers/stub-openai.js';
import { terminalRecord } from '../helpers/terminal.js';

/**
 * A model that answers at its output cap, in ten languages: a reasoning
 * model at medium effort has 16,384 tokens of room for its reasoning in
 * each call's cap, and one that spends little of it may fill the rest with
 * its answer. Each bullet of the analysis and of every translation is
 * written as long as the cap lets it be.
 */

let stub: StubServer;
let stack: LocalStack;
let close: () => Promise<void>;

const LANGUAGES = ['ar', 'fa', 'ru', 'zh', 'ja', 'ko', 'hi', 'el', 'he', 'uk'];
/** The reasoning tokens the stand-in spends at medium effort (stub-openai.ts), inside the cap. */
const REASONING_SPENT = 800;

beforeAll(async () => {
  stub = await startStubOpenAI({ profile: 'openai' });
  ({ stack, close } = await startTestStack({
    TARGET_LANGUAGES: LANGUAGES.join(','),
    OPENAI_BASE_URL: stub.baseURL,
    OPENAI_API_KEY: 'sk-stub',
    PRECIS_LLM_PROVIDER: 'openai',
    PRECIS_LLM_RETRIES: '0',
    PRECIS_REASONING_EFFORT: 'medium',
    PRECIS_TRANSLATION_EFFORT: 'default',
    PRECIS_MAX_OUTPUT_TOKENS: '272000',
    PRECIS_MAX_COST_PER_ARTICLE: '50',
    // The lease and the calls' own time limit long, so that a busy machine changes no outcome.
    PRECIS_ARTICLE_BUDGET_MS: '200000',
  }));
});
afterAll(async () => {
  await close?.();
  await stub?.close();
});

async function api<T>(path: string): Promise<T> {
  const response = await fetch(`${stack.endpoints.api}${path}`, { headers: { 'x-api-key': stack.apiKey } });
  return (await response.json()) as T;
}

/** The answer with each bullet said again and again (in its own language) until the answer fills its cap. */
function atTheCap(answer: Record<string, unknown>, request: Recorded): unknown {
  const cap = request.body.max_completion_tokens ?? 0;
  const room = Math.floor((cap - REASONING_SPENT - countTokens(JSON.stringify(answer))) * 0.9);
  const bullets = answer.bullets as string[] | undefined;
  if (!bullets || room <= 0) return answer;
  const each = Math.floor(room / bullets.length);
  // Said again without its figures: a translation must keep the source's figures, and adds none.
  const again = (b: string) => ` ${b.replace(/\p{N}+(?:[.,]\p{N}+)*/gu, '')}`;
  return {
    ...answer,
    bullets: bullets.map((b) => `${b}${again(b).repeat(Math.floor(each / countTokens(again(b))))}`),
  };
}

const codePoints = (text: string) => [...text].length;

describe('a model that answers at its output cap, in ten languages', () => {
  it('ends with its summary and its translations bounded, in a record that fits, and pays for each call once', async () => {
    // Prepare
    stub.setOptions({ route: () => ({ kind: 'transform', edit: atTheCap }) });
    // Act
    await stack.s3.send(
      new PutObjectCommand({ Bucket: stack.bucket, Key: 'incoming/cap.html', Body: sample('basra-water.html') }),
    );
    const article = await terminalRecord(api, 'incoming/cap.html', 240_000);
    // Assess: the answers were as long as their caps (tens of kilobytes a bullet)…
    const answered = stub.requests.filter((r) => r.answer !== undefined);
    expect(Math.max(...answered.map((r) => r.answer?.length ?? 0))).toBeGreaterThan(60_000);
    // …and the article ends with them, each text within its bound, not FAILED STORAGE_REJECTED.
    expect(article.error).toBeUndefined();
    expect(['DONE', 'PARTIAL']).toContain(article.status);
    for (const bullet of article.summary?.bullets ?? []) {
      expect(codePoints(bullet)).toBeLessThanOrEqual(ANSWER_TEXT_LIMITS.bullet);
    }
    const translations = Object.values(article.translations ?? {});
    expect(translations).toHaveLength(LANGUAGES.length);
    for (const translation of translations) {
      if (translation.status !== 'done') {
        expect(translation.reason).toMatch(/^RECORD_FULL: /);
        continue;
      }
      for (const bullet of translation.bullets) {
        expect(codePoints(bullet)).toBeLessThanOrEqual(ANSWER_TEXT_LIMITS.bullet);
      }
    }
    expect(translations.filter((t) => t.status === 'done').length).toBeGreaterThan(0);
    expect(Buffer.byteLength(JSON.stringify(article))).toBeLessThan(400 * 1024);
    // One analysis call and one a language: nothing paid for twice by a delivery that came back.
    expect(stub.requests.map((r) => r.task).sort()).toEqual([
      'article_analysis',
      ...LANGUAGES.map(() => 'translation'),
    ]);
  }, 300_000);
});
