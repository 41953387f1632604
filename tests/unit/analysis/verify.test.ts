import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../../cli/main.js';
import { verifySummary } from '../../../shared/analysis/checks/verify.js';

const ARTICLE =
  "Rising salinity in the Shatt al-Arab has forced 40 of Basra's 112 water treatment plants to stop pumping, the water directorate said on Sunday. " +
  "Salt levels at the Al-Bradi'iya intake reached 8,200 parts per million. " +
  'The governor asked Baghdad to release more water from upstream dams.';

/** Runs `precis verify` on what stdin gives, in chunks; its exit code and the JSON of each line it printed. */
async function verifyCommand(...chunks: string[]): Promise<{ code: number; answers: unknown[] }> {
  let stdout = '';
  const code = await main(['verify'], {
    env: {},
    stdout: { write: (text: string) => (stdout += text) },
    stderr: new PassThrough(),
    stdin: (async function* () {
      yield* chunks;
    })(),
  });
  const answers = stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  return { code, answers };
}

describe('the summary verifier', () => {
  it('supports a summary made of what the article says', () => {
    expect(
      verifySummary(
        ARTICLE,
        "Salinity forced 40 of Basra's 112 water treatment plants to stop pumping. The governor asked Baghdad to release more water.",
      ),
    ).toEqual({ supported: true, unsupported: [] });
  });

  it('flags a figure, words, or a pairing the article does not have, sentence by sentence, with the reason', () => {
    const result = verifySummary(
      ARTICLE,
      "Salinity forced 45 plants to stop pumping. Hospitals in Mosul closed because of cholera. The governor asked Basra to release water from Al-Bradi'iya dams.",
    );
    expect(result.supported).toBe(false);
    expect(result.unsupported.map((u) => u.reason)).toEqual([
      'figures not in the article: 45',
      expect.stringMatching(/^words not in the article: hospitals, mosul, closed/),
      expect.stringMatching(/^words the article never puts together/),
    ]);
  });

  it('reads a word in any of its forms, and a tokenised clitic as the word it belongs to', () => {
    // Prepare: "stopped" for the article's "stop", and "did n't" as tokenised text writes it.
    const summary = "Treatment plants stopped pumping. The governor did n't ask for money.";
    const article = `${ARTICLE} The governor didn't ask for money.`;

    // Act
    const result = verifySummary(article, summary);

    // Assess
    expect(result).toEqual({ supported: true, unsupported: [] });
  });

  it('counts a pair of words as new when the article writes them further apart than the pair window', () => {
    // Prepare: "asked" and "water" are three content words apart in the article's last sentence.
    const summary = 'The governor asked for water.';

    // Act
    const narrow = verifySummary(ARTICLE, summary, { maxAbsent: 1, maxNovelPairs: 0.3, pairWindow: 2 });
    const wide = verifySummary(ARTICLE, summary, { maxAbsent: 1, maxNovelPairs: 0.3, pairWindow: 4 });

    // Assess
    expect(narrow.unsupported.map((u) => u.reason)).toEqual([
      expect.stringMatching(/^words the article never puts together: asked water/),
    ]);
    expect(wide.supported).toBe(true);
  });
});

describe('precis verify', () => {
  it('reads JSON lines on stdin and answers one verdict per line; a bad line gets an error and exit 1', async () => {
    const { code, answers } = await verifyCommand(
      `${JSON.stringify({ article: ARTICLE, summary: 'Salt levels reached 8,200 parts per million.' })}\n`,
      `${JSON.stringify({ article: ARTICLE, summary: 'Salt levels reached 9,100 parts per million.' })}\nnot json\n`,
    );
    expect(answers).toEqual([
      { supported: true, unsupported: [] },
      {
        supported: false,
        unsupported: [
          { text: 'Salt levels reached 9,100 parts per million.', reason: 'figures not in the article: 9,100' },
        ],
      },
      { error: { code: 'INVALID_JSON', message: 'The line is not JSON.' } },
    ]);
    expect(code).toBe(1);
  });
});

describe('precis verify against an empty article', () => {
  it('answers that there is nothing to verify against, not that the summary is supported', async () => {
    // Prepare
    const lines = [
      { article: '', summary: 'It was there.' },
      { article: ' \n … ', summary: 'The governor asked Baghdad to release more water.' },
      { article: ARTICLE, summary: 'The governor asked Baghdad to release more water.' },
    ];
    // Act
    const { code, answers } = await verifyCommand(lines.map((l) => JSON.stringify(l)).join('\n'));
    // Assess
    const nothing = {
      error: {
        code: 'NO_ARTICLE_TEXT',
        message: 'The article is empty: there is nothing to verify the summary against.',
      },
    };
    expect(answers).toEqual([nothing, nothing, { supported: true, unsupported: [] }]);
    expect(code).toBe(1);
  });
});

describe('precis verify of an empty summary', () => {
  it('answers INVALID_PARAMETER, not that a summary of nothing is supported', async () => {
    // Prepare
    const lines = [
      { article: ARTICLE, summary: '' },
      { article: ARTICLE, summary: ' \n\t ' },
      { article: ARTICLE, summary: ' … . ' },
      { article: ARTICLE, summary: 'The governor asked Baghdad to release more water.' },
    ];
    // Act
    const { code, answers } = await verifyCommand(lines.map((l) => JSON.stringify(l)).join('\n'));
    // Assess
    const empty = {
      error: {
        code: 'INVALID_PARAMETER',
        message: 'The summary is empty: an empty summary supports nothing, so there is nothing to verify.',
      },
    };
    expect(answers).toEqual([empty, empty, empty, { supported: true, unsupported: [] }]);
    expect(code).toBe(1);
  });
});

describe('precis verify of a line that is JSON but no object', () => {
  it('says what a line needs, not what JavaScript said of reading a field of null', async () => {
    // Prepare
    const lines = 'null\n[]\n42\n"text"\n';

    // Act
    const { code, answers } = await verifyCommand(lines);

    // Assess
    const needs = { error: { code: 'INVALID_JSON', message: 'each line needs "article" and "summary" strings.' } };
    expect(answers).toEqual([needs, needs, needs, needs]);
    expect(code).toBe(1);
  });
});
