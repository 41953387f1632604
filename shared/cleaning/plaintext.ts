import { isBoilerplateLine } from './boilerplate.js';
import { bareTimestamp } from './dates.js';
import { comparable, normalizeLine, normalizeNewlines } from './normalize.js';

/** What the artifacts of a pasted article tell about it, besides its body. */
export interface PasteFindings {
  title: string | null;
  byline: string | null;
  publishedAt: string | null;
  site: string | null;
}

export interface CleanedParagraphs extends PasteFindings {
  paragraphs: string[];
}

const BULLET = /^(?:[-*•·▪◦‣–]|\d{1,2}[.)])\s+/;
const TERMINAL = /[.!?:;…"”’'»)\]。！？؟]$/u;

/**
 * Splits pasted text into paragraphs. Blank lines separate paragraphs; inside
 * a block, hard-wrapped lines (a column of similar widths) are rejoined,
 * while short independent lines (headings, list items) stay apart.
 */
export function splitParagraphs(raw: string): string[] {
  const lines = normalizeNewlines(raw).split('\n').map(normalizeLine);
  const blocks: string[][] = [];
  let current: string[] = [];
  for (const line of lines) {
    if (line === '') {
      if (current.length > 0) blocks.push(current);
      current = [];
    } else {
      current.push(line);
    }
  }
  if (current.length > 0) blocks.push(current);
  return blocks.flatMap(unwrapBlock);
}

function unwrapBlock(lines: string[]): string[] {
  if (lines.length === 1) return lines;
  if (lines.every((line) => BULLET.test(line))) return [lines.join('\n')];
  const width = Math.max(...lines.map((l) => l.length));
  const body = lines.slice(0, -1);
  const wrapped =
    width >= 40 && width <= 120 && body.filter((l) => l.length >= width * 0.6).length >= body.length * 0.6;
  if (!wrapped) return lines;
  const paragraphs: string[] = [];
  let paragraph = '';
  for (const [i, line] of lines.entries()) {
    if (BULLET.test(line) && paragraph) {
      paragraphs.push(paragraph);
      paragraph = '';
    }
    paragraph = paragraph ? joinWrapped(paragraph, line) : line;
    const next = lines[i + 1];
    // A line that ends a sentence while the next line's first word would have fitted on it
    // was ended by hand, not by the wrap: a paragraph ends there. So does a line before a bullet.
    const nextWord = next?.split(' ')[0] ?? '';
    const endsParagraph =
      next === undefined || (TERMINAL.test(line) && line.length + 1 + nextWord.length <= width) || BULLET.test(next);
    if (endsParagraph) {
      paragraphs.push(paragraph);
      paragraph = '';
    }
  }
  return paragraphs;
}

function joinWrapped(left: string, right: string): string {
  // "well-" + "known": the hyphen was typed, keep it but join without a space.
  if (/\p{L}-$/u.test(left) && /^\p{Ll}/u.test(right)) return left + right;
  return `${left} ${right}`;
}

function looksLikeTitle(paragraph: string): boolean {
  const words = paragraph.split(/\s+/).length;
  return paragraph.length <= 200 && words <= 30 && !paragraph.includes('\n') && !/[.;:,]$/.test(paragraph);
}

const BYLINE =
  /^(?:[Bb]y|BY|[Ff]rom)\s+(\p{Lu}[\p{L}.'’-]*(?:\s+(?:\p{Lu}[\p{L}.'’-]*|and|&|de|al|el|van|von|bin))*)(?:\s*[,|–—-]\s*.*)?$/u;

/**
 * Removes the title from the start of a paragraph it is glued to ("…the
 * coalitionShafaq News/ …"). Letters and digits must match in order;
 * punctuation, quotes and spacing may differ. Returns null when the paragraph
 * does not start with the title.
 */
