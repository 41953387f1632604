import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLlmEngine } from '../../lambdas/analyze/deps.js';
import { CachedEngine } from '../../shared/analysis/cache.js';
import type { AnalysisInput } from '../../shared/analysis/engine.js';
import { ANSWER_TEXT_LIMITS } from '../../shared/analysis/llm/answer-bounds.js';
import type { LlmEngine } from '../../shared/analysis/llm/engine.js';
import type { AnalysisCache, AnswerStore, KeptAnswer, SketchIndex } from '../../shared/analysis/ports.js';
import { MemorySketchIndex } from '../../shared/analysis/sketch-index.js';
import { SyndicatedEngine } from '../../shared/analysis/syndication.js';
import type { AnalysisResult, Translation } from '../../shared/article.js';
import { cleanDocument } from '../../shared/cleaning/index.js';
import { stubLlmConfig } from '../helpers/llm-config.js';
import { sample } from '../helpers/samples.js';
import { type StubServer, startStubOpenAI } from '../helpers/stub-openai.js';
import { refurnished } from '../helpers/syndication-variants.js';

/**
 * Answers that are valid JSON of the asked shape, and hostile: texts of a
 * megabyte, a judge's verdict said ten thousand times, a translation the
 * record has no room for. Each ends bounded, with nothing paid for twice.
 */

let stub: StubServer;
beforeAll(async () => {
  stub = await startStubOpenAI();
});
afterAll(async () => stub?.close());
beforeEach(() => stub.reset());

function llm(env: Record<string, string> = {}): LlmEngine {
  return createLlmEngine(
    stubLlmConfig(stub.baseURL, { PRECIS_LLM_RETRIES: '0', PRECIS_LLM_TIMEOUT_MS: '120000', ...env }),
  );
}

const article = (name: string): AnalysisInput => cleanDocument(sample(name), { name });
const tasks = () => stub.requests.map((r) => r.task);
const codePoints = (text: string) => [...text].length;
const MB = 'word '.repeat(200_000);

/** What a terminal acts on (but the line feed), and the bidi embeddings, overrides and isolates. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is what this pattern is for.
const CONTROLS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** The source a translation request gives, sent back as it is: an answer in the source's language. */
function untranslated(message: string): unknown {
  const json = /\{[\s\S]*\}/.exec(message)?.[0] ?? '{}';
  const source = JSON.parse(json) as Record<string, unknown>;
  return { headline: source.headline, bullets: source.bullets, claims: source.claims, speakers: source.speakers };
}

