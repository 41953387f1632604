import { describe, expect, it } from 'vitest';
import { cleanDocument } from '../../../shared/cleaning/index.js';
import { stripDateline, stripLeadingTitle } from '../../../shared/cleaning/paste-rules.js';
import { splitParagraphs } from '../../../shared/cleaning/plaintext.js';

const clean = (text: string) => cleanDocument(new TextEncoder().encode(text), { name: 'paste.txt' });

describe('plain-text paste cleaning', () => {
  it('removes a repeated headline, a timestamp line, the glued headline, a source tag and the trailing site', () => {
    const paste = [
      'Basra council approves 2025 water budget of 90 billion dinars',
      '',
      'Basra council approves 2025 water budget of 90 billion dinars',
      '',
      '2025-01-12 09:41',
      '',
      "Basra council approves 2025 water budget of 90 billion dinarsDelta Press/ Basra's provincial council voted on Sunday to spend 90 billion dinars on water projects, its chairman said.",
      '',
      'The plan includes three new desalination units and repairs to 40 kilometres of pipes.',
      '',
      'deltapress.example',
    ].join('\n');
    const result = clean(paste);
    expect(result.title).toBe('Basra council approves 2025 water budget of 90 billion dinars');
    expect(result.publishedAt).toBe('2025-01-12T09:41:00');
    expect(result.site).toBe('Delta Press');
    expect(result.text).toBe(
      "Basra's provincial council voted on Sunday to spend 90 billion dinars on water projects, its chairman said.\n\n" +
        'The plan includes three new desalination units and repairs to 40 kilometres of pipes.',
    );
  });

  it('matches the glued headline through differences in punctuation and quotes', () => {
    const title = 'Before the minister’s visit to Ankara, Iraq prepares a water deal';
    expect(
      stripLeadingTitle(
        "Before the minister's visit to Ankara Iraq prepares a water dealBaghdad Today/ Officials said…",
        title,
      ),
    ).toBe('Baghdad Today/ Officials said…');
    expect(stripLeadingTitle('A different first paragraph entirely.', title)).toBeNull();
  });

  it.each([
    ['Rudaw/ The governor said', 'Rudaw', 'The governor said'],
    ['BAGHDAD (Reuters) - The ministry said', 'Reuters', 'The ministry said'],
    ['MOSUL, March 3 (AP) — Crews began', 'AP', 'Crews began'],
    ['(CNN) -- Officials said', 'CNN', 'Officials said'],
    // A city is a dateline, not a source; an agency's name says it is one.
    ['بغداد/ أعلنت الوزارة', null, 'أعلنت الوزارة'],
    ['شفق نيوز/ أعلنت الوزارة', 'شفق نيوز', 'أعلنت الوزارة'],
  ])('strips the dateline of %j', (input, source, rest) => {
    expect(stripDateline(input)).toEqual({ source, rest });
  });

  it('drops "read more", share and subscription lines', () => {
    const result = clean(
      [
        'Oil exports rise in March',
        '',
        'Iraq exported 3.4 million barrels a day in March, the oil ministry said on Tuesday, up from 3.3 million in February.',
        '',
        'Read more: Basra pipeline reopens',
        '',
        'Share on Facebook | Share on Twitter | WhatsApp',
        '',
        'Exports through the Ceyhan pipeline remain suspended.',
        '',
        'Sign up for our morning newsletter. Subscribe now',
      ].join('\n'),
    );
    expect(result.text).toBe(
      'Iraq exported 3.4 million barrels a day in March, the oil ministry said on Tuesday, up from 3.3 million in February.\n\n' +
        'Exports through the Ceyhan pipeline remain suspended.',
    );
  });

  it('normalises mixed line endings, soft hyphens, zero-width characters and odd spaces, keeping ZWNJ', () => {
    const result = clean(
      'Grain harvest\r\n\r\nThe har\u00advest reached 5\u00a0million  tonnes,\u200b the ministry said.\r\rIt was the lar\u00adgest\tin a decade.\r\n\r\nمی\u200cخواهم the farmers said.',
    );
    expect(result.title).toBe('Grain harvest');
    expect(result.text).toBe(
      'The harvest reached 5 million tonnes, the ministry said.\n\nIt was the largest in a decade.\n\nمی\u200cخواهم the farmers said.',
    );
  });

  it('rejoins hard-wrapped lines into paragraphs', () => {
    const wrapped = [
      'The committee met for six hours on Monday and agreed to send',
      'the draft law back to parliament with eleven amendments, its',
      'chairman told reporters after the session ended.',
      'A vote is expected before the end of the month, although two',
      'blocs said they would boycott it.',
    ].join('\n');
    expect(splitParagraphs(wrapped)).toEqual([
      'The committee met for six hours on Monday and agreed to send the draft law back to parliament with eleven amendments, its chairman told reporters after the session ended.',
      'A vote is expected before the end of the month, although two blocs said they would boycott it.',
    ]);
  });

  it('keeps a pasted list of bullets as one block, one item a line', () => {
    expect(splitParagraphs('The plan covers:\n\n- new pumps\n- 40 km of pipes\n- two desalination units')).toEqual([
      'The plan covers:',
      '- new pumps\n- 40 km of pipes\n- two desalination units',
    ]);
  });

  it('keeps short independent lines apart when they are not a wrapped column', () => {
    expect(splitParagraphs('Attacks on the road\nTwo drivers were killed on Friday near the village.')).toEqual([
      'Attacks on the road',
      'Two drivers were killed on Friday near the village.',
    ]);
  });

  it('takes a "By" line as the byline', () => {
    const result = clean(
      'Power cuts return to Najaf\n\nBy Sara Ahmed\n\nPower cuts of up to eight hours a day returned to Najaf this week, residents said.',
    );
    expect(result.byline).toBe('Sara Ahmed');
    expect(result.text).toBe('Power cuts of up to eight hours a day returned to Najaf this week, residents said.');
  });
});