export function stripLeadingTitle(paragraph: string, title: string): string | null {
  const target = comparable(title);
  if (target.length === 0) return null;
  let matched = 0;
  for (let i = 0; i < paragraph.length; i++) {
    const ch = paragraph[i] as string;
    const norm = comparable(ch);
    if (norm.length === 0) continue;
    if (!target.startsWith(norm, matched)) return null;
    matched += norm.length;
    if (matched === target.length) {
      // Closing quotes or punctuation of the title go with it.
      let end = i + 1;
      while (end < paragraph.length && /[\s"”’'.:|–—-]/u.test(paragraph[end] as string)) end++;
      return paragraph.slice(end);
    }
  }
  return null;
}

/** A source tag or dateline at the start of a body: its name and the body without it. */
export function stripDateline(paragraph: string): { source: string | null; rest: string } {
  const patterns: RegExp[] = [
    // "Shafaq News/ Deputy…", "Agency/ …"
    /^([\p{Lu}\p{Lo}][\p{L}\p{M}.&'’]*(?:\s+[\p{Lu}\p{Lo}][\p{L}\p{M}.&'’]*){0,3})\s?\/\s*(?=\S)/u,
    // "BAGHDAD (Reuters) - …", "BAGHDAD, March 30 (AP) — …"
    /^\p{Lu}[\p{Lu}\s.'’-]{1,40}(?:,\s*[\p{L}\d .,]{2,30})?\s*\(([\p{L} .&-]{2,30})\)\s*[-—–:]+\s*/u,
    // "(CNN) -- …"
    /^\(([\p{L} .&-]{2,30})\)\s*[-—–]+\s*/u,
    // "BAGHDAD — …"
    /^\p{Lu}{3,}(?:[ -]\p{Lu}{2,}){0,3}(?:,\s*\p{Lu}[\p{L}. ]{1,25})?\s+[—–-]{1,2}\s+/u,
  ];
  for (const pattern of patterns) {
    const match = pattern.exec(paragraph);
    if (match && match[0].length < paragraph.length) {
      return { source: match[1]?.trim() ?? null, rest: paragraph.slice(match[0].length) };
    }
  }
  return { source: null, rest: paragraph };
}

const DOMAIN = /^(?:https?:\/\/)?(?:www\.)?([\p{L}\d-]+(?:\.[\p{L}\d-]+)*\.\p{L}{2,})\/?$/u;

/**
 * Removes the artifacts pasted articles carry, in the order they appear: the
 * headline repeated at the top, a bare timestamp line (its date becomes the
 * published date), a byline line, the headline glued to the first paragraph,
 * a dateline or "Agency/" source tag (unless `datelines` is false, as for a
 * web page, whose dateline belongs to the body), share and "read more"
 * lines, and a trailing site name.
 */
export function cleanParagraphs(
  input: string[],
  known: Partial<PasteFindings> = {},
  options: { datelines?: boolean } = {},
): CleanedParagraphs {
  let title = known.title ?? null;
  let publishedAt = known.publishedAt ?? null;
  let byline = known.byline ?? null;
  let site = known.site ?? null;

  let paragraphs = input.map((p) => p.trim()).filter((p) => p.length > 0);
  // A trailing site name ("shafaq.com") says where the paste came from: read it before it goes as furniture.
  const trailing = paragraphs.at(-1);
  const domain = trailing && paragraphs.length > 1 ? DOMAIN.exec(trailing) : null;
  if (domain) paragraphs.pop();
  // Timestamp lines stay for now: the first one is the published date.
  paragraphs = paragraphs.filter((p) => !isBoilerplateLine(p) || bareTimestamp(p) !== null);

  if (!title && paragraphs.length > 1 && looksLikeTitle(paragraphs[0] as string)) {
    title = paragraphs[0] as string;
  }
  if (title) {
    const key = comparable(title);
    paragraphs = paragraphs.filter((p, i) => i > 3 || comparable(p) !== key);
  }

  // Timestamps and bylines sit among the first lines, before the body starts.
  const head: string[] = [];
  let index = 0;
  for (; index < Math.min(paragraphs.length, 4); index++) {
    const p = paragraphs[index] as string;
    const timestamp = bareTimestamp(p);
    if (timestamp) {
      publishedAt ??= timestamp;
      continue;
    }
    const by = BYLINE.exec(p);
    if (by && p.length < 100) {
      byline ??= by[1]?.trim() ?? null;
      continue;
    }
    head.push(p);
    if (!looksLikeTitle(p)) {
      index++;
      break;
    }
  }
  // Timestamps further down ("Updated 12/06/2025 10:02") are furniture.
  paragraphs = [...head, ...paragraphs.slice(index).filter((p) => bareTimestamp(p) === null)];

  // The first body paragraph: the headline glued to it, then a dateline or source tag.
  const firstBody = paragraphs.findIndex((p) => !looksLikeTitle(p) || p.split(/\s+/).length > 12);
  if (firstBody >= 0) {
    let p = paragraphs[firstBody] as string;
    if (title && title.split(/\s+/).length >= 5) {
      const rest = stripLeadingTitle(p, title);
      if (rest) p = rest;
    }
    // A web page's dateline ("BAGHDAD (Reuters) -") is part of its body; a paste's source tag is an artifact.
    const dateline = options.datelines === false ? { source: null, rest: p } : stripDateline(p);
    if (dateline.source) site ??= dateline.source;
    paragraphs[firstBody] = dateline.rest;
  }

  // A trailing line that names the source ("Shafaq News"); a source tag names the site better than a domain.
  const last = paragraphs.at(-1);
  if (last && paragraphs.length > 1 && site && comparable(last) === comparable(site)) paragraphs.pop();
  site ??= domain?.[1] ?? null;

  return { paragraphs: paragraphs.filter((p) => p.length > 0), title, byline, publishedAt, site };
}