describe('an LLM answer that is valid and hostile', () => {
  it('of a megabyte in each text of the summary and the claims is kept bounded', async () => {
    // Prepare: a server that ignores the output cap precis sends (Ollama ignores max_completion_tokens).
    stub.setOptions({
      profile: 'ollama',
      contextTokens: 131_072,
      route: (r) =>
        r.task === 'article_analysis'
          ? {
              kind: 'transform',
              edit: (answer: Record<string, unknown>) => ({
                ...answer,
                headline: MB,
                bullets: (answer.bullets as string[]).map((b) => `${b} ${MB}`),
                claims: (answer.claims as Record<string, unknown>[]).map((c) => ({
                  ...c,
                  text: `${c.text} ${MB}`,
                  speaker: MB,
                  reason: MB,
                })),
              }),
            }
          : undefined,
    });
    // Act
    const result = await llm().analyze(article('basra-water.html'), { targetLanguages: [] });
    // Assess
    expect(codePoints(result.summary.headline)).toBeLessThanOrEqual(ANSWER_TEXT_LIMITS.headline);
    for (const bullet of result.summary.bullets) expect(codePoints(bullet)).toBeLessThanOrEqual(1_000);
    expect(result.claims.length).toBeGreaterThan(0);
    for (const claim of result.claims) {
      expect(codePoints(claim.text)).toBeLessThanOrEqual(ANSWER_TEXT_LIMITS.claim);
      expect(codePoints(claim.speaker ?? '')).toBeLessThanOrEqual(ANSWER_TEXT_LIMITS.speaker);
    }
    expect(Buffer.byteLength(JSON.stringify(result))).toBeLessThan(200_000);
  });

  it('of a judge that says its verdict ten thousand times, and of sentences the summary lacks, keeps one a sentence', async () => {
    // Prepare
    stub.setOptions({
      profile: 'ollama',
      contextTokens: 131_072,
      route: (r) =>
        r.task === 'summary_judge'
          ? {
              kind: 'transform',
              edit: () => ({
                sentences: [
                  ...Array.from({ length: 10_000 }, () => ({
                    index: 1,
                    reason: MB.slice(0, 20_000),
                    supported: false,
                  })),
                  { index: 9_999, reason: 'No such sentence.', supported: false },
                  { index: -1, reason: 'No such sentence.', supported: false },
                ],
              }),
            }
          : undefined,
    });
    // Act
    const result = await llm({ PRECIS_VERIFY: 'llm' }).analyze(article('kirkuk-checkpoints.txt'), {
      targetLanguages: [],
    });
    // Assess
    const judge = result.checks?.faithfulness?.judge;
    expect(judge?.supported).toBe(false);
    expect(judge?.unsupported).toHaveLength(1);
    expect(judge?.unsupported[0]?.text).not.toBe('');
    expect(codePoints(judge?.unsupported[0]?.reason ?? '')).toBeLessThanOrEqual(ANSWER_TEXT_LIMITS.reason);
  });

  it('with terminal controls and bidi overrides in the summary and a translation keeps them out of the record', async () => {
    // Prepare: ESC c resets a terminal, BEL rings it, U+202E writes the rest of a line backwards.
    const hostile = (text: string) => `\u202E${text}\u0007\u001bc\u2066\r`;
    stub.setOptions({
      route: (r) =>
        r.task === 'article_analysis' || r.task === 'translation'
          ? {
              kind: 'transform',
              edit: (answer: Record<string, unknown>) => ({
                ...answer,
                headline: hostile(answer.headline as string),
                bullets: (answer.bullets as string[]).map(hostile),
              }),
            }
          : undefined,
    });
    // Act
    const result = await llm().analyze(article('basra-water.html'), { targetLanguages: ['ar'] });
    // Assess: the texts are kept, without the controls; Arabic's right-to-left mark would stay.
    const ar = result.translations.ar;
    expect(ar?.status).toBe('done');
    const texts = [
      result.summary.headline,
      ...result.summary.bullets,
      result.summary.short,
      ...(ar?.status === 'done' ? [ar.headline, ...ar.bullets, ar.short] : []),
    ];
    expect(result.summary.headline).toMatch(/^Rising salinity/);
    for (const text of texts) expect(text).not.toMatch(CONTROLS);
  });

  it('with a translation in another language than the one asked is refused, and says so', async () => {
    // Prepare: the French translation answered in English (the source's own bullets, every figure kept).
    stub.setOptions({
      route: (r) =>
        r.task === 'translation'
          ? {
              kind: 'content',
              content: JSON.stringify(
                untranslated(r.body.messages.find((m) => m.content.startsWith('Source (JSON'))?.content ?? ''),
              ),
            }
          : undefined,
    });
    // Act
    const result = await llm().analyze(article('basra-water.html'), { targetLanguages: ['fr'] });
    // Assess
    expect(result.status).toBe('PARTIAL');
    expect(result.translations.fr).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/^LLM_INVALID_OUTPUT: .*French/),
    });
  });

  it('does not pay again on a later delivery for a translation the record had no room for', async () => {
    // Prepare: an earlier delivery's result, its Arabic left out for room and its French failed.
    const engine = llm();
    const input = article('basra-water.html');
    const first = await engine.analyze(input, { targetLanguages: [] });
    const previous: AnalysisResult = {
      ...first,
      status: 'PARTIAL',
      translations: {
        ar: { status: 'unavailable', reason: "RECORD_FULL: The translation (90 KB) would take the article's record…" },
        fr: { status: 'failed', reason: 'LLM_TIMEOUT: The call ran out of time.' },
      },
    };
    stub.reset();
    // Act
    const again = await engine.analyze(input, { targetLanguages: ['ar', 'fr'], previous });
    // Assess: French is asked again, Arabic is not.
    expect(tasks()).toEqual(['translation']);
    expect(stub.requests[0]?.body.messages.at(-1)?.content).toContain('(fr)');
    expect(again.translations.ar).toEqual(previous.translations.ar);
    expect(again.translations.fr?.status).toBe('done');
    expect(again.status).toBe('PARTIAL');
  });
});

