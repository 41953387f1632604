import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { jsonLine } from '../../cli/terminal.js';
import { waitingFor } from '../../cli/waiting.js';

const ID = '0123456789abcdef01234567';
/** What an article can carry into a terminal: retitle the window, clear the screen, ring, an 8-bit CSI, DEL. */
const HOSTILE = (label: string) => `\u001b]0;owned\u0007${label}\u001b[2J\u009b31m\r\u007f`;

const claim = {
  id: 'c1',
  text: HOSTILE('The council approved 14 schools'),
  speaker: HOSTILE('the speaker'),
  kind: 'statistic',
  evidence: HOSTILE('approved 14 schools'),
  start: 0,
  end: 10,
  grounded: true,
  match: 'exact',
  matchScore: 1,
  checkworthiness: 0.9,
};
const record = {
  id: ID,
  sourceKey: 'incoming/x.html',
  status: 'DONE',
  title: HOSTILE('Council votes'),
  byline: HOSTILE('A. Writer'),
  site: HOSTILE('news.example'),
  language: 'en',
  publishedAt: '2026-11-01T00:00:00Z',
  summary: { headline: HOSTILE('Headline'), short: HOSTILE('Short'), bullets: [HOSTILE('A bullet')] },
  claims: [claim],
  provenance: { engine: HOSTILE('offline'), model: null, promptVersion: null, cleanerVersion: '1' },
  receivedAt: '2026-11-01T00:00:00.000Z',
  updatedAt: '2026-11-01T00:00:00.000Z',
};
const listItem = {
  id: ID,
  sourceKey: 'incoming/x.html',
  status: 'DONE',
  title: record.title,
  language: 'en',
  publishedAt: null,
  receivedAt: record.receivedAt,
  updatedAt: record.updatedAt,
  error: null,
};

/** An article whose analysis waits in the provider's Batch API (batch mode). */
const WAITING_ID = 'abcdefabcdefabcdefabcdef';
const waiting = {
  id: WAITING_ID,
  sourceKey: 'incoming/backfill.html',
  status: 'ANALYZING',
  title: 'Backfilled page',
  language: 'en',
  batch: {
    state: 'submitted',
    id: 'batch_69a1',
    job: 'file-42',
    deadline: '2026-11-02T09:00:00.000Z',
    requests: 2,
    rounds: 1,
    queuedAt: '2026-11-01T09:00:00.000Z',
  },
  receivedAt: '2026-11-01T08:59:00.000Z',
  updatedAt: '2026-11-01T09:01:00.000Z',
};

/** An article a reprocess (scope all) is analysing again: its analysis off the record, the previous run's kept under history/. */
const REPROCESSING_ID = 'feedfacefeedfacefeedface';
const reprocessing = {
  id: REPROCESSING_ID,
  sourceKey: 'incoming/reprocessed.html',
  status: 'ANALYZING',
  title: 'Water plants closed',
  language: 'en',
  reprocess: {
    scope: 'all',
    requestedAt: '2026-12-01T10:00:00.000Z',
    from: 'DONE',
    previousKey: `history/${REPROCESSING_ID}/2026-11-01T00-05-00.000Z.json`,
  },
  receivedAt: '2026-11-01T00:00:00.000Z',
  updatedAt: '2026-12-01T10:00:00.000Z',
};
const previous = { status: 'ANALYZING', reprocessRequestedAt: '2026-12-01T10:00:00.000Z' };
const previousClaim = { ...claim, text: 'Forty plants closed', speaker: null, evidence: 'Forty plants closed' };
/** The same, once the copy of its previous run is past its retention: the API has no analysis to serve. */
const FORGOTTEN_ID = 'fadedfadedfadedfadedfade';

