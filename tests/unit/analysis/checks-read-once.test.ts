/**
 * Two more of the checks' shortcuts give what the checks gave before them:
 * an article's date reader reads each text once for that article's checks
 * (readingOnce), and the language detector's letters by script take each
 * character's script from a table once it has been read. Each is compared
 * with the code it stands for (chrono's reader itself; the old loop, copied
 * here as it was) over the fixtures' articles and random texts of many
 * scripts, each read several times so that the kept results are compared.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allowedDates,
  type DateReader,
  dateReaderFor,
  readingOnce,
  withoutAllowedDates,
} from '../../../shared/analysis/checks/dates.js';
import { articleSupport, unsupportedByEvidence } from '../../../shared/analysis/checks/grounding.js';
import { splitSentences } from '../../../shared/analysis/sentences.js';
import { scriptCounts } from '../../../shared/cleaning/language.js';
import { SCRIPT_LETTERS, type Script } from '../../../shared/scripts.js';
import { fixtureArticles } from '../../helpers/samples.js';

const articles = fixtureArticles();

/** What the checks read of chrono's results: where each is, its text, and each unit, certain or implied (from now). */
const read = (reader: DateReader, text: string) =>
  reader.parse(text).map((r) => ({
    index: r.index,
    text: r.text,
    units: (['year', 'month', 'day', 'weekday'] as const).map((u) => [r.start.isCertain(u), r.start.get(u)]),
  }));
const PUBLISHED = '2025-03-04T09:00:00+03:00';

describe("an article's date reader, each text read once", () => {
  it('gives what chrono gives, and asks chrono once for each text read without a reference', async () => {
    for (const language of ['en', 'fr', 'ar', 'de']) {
      // Prepare
      const reader = await dateReaderFor(language);
      let asked = 0;
      const counted: DateReader = {
        parse: (text, reference) => {
          asked++;
          return reader.parse(text, reference);
        },
      };
      const once = readingOnce(counted);
      const texts = articles.flatMap((a) => splitSentences(a).map((s) => s.text)).slice(0, 60);
      const distinct = new Set(texts).size;

      // Act, Assess: each text read three times.
      for (let round = 0; round < 3; round++) {
        for (const text of texts) expect(read(once, text)).toEqual(read(reader, text));
      }
      // The 64 texts it keeps hold them all: chrono read each once.
      expect(distinct).toBeGreaterThan(30);
      expect(asked).toBe(distinct);
    }
  });

  it("reads a text again each time it is given a reference: the article's own dates", async () => {
    const reader = await dateReaderFor('en');
    let asked = 0;
    const once = readingOnce({
      parse: (text, reference) => {
        asked++;
        return reader.parse(text, reference);
      },
    });
    const context = { text: articles[0] as string, publishedAt: PUBLISHED };
    expect(allowedDates(context, once)).toEqual(allowedDates(context, reader));
    expect(allowedDates(context, once)).toEqual(allowedDates(context, reader));
    expect(asked).toBe(2);
  });

  it("leaves each fixture's claims and summary sentences as the article's own reader did", async () => {
    for (const text of articles) {
      // Prepare
      const context = { text, publishedAt: PUBLISHED, language: 'en' };
      const support = await articleSupport(context);
      const plain = await dateReaderFor('en');
      const sentences = splitSentences(text).map((s) => s.text);

      // Act, Assess: every sentence twice, as a claim would be and as a summary sentence would be.
      for (const sentence of [...sentences, ...sentences]) {
        expect(withoutAllowedDates(sentence, support.dates, support.reader)).toBe(
          withoutAllowedDates(sentence, support.dates, plain),
        );
        expect(unsupportedByEvidence({ text: sentence, speaker: null }, sentence.slice(0, 40), support)).toEqual(
          unsupportedByEvidence({ text: sentence, speaker: null }, sentence.slice(0, 40), {
            ...support,
            reader: plain,
          }),
        );
      }
    }
  });
});

// --- The letters by script: the old loop, as it was. ---

const SCRIPTS: [Script, RegExp][] = (
  ['Latin', 'Arabic', 'Cyrillic', 'Greek', 'Hebrew', 'Devanagari', 'Bengali', 'Hangul', 'Kana', 'Han'] as const
).map((script) => [script, SCRIPT_LETTERS[script]]);

function oldScriptCounts(text: string): Map<Script, number> {
  const counts = new Map<Script, number>();
  let latin = 0;
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    if (code < 0x80) {
      if ((code | 32) >= 97 && (code | 32) <= 122) latin++;
      continue;
    }
    if (!/\p{L}/u.test(ch)) continue;
    for (const [script, test] of SCRIPTS) {
      if (test.test(ch)) {
        counts.set(script, (counts.get(script) ?? 0) + 1);
        break;
      }
    }
  }
  if (latin > 0) counts.set('Latin', (counts.get('Latin') ?? 0) + latin);
  return counts;
}

/** Characters of every script detection reads, with marks, digits, spaces, astral letters and lone surrogates. */
const MIXED = 'aZéßĳ ضچ٣ жЁ ωΣ שׁ हिं বাং 한글 ひらカナ 漢字𠀀 𝒜 \uD800 \uDC00 ١٢ ¼ ـ ٰ';

describe("the language detector's letters by script", () => {
  it("counts each fixture's letters, and texts of many scripts, as the old loop did, read again or not", () => {
    for (const text of [...articles, MIXED, MIXED.repeat(3)]) {
      expect(scriptCounts(text)).toEqual(oldScriptCounts(text));
      expect(scriptCounts(text)).toEqual(oldScriptCounts(text));
    }
    const alphabet = [...MIXED];
    fc.assert(
      fc.property(
        fc.oneof(
          fc.array(fc.constantFrom(...alphabet), { maxLength: 60 }).map((cs) => cs.join('')),
          fc.string({ unit: 'binary', maxLength: 60 }),
        ),
        (text) => {
          expect(scriptCounts(text)).toEqual(oldScriptCounts(text));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