/** A text a model wrote before the bounds: 30 KB, with ESC [2J (clear the screen), BEL and U+202E. */
const OVERLONG = `\u202E\u001b[2J${'word '.repeat(6_000)}\u0007`;
const overlong = (text: string) => `${text} ${OVERLONG}`;

/** Every text of a result within its bound and without a control or override. */
function expectBounded(result: AnalysisResult): void {
  const texts: [keyof typeof ANSWER_TEXT_LIMITS, string][] = [
    ['headline', result.summary.headline],
    ...result.summary.bullets.map((b): [keyof typeof ANSWER_TEXT_LIMITS, string] => ['bullet', b]),
    ...result.claims.flatMap((c): [keyof typeof ANSWER_TEXT_LIMITS, string][] => [
      ['claim', c.text],
      ['speaker', c.speaker ?? ''],
      ['reason', c.checkworthinessReason ?? ''],
    ]),
    ...(result.checks?.faithfulness?.judge?.unsupported ?? []).map((u): [keyof typeof ANSWER_TEXT_LIMITS, string] => [
      'reason',
      u.reason,
    ]),
    ...Object.values(result.translations).flatMap((t): [keyof typeof ANSWER_TEXT_LIMITS, string][] =>
      t.status === 'done'
        ? [
            ['headline', t.headline],
            ['bullet', t.short],
            ...t.bullets.map((b): [keyof typeof ANSWER_TEXT_LIMITS, string] => ['bullet', b]),
            ...t.claims.flatMap((c): [keyof typeof ANSWER_TEXT_LIMITS, string][] => [
              ['claim', c.text],
              ['speaker', c.speaker ?? ''],
            ]),
          ]
        : [],
    ),
  ];
  for (const [kind, text] of texts) {
    expect(codePoints(text)).toBeLessThanOrEqual(ANSWER_TEXT_LIMITS[kind]);
    expect(text).not.toMatch(CONTROLS);
  }
  // One cut, one ellipsis: a text bounded again is not cut again.
  for (const [, text] of texts) expect(text).not.toMatch(/……/);
}

/** A done translation of the result's summary, every text of it written before the bounds. */
function overlongTranslation(result: AnalysisResult): Translation {
  return {
    status: 'done',
    headline: overlong(result.summary.headline),
    short: overlong(result.summary.short),
    bullets: result.summary.bullets.map(overlong),
    claims: result.claims.map((c) => ({ id: c.id, text: overlong(c.text), speaker: OVERLONG })),
  };
}

/** The result with every text a model writes made overlong, as a record kept before the bounds may hold. */
function overlongResult(result: AnalysisResult, translation = overlongTranslation(result)): AnalysisResult {
  return {
    ...result,
    summary: {
      ...result.summary,
      headline: overlong(result.summary.headline),
      bullets: result.summary.bullets.map(overlong),
    },
    claims: result.claims.map((c) => ({
      ...c,
      text: overlong(c.text),
      speaker: OVERLONG,
      checkworthinessReason: OVERLONG,
    })),
    translations: { ...result.translations, fr: translation },
  };
}

