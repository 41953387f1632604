/**
 * `Intl.Segmenter` in linear time. ICU's segmenter slows down more than
 * linearly on long strings (on Node 20, 20,000 words take seconds), so long
 * texts are segmented in windows of a few thousand characters that end
 * where no segment can span: at white space (or CJK punctuation) for words, at a line break (or,
 * in a paragraph longer than a window, after sentence-ending punctuation and
 * a space) for sentences. Offsets are those of the whole text.
 */

export interface Segment {
  segment: string;
  /** Offset in the whole text. */
  index: number;
  isWordLike?: boolean;
}

const WINDOW = 4096;

/** Where a window may end for each granularity: after the last match in its second half. */
const SAFE_END: Record<'word' | 'sentence', RegExp[]> = {
  // White space, or the punctuation of scripts written without it: no word spans either.
  word: [/[\s。，、！？；：]/gu],
  // A line break; else a full stop and a space; else a CJK full stop, which needs no space.
  sentence: [/\n/g, /[.!?؟]["'”’»)]*\s/gu, /[。！？]["'”’»」』)]*/gu],
};

function windowEnd(text: string, start: number, granularity: 'word' | 'sentence'): number {
  const hard = start + WINDOW;
  if (hard >= text.length) return text.length;
  const from = start + WINDOW / 2;
  const slice = text.slice(from, hard);
  for (const pattern of SAFE_END[granularity]) {
    let last = -1;
    for (const m of slice.matchAll(pattern)) last = m.index + m[0].length;
    if (last > 0) return from + last;
  }
  // No safe place (a text without spaces or stops): cut hard; at worst one segment is split.
  return hard;
}

/**
 * The segmenters made so far, by granularity and language: one is made once and used again
 * (it keeps no state between texts). Making one costs ICU about 0.1 ms and memory outside the
 * heap that only a full collection frees, and the offline engine segments each sentence's words
 * apart: a text of 380,000 one-word list items made as many and did not end in a minute.
 */
const SEGMENTERS = new Map<string, Intl.Segmenter>();
/** More languages than precis reads: past it the cache starts again (an unbounded list of tags is no cache). */
const MAX_SEGMENTERS = 64;

function segmenterFor(granularity: 'word' | 'sentence', language?: string | null): Intl.Segmenter {
  const key = `${granularity} ${language ?? ''}`;
  let segmenter = SEGMENTERS.get(key);
  if (segmenter) return segmenter;
  try {
    segmenter = new Intl.Segmenter(language ?? undefined, { granularity });
  } catch {
    segmenter = new Intl.Segmenter('en', { granularity });
  }
  if (SEGMENTERS.size >= MAX_SEGMENTERS) SEGMENTERS.clear();
  SEGMENTERS.set(key, segmenter);
  return segmenter;
}

export function* segments(
  text: string,
  granularity: 'word' | 'sentence',
  language?: string | null,
): Generator<Segment> {
  const segmenter = segmenterFor(granularity, language);
  for (let start = 0; start < text.length; ) {
    const end = windowEnd(text, start, granularity);
    for (const s of segmenter.segment(text.slice(start, end))) {
      yield { segment: s.segment, index: start + s.index, isWordLike: s.isWordLike };
    }
    start = end;
  }
}
