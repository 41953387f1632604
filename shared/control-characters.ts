/**
 * The characters no text precis writes out may hold, as character-class
 * ranges (the inside of `[...]`), for the patterns that take them out: the
 * cleaner's (cleaning/normalize.ts) and that of a model's texts
 * (analysis/llm/answer-bounds.ts). Each pattern adds what is its own: the
 * cleaner also drops the soft hyphen, zero-width space, word joiner, BOM and
 * LRM/RLM (copy-and-paste litter in an article), which a model's text keeps
 * (an RLM orders right-to-left text it writes); NEL (U+0085) is a line break
 * to the cleaner (a space), and is dropped from a model's text.
 */

/** The controls a terminal acts on: C0 but tab, line feed, vertical tab, form feed and CR; DEL; C1 but NEL. */
export const TERMINAL_CONTROLS = '\\u0000-\\u0008\\u000e-\\u001f\\u007f-\\u0084\\u0086-\\u009f';

/** NEL, the C1 line break. */
export const NEXT_LINE = '\\u0085';

/** The bidi embeddings, overrides and isolates (LRE…RLO, LRI…PDI), which reorder what follows them on the line. */
export const BIDI_CONTROLS = '\\u202a-\\u202e\\u2066-\\u2069';