describe('an LLM answer kept from before the bounds', () => {
  it('kept by prompt (AnswerStore), its judge too, is bounded as it is read again', async () => {
    // Prepare: the analysis answer kept by the first run, then made what a store written before the bounds holds.
    const kept = new Map<string, KeptAnswer>();
    const answers: AnswerStore = {
      get: async (key) => structuredClone(kept.get(key) ?? null),
      put: async (key, answer) => void kept.set(key, structuredClone(answer)),
    };
    const config = stubLlmConfig(stub.baseURL, { PRECIS_LLM_RETRIES: '0', PRECIS_VERIFY: 'llm' });
    const input = article('basra-water.html');
    await createLlmEngine(config, undefined, undefined, answers).analyze(input, { targetLanguages: [] });
    for (const [key, answer] of kept) {
      kept.set(key, {
        ...answer,
        summary: { ...answer.summary, bullets: answer.summary.bullets.map(overlong) },
        claims: answer.claims.map((c) => ({ ...c, speaker: OVERLONG, checkworthinessReason: OVERLONG })),
        judge: {
          model: answer.judge?.model ?? 'stub',
          supported: false,
          unsupported: Array.from({ length: 1_000 }, () => ({ text: 'A sentence.', reason: OVERLONG })),
        },
      });
    }
    stub.reset();
    // Act
    const result = await createLlmEngine(config, undefined, undefined, answers).analyze(input, {
      targetLanguages: [],
    });
    // Assess: nothing paid again; every text bounded; the verdicts one a summary sentence at most.
    expect(tasks()).toEqual([]);
    expectBounded(result);
    expect(result.summary.bullets.every((b) => b.endsWith('…'))).toBe(true);
    expect(result.checks?.faithfulness?.judge?.unsupported.length).toBeLessThanOrEqual(
      1 + result.summary.bullets.length * 3,
    );
  });

  it('of an earlier delivery (previous), its summary, claims and done translation, is bounded', async () => {
    // Prepare
    const engine = llm();
    const input = article('basra-water.html');
    const first = await engine.analyze(input, { targetLanguages: [] });
    const previous = overlongResult({ ...first, status: 'PARTIAL' });
    stub.reset();
    // Act
    const again = await engine.analyze(input, { targetLanguages: ['fr'], previous });
    // Assess: the French reused (no call), bounded with the rest.
    expect(tasks()).toEqual([]);
    expect(again.translations.fr?.status).toBe('done');
    expectBounded(again);
    expect(JSON.stringify(again).length).toBeLessThan(60_000);
  });

  it('from the analysis cache is bounded, and a bounded result read again is unchanged', async () => {
    // Prepare: a cache entry written before the bounds.
    const input = article('basra-water.html');
    const first = await llm().analyze(input, { targetLanguages: [] });
    const hostile = overlongResult(first);
    const cache: AnalysisCache = { get: async () => structuredClone(hostile), put: async () => undefined };
    stub.reset();
    // Act
    const hit = await new CachedEngine(llm(), cache).analyze(input, { targetLanguages: ['fr'] });
    // Assess
    expect(tasks()).toEqual([]);
    expect(hit.provenance.cacheHit).toBe(true);
    expectBounded(hit);
    expect(llm().reread(hit, input.language ?? null)).toEqual(hit);
  });

  it('of a syndicated copy is bounded as the copy reuses it', async () => {
    // Prepare: the original's entry in the sketch index, its claims' speakers and its translation written before
    // the bounds (its summary must still read as the copy's for the copy to reuse it).
    const index = new MemorySketchIndex();
    const hostileIndex: SketchIndex = {
      candidates: async (bands) =>
        (await index.candidates(bands)).map((entry) => ({
          ...entry,
          result: {
            ...entry.result,
            claims: entry.result.claims.map((c) => ({ ...c, speaker: OVERLONG, checkworthinessReason: OVERLONG })),
            translations: { fr: overlongTranslation(entry.result) },
          },
        })),
      add: (bands, entry) => index.add(bands, entry),
    };
    const engine = new SyndicatedEngine(llm(), hostileIndex);
    const input = article('basra-water.html');
    await engine.analyze(input, { targetLanguages: ['fr'] });
    stub.reset();
    const text = refurnished(input.text, 1);
    // Act
    const copy = await engine.analyze(
      { ...input, text, contentHash: createHash('sha256').update(text).digest('hex') },
      { targetLanguages: ['fr'] },
    );
    // Assess
    expect(copy.provenance.duplicateOf?.contentHash).toBe(input.contentHash);
    expect(tasks()).toEqual([]);
    expect(copy.claims.length).toBeGreaterThan(0);
    expectBounded(copy);
  });
});
