import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import type { ArticleRecord, Translation } from '../../shared/article.js';

const summary = { headline: 'Basra rations water', short: 'The city rations water for 3 weeks.', bullets: ['One'] };
const arabic: Translation = {
  status: 'done',
  headline: 'في من على إلى',
  short: 'في من على إلى أن 3 التي.',
  bullets: ['في'],
  claims: [],
};
const record = (id: string, provenance: Partial<ArticleRecord['provenance']>, translations: object): ArticleRecord =>
  ({
    id,
    sourceBucket: 'b',
    sourceKey: 'incoming/basra.html',
    sourceEtag: null,
    sourceSize: null,
    sourceSequencer: '0',
    status: 'DONE',
    title: 'Basra rations water',
    language: 'en',
    summary,
    claims: [],
    translations,
    provenance: { engine: 'openai', model: 'gpt-5.4-mini', promptVersion: 'p', cleanerVersion: 'c', ...provenance },
    receivedAt: '2026-12-01T00:00:00.000Z',
    updatedAt: '2026-12-01T00:00:00.000Z',
  }) as ArticleRecord;

/** Articles as the API serves them: analysed offline, by an LLM into French only, by the stand-in and by a real LLM. */
const ARTICLES = [
  record('a00000000000000000000001', { engine: 'offline', model: null, promptVersion: null }, {}),
  record('a00000000000000000000002', {}, { fr: { ...arabic, headline: 'Bassora' } }),
  {
    ...record('a00000000000000000000003', { stub: true }, { ar: arabic }),
    usage: { analysis: { inputTokens: 900, outputTokens: 300, calls: 1, costUsd: 0 } },
  },
  {
    ...record('a00000000000000000000004', {}, { ar: arabic }),
    usage: { analysis: { inputTokens: 900, outputTokens: 300, calls: 1, costUsd: 0.00054 } },
  },
  record(
    'a00000000000000000000005',
    { engine: 'offline', model: null, promptVersion: null },
    {
      ar: { status: 'unavailable', reason: 'The offline engine does not translate.' },
    },
  ),
];
const [OFFLINE, FRENCH, STUB, REAL, UNAVAILABLE] = ARTICLES.map((a) => a.id) as [
  string,
  string,
  string,
  string,
  string,
];

/** The API's answers for those articles: the record, and the summary in a language as GET /summary answers. */
let server: Server;
let url: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    const { pathname, searchParams } = new URL(req.url ?? '/', 'http://x');
    const article = ARTICLES.find((a) => pathname.startsWith(`/articles/${a.id}`));
    const lang = searchParams.get('lang') ?? '';
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': status === 200 ? 'application/json' : 'application/problem+json' });
      res.end(JSON.stringify(body));
    };
    if (!article) return send(404, { status: 404, code: 'ARTICLE_NOT_FOUND', detail: 'No such article' });
    if (!pathname.endsWith('/summary')) return send(200, article);
    const translation = article.translations?.[lang];
    if (!translation) {
      const languages = ['en', ...Object.keys(article.translations ?? {})].join(', ');
      return send(404, {
        status: 404,
        code: 'TRANSLATION_NOT_FOUND',
        detail: `Article ${article.id} has no translation into "${lang}". Languages: ${languages}.`,
      });
    }
    return send(200, { articleId: article.id, lang, original: false, ...translation });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

/** `precis …` as piped into a file or read in a terminal without colour. */
async function precis(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const errors = Object.assign(new PassThrough(), { isTTY: false });
  errors.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const code = await main(args, {
    env: { PRECIS_API_URL: url, PRECIS_API_KEY: 'k' },
    stdout: {
      isTTY: false,
      write: (text: string) => {
        stdout += text;
        return true;
      },
    },
    stderr: errors,
  });
  return { code, stdout, stderr };
}

describe('precis get --lang', () => {
  it('says what to do when the offline engine analysed the article: an LLM and TARGET_LANGUAGES, or the stub', async () => {
    // Act
    const { code, stdout, stderr } = await precis('get', OFFLINE, '--lang', 'ar', '--format', 'text');
    // Assess
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain(`TRANSLATION_NOT_FOUND: Article ${OFFLINE} has no translation into "ar". Languages: en.`);
    expect(stderr).toContain('The offline engine analysed');
    expect(stderr).toContain('TARGET_LANGUAGES=ar OPENAI_API_KEY=sk-… npm start');
    expect(stderr).toContain('npm run stub:llm, then TARGET_LANGUAGES=ar OPENAI_BASE_URL=');
    expect(stderr).toContain(`precis reprocess ${OFFLINE}`);
  });

  it('says so too when the offline engine was asked for the language and could not translate', async () => {
    const { code, stdout, stderr } = await precis('get', UNAVAILABLE, '--lang', 'ar', '--format', 'text');
    expect(code).toBe(0);
    expect(stdout).toContain('No ar summary: The offline engine does not translate.');
    expect(stderr).toContain('TARGET_LANGUAGES=ar OPENAI_API_KEY=sk-… npm start');
  });

  it('names the languages an LLM translated into and how to add one', async () => {
    const { code, stderr } = await precis('get', FRENCH, '--lang', 'ar');
    expect(code).toBe(1);
    expect(stderr).toContain(`${FRENCH} was translated into fr`);
    expect(stderr).toContain('Add ar to TARGET_LANGUAGES');
    expect(stderr).toContain(`precis reprocess --translations ${FRENCH}`);
  });

  it("marks the stand-in LLM's filler as no translation, in text and Markdown, and a real one not", async () => {
    // Act
    const stub = await precis('get', STUB, '--lang', 'ar', '--format', 'text');
    const stubMd = await precis('get', STUB, '--lang', 'ar', '--format', 'md');
    const original = await precis('get', STUB, '--format', 'text');
    const real = await precis('get', REAL, '--lang', 'ar', '--format', 'text');
    // Assess
    expect(stub.code).toBe(0);
    expect(stub.stdout).toContain('on the stub LLM · nothing billed (the stand-in LLM answered)');
    expect(stub.stdout).toMatch(/\n\nstub translation: not a real translation \(.*\)\n\n\u200fفي من على إلى/);
    expect(stubMd.stdout).toContain('> **stub translation: not a real translation**\n\n## في من على إلى');
    expect(original.stdout).not.toContain('stub translation');
    expect(real.stdout).toContain('في من على إلى');
    expect(real.stdout).not.toContain('stub');
    expect(real.stdout).toContain('gpt-5.4-mini) · $0.0005');
  });
});
