import { isBoilerplateLine } from './boilerplate.js';
import type { Budget } from './budget.js';
import { bareTimestamp, TimestampLines } from './dates.js';
import { comparable } from './normalize.js';

/**
 * The artifacts pasted articles carry, removed by an ordered list of small
 * named rules. Each rule names the fixtures in tests/fixtures/pastes that
 * show it at work; a test checks that leaving it out changes them.
 */

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

function looksLikeTitle(paragraph: string): boolean {
  // Its length first: a paragraph of megabytes is no title, and is not split into words to tell.
  if (paragraph.length > 200) return false;
  const words = paragraph.split(/\s+/).length;
  return words <= 30 && !paragraph.includes('\n') && !/[.;:,]$/.test(paragraph);
}

/** "By Jane Arraf", "Par Claire Dubois", "Por Lucía Fernández", "Von Jonas Becker": the name. */
const BYLINE =
  /^(?:[Bb]y|BY|[Ff]rom|[Pp]ar|PAR|[Pp]or|POR|[Vv]on|VON|[Dd]i|[Dd]oor)\s+(\p{Lu}[\p{L}.'’-]*(?:\s+(?:\p{Lu}[\p{L}.'’-]*|and|et|y|und|e|&|de|del|da|al|el|van|von|der|bin))*)(?:\s*[,|–—-]\s*.*)?$/u;
/** "بقلم علي حسن", "كتب: علي حسن": Arabic names have no capitals, so the line must be short. */
const ARABIC_BYLINE = /^(?:بقلم|كتب|كتبت|إعداد)\s*:?\s*((?:\p{L}+\s*){1,4})$/u;

/** The separators a byline puts between the name and what follows it (a date, a role). */
const BYLINE_TAIL = /\s*[·•|]\s*|\s+[–—-]\s+/u;

/** The byline's name, or null when the line is not one. */
export function bylineOf(line: string, timestamps?: TimestampLines): string | null {
  return bylineParts(line, timestamps)?.name ?? null;
}

/**
 * A byline's name and the date it prints after it ("By Samir Yousif ·
 * February 18, 2025, 8:15 AM"), or null when the line is not a byline.
 */
export function bylineParts(
  line: string,
  timestamps?: TimestampLines,
): { name: string; publishedAt: string | null } | null {
  if (line.length >= 100) return null;
  const [head = '', ...tail] = line.split(BYLINE_TAIL);
  const match = BYLINE.exec(head) ?? ARABIC_BYLINE.exec(head) ?? BYLINE.exec(line) ?? ARABIC_BYLINE.exec(line);
  const name = match?.[1]?.trim();
  if (!name) return null;
  let publishedAt: string | null = null;
  for (const part of tail) publishedAt ??= timestamps ? timestamps.of(part) : bareTimestamp(part);
  return { name, publishedAt };
}

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

/**
 * Words that make an Arabic-script tag a news source rather than a place: "شفق نيوز/"
 * names the site, "بغداد/" or "ذي قار/" is a dateline (a city, a province) and
 * names nothing. Arabic papers open with the city and a slash; English pastes
 * write a place as "BAGHDAD —", so a capitalised Latin tag ("Rudaw/") is a source.
 */
const MEDIA_WORD =
  /(?<!\p{L})(?:news|agency|press|times|post|tribune|herald|gazette|journal|daily|media|network|channel|radio|tv|television|online|wire|info|نيوز|وكالة|قناة|شبكة|موقع|صحيفة|جريدة|راديو|إذاعة|تلفزيون|الإخبارية|برس)(?!\p{L})/iu;

