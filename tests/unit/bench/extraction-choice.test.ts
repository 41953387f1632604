import { describe, expect, it } from 'vitest';
import { madeOfBoth } from '../../../scripts/lib/extraction-choice.js';

describe('readings made of both (the choice study’s ceiling, npm run train:extractor -- --study-choice)', () => {
  const lead = 'A lead only Readability keeps, above the article.';
  const body = ['The first paragraph both readings keep.', 'The second paragraph both readings keep.'];
  const ownTail = 'A last paragraph only precis keeps.';
  const theirTail = 'Other stories only Readability keeps.';

  it('makes the paragraphs both keep, and each reading with the other’s lead and last paragraphs', () => {
    const own = [...body, ownTail];
    const theirs = [lead, ...body, theirTail];
    expect(madeOfBoth(own, theirs)).toEqual([
      body,
      body,
      [lead, ...own],
      [...own, theirTail],
      theirs,
      [...theirs, ownTail],
    ]);
  });

  it('makes nothing of two readings that share no paragraph', () => {
    expect(madeOfBoth([ownTail], [theirTail])).toEqual([]);
  });
});