/** An API that serves the article as another server might have stored it. */
let server: Server;
let url: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const body =
      path === '/articles'
        ? { items: [listItem], nextCursor: null }
        : path === `/articles/${ID}/claims`
          ? { articleId: ID, language: 'en', claims: [claim] }
          : path === `/articles/${ID}`
            ? record
            : path === `/articles/${WAITING_ID}`
              ? waiting
              : path === `/articles/${REPROCESSING_ID}`
                ? reprocessing
                : path === `/articles/${REPROCESSING_ID}/summary`
                  ? {
                      articleId: REPROCESSING_ID,
                      lang: 'en',
                      original: true,
                      status: 'done',
                      headline: 'Forty water plants closed',
                      short: 'Forty plants closed in the heat.',
                      bullets: ['Forty plants closed'],
                      previous,
                    }
                  : path === `/articles/${REPROCESSING_ID}/claims`
                    ? { articleId: REPROCESSING_ID, language: 'en', claims: [previousClaim], previous }
                    : path === `/articles/${FORGOTTEN_ID}`
                      ? { ...reprocessing, id: FORGOTTEN_ID }
                      : null;
    if (path === `/articles/${WAITING_ID}/summary` || path.startsWith(`/articles/${FORGOTTEN_ID}/`)) {
      res.writeHead(409, { 'content-type': 'application/problem+json' });
      res.end(JSON.stringify({ status: 409, code: 'NOT_ANALYSED', detail: 'The article is not analysed yet.' }));
      return;
    }
    if (!body) {
      res.writeHead(404, { 'content-type': 'application/problem+json' });
      res.end(JSON.stringify({ status: 404, code: 'ARTICLE_NOT_FOUND', detail: HOSTILE('No such article') }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

/** `precis …` with its output on a terminal (or not), as a user sees it. */
async function precis(tty: boolean, env: Record<string, string>, ...args: string[]) {
  let stdout = '';
  let stderr = '';
  const errors = Object.assign(new PassThrough(), { isTTY: tty });
  errors.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const code = await main(args, {
    env: { PRECIS_API_URL: url, PRECIS_API_KEY: 'k', ...env },
    stdout: {
      isTTY: tty,
      write: (text: string) => {
        stdout += text;
        return true;
      },
    },
    stderr: errors,
  });
  return { code, stdout, stderr };
}

/** C0 but newline, DEL and C1: none may reach the terminal. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this looks for.
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
/** The colours precis itself paints (SGR), the only escape sequences it writes. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: ESC starts the sequences this finds.
const OWN_COLOURS = /\u001b\[[0-9;]*m/g;

describe('what precis writes to a terminal', () => {
  it.each([
    ['list', []],
    ['get', [ID]],
    ['get', [ID, '--format', 'md']],
    ['claims', [ID]],
  ] as const)('%s %j writes no control character an article carries, only its own colours', async (command, args) => {
    // Act
    const plain = await precis(true, { NO_COLOR: '1' }, command, ...args);
    const coloured = await precis(true, {}, command, ...args);
    // Assess
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain('\\x1b]0;owned\\x07');
    expect(plain.stdout).not.toMatch(CONTROL);
    expect(plain.stderr).not.toMatch(CONTROL);
    expect(coloured.stdout.replace(OWN_COLOURS, '')).not.toMatch(CONTROL);
  });

  it('escapes a server’s message on stderr', async () => {
    const { code, stderr } = await precis(true, {}, 'get', 'ffffffffffffffffffffffff');
    expect(code).toBe(1);
    expect(stderr).toContain('ARTICLE_NOT_FOUND: \\x1b]0;owned\\x07No such article');
    expect(stderr).not.toMatch(CONTROL);
  });

  it('writes JSON lines with every control character escaped, and the same values parsed back', async () => {
    const { stdout } = await precis(false, {}, 'get', ID);
    expect(stdout).not.toMatch(CONTROL);
    expect(JSON.parse(stdout)).toEqual(record);
    expect(jsonLine({ a: '\u009b\u007f' })).toBe('{"a":"\\u009b\\u007f"}');
  });
});

describe('precis get on an article that has not ended', () => {
  it('says it waits in the Batch API, in which batch and until when, in place of a summary', async () => {
    // Act
    const shown = await precis(true, { NO_COLOR: '1' }, 'get', WAITING_ID);
    // Assess
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(
      "No summary yet: the article is ANALYZING in batch mode: its 2 LLM calls wait in the provider's Batch API, batch batch_69a1 (answered by 2026-11-02T09:00:00.000Z at the latest)",
    );
    expect(shown.stdout).not.toMatch(/No summary: the article is ANALYZING\./);
  });

  it('says one call waits, and several wait', () => {
    // Prepare
    const article = (requests: number) =>
      ({
        id: WAITING_ID,
        status: 'ANALYZING',
        batch: { state: 'queued', requests, queuedAt: '2026-11-01T09:00:00.000Z' },
      }) as Parameters<typeof waitingFor>[0];

    // Act
    const one = waitingFor(article(1));
    const two = waitingFor(article(2));

    // Assess
    expect(one).toContain("its 1 LLM call waits to be sent to the provider's Batch API");
    expect(two).toContain("its 2 LLM calls wait to be sent to the provider's Batch API");
  });

  it('prints the record as it is when piped, and says what it waits for on stderr', async () => {
    // Act
    const piped = await precis(false, {}, 'get', WAITING_ID);
    // Assess
    expect(JSON.parse(piped.stdout)).toEqual(waiting);
    expect(piped.stderr).toMatch(/^No summary yet: the article is ANALYZING in batch mode: .*batch_69a1/);
  });

  it('says what it waits for when a translation is asked of it too', async () => {
    // Act
    const asked = await precis(true, {}, 'get', '--lang', 'ar', WAITING_ID);
    // Assess
    expect(asked.code).toBe(1);
    expect(asked.stderr).toMatch(/^precis: NOT_ANALYSED: .*\nNo summary yet: the article is ANALYZING in batch mode: /);
  });
});

describe('precis get on an article being reprocessed', () => {
  it("shows the previous run's summary and claims, marked as the previous run's, in text and Markdown", async () => {
    // Act
    const shown = await precis(true, { NO_COLOR: '1' }, 'get', REPROCESSING_ID);
    const markdown = await precis(true, {}, 'get', REPROCESSING_ID, '--format', 'md');

    // Assess
    const said =
      "The previous run's analysis: the article is being reprocessed (asked for 2026-12-01 10:00 UTC) and is ANALYZING; " +
      `precis get ${REPROCESSING_ID} shows the new one once the run ends.`;
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`${said}\n\nForty water plants closed\nForty plants closed in the heat.`);
    expect(shown.stdout).toContain(`1 claims: precis claims ${REPROCESSING_ID}`);
    expect(shown.stdout).not.toMatch(/No summary/);
    expect(markdown.stdout).toContain(`> **${said}**\n\n## Forty water plants closed`);
    expect(markdown.stdout).toContain('## Claims\n\n- **statistic**, check-worthiness 0.90: Forty plants closed');
  });

  it('prints the record as it is when piped, and says on stderr where the previous run is served', async () => {
    // Act
    const piped = await precis(false, {}, 'get', REPROCESSING_ID);
    const asked = await precis(false, {}, 'get', REPROCESSING_ID, '--lang', 'en');

    // Assess
    expect(JSON.parse(piped.stdout)).toEqual(reprocessing);
    expect(piped.stderr).toMatch(/^No new summary yet: the article is ANALYZING\. .* shows the new summary once/);
    expect(piped.stderr).toContain(
      `the API serves the previous run's analysis, marked "previous": precis get ${REPROCESSING_ID} --lang en`,
    );
    expect(JSON.parse(asked.stdout)).toMatchObject({ headline: 'Forty water plants closed', previous });
    expect(asked.stderr).toMatch(/^The previous run's analysis: the article is being reprocessed/);
  });

  it("says the claims are the previous run's", async () => {
    // Act
    const listed = await precis(false, {}, 'claims', REPROCESSING_ID);

    // Assess
    expect(JSON.parse(listed.stdout)).toEqual(previousClaim);
    expect(listed.stderr).toMatch(/^The previous run's analysis: the article is being reprocessed .* and is ANALYZING/);
  });

  it('says it has no summary yet when the previous run is no longer kept', async () => {
    // Act
    const shown = await precis(true, { NO_COLOR: '1' }, 'get', FORGOTTEN_ID);

    // Assess
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('No summary yet: the article is ANALYZING.');
    expect(shown.stderr).toBe('');
  });

  it('does not say, piped, that the API serves the previous run when it answers that it has none', async () => {
    // Act
    const piped = await precis(false, {}, 'get', FORGOTTEN_ID);

    // Assess
    expect(piped.code).toBe(0);
    expect(JSON.parse(piped.stdout)).toMatchObject({ id: FORGOTTEN_ID, status: 'ANALYZING' });
    expect(piped.stderr).toMatch(/^No new summary yet: the article is ANALYZING\./);
    expect(piped.stderr).not.toContain('the API serves the previous run');
    expect(piped.stderr).toContain(
      "The previous run's analysis is not served: NOT_ANALYSED: The article is not analysed yet.",
    );
  });
});