/** A source tag or dateline at the start of a body: the source it names (never a place), and the body without it. */
export function stripDateline(paragraph: string): { source: string | null; rest: string } {
  const slashTag = /^([\p{Lu}\p{Lo}][\p{L}\p{M}.&'’]*(?:\s+[\p{Lu}\p{Lo}][\p{L}\p{M}.&'’]*){0,3})\s?\/\s*(?=\S)/u.exec(
    paragraph,
  );
  if (slashTag && slashTag[0].length < paragraph.length) {
    const tag = slashTag[1]?.trim() ?? '';
    const source = /^\p{Script=Latin}/u.test(tag) || MEDIA_WORD.test(tag) ? tag : null;
    return { source, rest: paragraph.slice(slashTag[0].length) };
  }
  const patterns: RegExp[] = [
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

/** What the rules read and change, in order. */
export interface PasteState extends PasteFindings {
  paragraphs: string[];
  /** A trailing bare domain ("shafaq.com"): the site when nothing names it better. */
  domain: string | null;
  /** Where the body starts, once a rule has looked for it. */
  firstBody?: number;
  /** Which lines are bare timestamps, each read once for the document (dates.ts). */
  timestamps: TimestampLines;
}

export interface PasteRule {
  name: string;
  /** The fixtures (tests/fixtures/pastes/<name>.txt) that show the rule at work. */
  fixtures: string[];
  /** Pastes only: a web page's body keeps what this rule would remove. */
  pastesOnly?: boolean;
  apply(state: PasteState): void;
}

/** The first paragraph of the body: the first that is not a short title-like line. */
function firstBody(state: PasteState): number {
  state.firstBody ??= state.paragraphs.findIndex((p) => !looksLikeTitle(p) || p.split(/\s+/).length > 12);
  return state.firstBody;
}

/** The rules, in the order they run: each one sees what the ones before it left. */
export const PASTE_RULES: readonly PasteRule[] = [
  {
    // Read before it goes as furniture: it says where the paste came from.
    name: 'trailing-domain',
    fixtures: ['trailing-site-name'],
    apply(state) {
      const trailing = state.paragraphs.at(-1);
      const domain = trailing && state.paragraphs.length > 1 ? DOMAIN.exec(trailing) : null;
      if (!domain) return;
      state.paragraphs.pop();
      state.domain = domain[1] ?? null;
    },
  },
  {
    // Share bars, "read more" lines and the like; timestamp lines stay for the rules that read them.
    name: 'furniture-lines',
    fixtures: ['read-more-and-share', 'arabic-source-tag', 'french-furniture', 'german-furniture'],
    apply(state) {
      state.paragraphs = state.paragraphs.filter((p) => !isBoilerplateLine(p) || state.timestamps.of(p) !== null);
    },
  },
  {
    // The first short line is the headline when nothing else names one; its repeats at the top go.
    name: 'repeated-headline',
    fixtures: ['repeated-headline'],
    apply(state) {
      const [first] = state.paragraphs;
      if (!state.title && state.paragraphs.length > 1 && first !== undefined && looksLikeTitle(first)) {
        state.title = first;
      }
      if (!state.title) return;
      const key = comparable(state.title);
      state.paragraphs = state.paragraphs.filter((p, i) => i > 3 || comparable(p) !== key);
    },
  },
  {
    // Among the first lines, before the body starts: the first timestamp is the published date,
    // a "By …" line the byline; both lines go. Timestamps further down are furniture.
    name: 'timestamps-and-byline',
    fixtures: [
      'timestamp-lines',
      'byline-line',
      'arabic-source-tag',
      'spanish-furniture',
      'arabic-furniture',
      'agency-line',
      'byline-no-blank-lines',
      'timestamp-under-byline',
    ],
    apply(state) {
      const { paragraphs } = state;
      const head: string[] = [];
      let index = 0;
      for (; index < Math.min(paragraphs.length, 4); index++) {
        const p = paragraphs[index] as string;
        const timestamp = state.timestamps.of(p);
        if (timestamp) {
          state.publishedAt ??= timestamp;
          continue;
        }
        const by = bylineParts(p, state.timestamps);
        if (by) {
          state.byline ??= by.name;
          state.publishedAt ??= by.publishedAt;
          // A credit line under it ("Reuters", "AFP"): one to three words, no sentence; the source, not the text.
          const next = paragraphs[index + 1];
          if (
            next !== undefined &&
            /^\p{Lu}[\p{L}&.'’-]*(?:\s+\p{Lu}[\p{L}&.'’-]*){0,2}$/u.test(next) &&
            next.length <= 30
          ) {
            state.site ??= next;
            index++;
          }
          continue;
        }
        head.push(p);
        if (!looksLikeTitle(p)) {
          index++;
          break;
        }
      }
      state.paragraphs = [...head, ...paragraphs.slice(index).filter((p) => state.timestamps.of(p) === null)];
    },
  },
  {
    // "…the coalitionShafaq News/ …": the headline glued to the first body paragraph.
    name: 'glued-headline',
    fixtures: ['repeated-headline'],
    apply(state) {
      const index = firstBody(state);
      if (index < 0 || !state.title || state.title.split(/\s+/).length < 5) return;
      const rest = stripLeadingTitle(state.paragraphs[index] as string, state.title);
      if (rest) state.paragraphs[index] = rest;
    },
  },
  {
    // A paste's "Agency/ " tag or "BAGHDAD (Reuters) -" dateline names its source; a web page's
    // dateline is part of its body.
    name: 'source-tag-or-dateline',
    fixtures: ['source-dateline', 'arabic-source-tag', 'repeated-headline', 'arabic-furniture'],
    pastesOnly: true,
    apply(state) {
      const index = firstBody(state);
      if (index < 0) return;
      const dateline = stripDateline(state.paragraphs[index] as string);
      if (dateline.source) state.site ??= dateline.source;
      state.paragraphs[index] = dateline.rest;
    },
  },
  {
    // A last line that names the source ("Shafaq News"); a source tag names the site better than a domain.
    name: 'trailing-source-name',
    fixtures: ['trailing-source-name'],
    apply(state) {
      const last = state.paragraphs.at(-1);
      if (last && state.paragraphs.length > 1 && state.site && comparable(last) === comparable(state.site)) {
        state.paragraphs.pop();
      }
    },
  },
  {
    // "Jane Doe is a reporter covering…", "Jane Doe's favourite gear": the author's note after the article.
    name: 'author-bio',
    fixtures: ['author-bio'],
    apply(state) {
      const last = state.paragraphs.at(-1);
      if (!last || !state.byline || state.paragraphs.length < 3 || last.length > 400) return;
      const name = state.byline.split(/,| and | & /)[0]?.trim() ?? '';
      if (name.length < 3) return;
      const after = last.startsWith(name) ? last.slice(name.length) : null;
      if (after !== null && /^(?:['’]s\s|\s+(?:is|was|has|writes|covers|reports)\s)/u.test(after))
        state.paragraphs.pop();
    },
  },
];

/**
 * Removes the artifacts pasted articles carry by running PASTE_RULES in
 * order (for a web page's body, only those that are not `pastesOnly`). What
 * `known` states (from meta tags, front matter or JSON fields) is kept; the
 * rules fill in only what it leaves null.
 */
export function cleanParagraphs(
  input: string[],
  known: Partial<PasteFindings> = {},
  options: { page?: boolean; rules?: readonly PasteRule[]; budget?: Budget } = {},
): CleanedParagraphs {
  const state: PasteState = {
    timestamps: new TimestampLines(options.budget),
    paragraphs: input.map((p) => p.trim()).filter((p) => p.length > 0),
    title: known.title ?? null,
    byline: known.byline ?? null,
    publishedAt: known.publishedAt ?? null,
    site: known.site ?? null,
    domain: null,
  };
  for (const rule of options.rules ?? PASTE_RULES) {
    if (!(options.page && rule.pastesOnly)) rule.apply(state);
  }
  const { paragraphs, title, byline, publishedAt, site, domain } = state;
  return { paragraphs: paragraphs.filter((p) => p.length > 0), title, byline, publishedAt, site: site ?? domain };
}
