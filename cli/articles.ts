/**
 * `precis upload | get | list | claims`: articles on a running stack, through
 * its HTTP API (local or deployed). On a terminal: tables, colour and a
 * progress bar; piped: one JSON object per line, for scripts.
 */
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs, styleText } from 'node:util';
import type { ArticleRecord, Claim, Status } from '../shared/article.js';
import { ARTICLE_ID, isTerminal, STATUSES } from '../shared/article.js';
import { formatFromName } from '../shared/cleaning/formats/names.js';
import { LANGUAGE_CODE } from '../shared/languages.js';
import { truncate } from '../shared/truncate.js';
import type { ArticleListItem, PreviousRun, SummaryView } from '../shared/usecases/read-articles.js';
import type { UploadTicket } from '../shared/usecases/upload.js';
import { ApiCallError, type ApiTarget, apiTarget, callApi, callOrReport, TARGET_OPTIONS } from './client.js';
import { expand, type Io, readError } from './main.js';
import { escapeControls, jsonLine, terminalSafe } from './terminal.js';
import { STUB_TRANSLATION, stubNotice, translationHelp } from './translations.js';
import { RemoteUsageError } from './usage.js';
import { waitingFor } from './waiting.js';

const OPTIONS = {
  ...TARGET_OPTIONS,
  wait: { type: 'boolean' },
  timeout: { type: 'string' },
  lang: { type: 'string' },
  format: { type: 'string' },
  status: { type: 'string' },
  limit: { type: 'string' },
  all: { type: 'boolean' },
} as const;

export type ArticleCommand = 'upload' | 'get' | 'list' | 'claims';

/** Which flags each command takes besides the target's. */
const TAKES: Record<ArticleCommand, (keyof typeof OPTIONS)[]> = {
  upload: ['wait', 'timeout'],
  get: ['lang', 'format'],
  list: ['status', 'limit', 'all', 'format'],
  claims: ['format'],
};

const CONTENT_TYPES = {
  html: 'text/html; charset=utf-8',
  text: 'text/plain; charset=utf-8',
  markdown: 'text/markdown; charset=utf-8',
  json: 'application/json',
} as const;

/** A whole number from a flag, within bounds, or a usage error naming the flag. */
function intFlag(name: string, value: string | undefined, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^[0-9]+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new RemoteUsageError(`--${name} must be a whole number from ${min} to ${max}, not "${value}"`);
  }
  return Number(value);
}

/** Terminal styling: colour only on a terminal, and never with NO_COLOR set. */
function painter(io: Io) {
  const on = Boolean(io.stdout.isTTY) && !io.env.NO_COLOR;
  type Style = Parameters<typeof styleText>[0];
  const paint = (style: Style) => (text: string) => (on ? styleText(style, text) : text);
  const statusColour: Record<string, Style> = { DONE: 'green', PARTIAL: 'yellow', FAILED: 'red' };
  return {
    bold: paint('bold'),
    dim: paint('dim'),
    status: (status: string) => paint(statusColour[status] ?? 'cyan')(status),
    ok: paint('green'),
    warn: paint('yellow'),
  };
}

/** A cell's text on one line, cut to its column's width. */
const cut = (text: string, max: number) => truncate(text.replace(/\s+/g, ' '), max);

async function table(head: string[], rows: string[][]): Promise<string> {
  const { default: Table } = await import('cli-table3');
  const t = new Table({
    head,
    style: { head: [], border: [] },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  t.push(...rows);
  return t.toString();
}

/** Runs one of the article commands; returns the exit status. */
export async function articlesMain(command: ArticleCommand, argv: string[], io: Io): Promise<number> {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true });
  } catch (failure) {
    throw new RemoteUsageError((failure as Error).message);
  }
  const { values, positionals } = parsed;
  const foreign = (Object.keys(values) as (keyof typeof OPTIONS)[]).filter(
    (flag) => !(flag in TARGET_OPTIONS) && !TAKES[command].includes(flag),
  );
  if (foreign.length > 0) throw new RemoteUsageError(`${command} does not take --${foreign[0]}`);
  const tty = Boolean(io.stdout.isTTY);
  const format = values.format ?? (tty ? (command === 'get' ? 'text' : 'table') : 'json');
  const formats = command === 'get' ? ['json', 'text', 'md'] : ['json', 'table'];
  if (!formats.includes(format)) throw new RemoteUsageError(`--format must be ${formats.join(', ')}, not "${format}"`);
  // Human formats show server text escaped (terminal.ts); JSON lines escape it as JSON.
  const out = (text: string) => io.stdout.write(`${text}\n`);
  const note = (text: string) => io.stderr.write(`${escapeControls(text)}\n`);
  const paint = painter(io);

  if (command === 'upload') return upload(positionals, values, io);
  if (command === 'list') {
    if (positionals.length > 0) throw new RemoteUsageError('list takes no ids: filter with --status');
    const status = values.status?.toUpperCase();
    if (status !== undefined && !STATUSES.includes(status as Status)) {
      throw new RemoteUsageError(`--status must be one of ${STATUSES.join(', ')}, not "${values.status}"`);
    }
    const limit = intFlag('limit', values.limit, 1, 100, 20);
    const target = await apiTarget(values, io.env);
    const items: ArticleListItem[] = [];
    let cursor: string | null = null;
    do {
      const query: URLSearchParams = new URLSearchParams({
        limit: String(limit),
        ...(status ? { status } : {}),
        ...(cursor ? { cursor } : {}),
      });
      type Page = { items: ArticleListItem[]; nextCursor: string | null };
      const page: Page | null = await callOrReport(() => callApi<Page>(target, 'GET', `/articles?${query}`), note);
      if (!page) return 1;
      if (format === 'json') for (const item of page.items) out(jsonLine(item));
      items.push(...page.items);
      cursor = values.all ? page.nextCursor : null;
    } while (cursor);
    if (format === 'table') {
      if (items.length === 0) note(`No articles${status ? ` in ${status}` : ''}.`);
      else {
        out(
          await table(
            ['id', 'status', 'lang', 'received', 'title'],
            terminalSafe(items).map((a) => [
              a.id,
              paint.status(a.status),
              a.language ?? '–',
              a.receivedAt.slice(0, 16).replace('T', ' '),
              cut(a.title ?? a.sourceKey, 60),
            ]),
          ),
        );
      }
    }
    return 0;
  }

  // get and claims: one article each.
  if (positionals.length !== 1) throw new RemoteUsageError(`${command} takes one article id`);
  const id = positionals[0] as string;
  if (!ARTICLE_ID.test(id))
    throw new RemoteUsageError(`"${cut(id, 40)}" is not an article id (24 hex digits; see precis list)`);
  const target = await apiTarget(values, io.env);
  const path = `/articles/${id}`;

  if (command === 'claims') {
    const answer = await callOrReport(() => callApi<ClaimList>(target, 'GET', `${path}/claims`), note);
    if (!answer) return 1;
    if (answer.previous) note(previousRun(id, answer.previous));
    if (format === 'json') for (const claim of answer.claims) out(jsonLine(claim));
    else if (answer.claims.length === 0) note('No claims.');
    else {
      out(
        await table(
          ['#', 'kind', 'worth', 'speaker', 'found', 'claim'],
          terminalSafe(answer.claims).map((c, i) => [
            String(i + 1),
            c.kind,
            c.checkworthiness.toFixed(2),
            cut(c.speaker ?? '–', 24),
            c.grounded ? paint.ok('✓') : c.start === null ? '✗' : '~',
            cut(c.text, 70),
          ]),
        ),
      );
      io.stderr.write(
        `${paint.dim('found: ✓ the evidence is in the text and supports the claim, ~ found but not all of it, ✗ not found.')}\n`,
      );
    }
    return 0;
  }

  // get
  const lang = values.lang?.toLowerCase();
  if (lang !== undefined && !LANGUAGE_CODE.test(lang)) {
    throw new RemoteUsageError(`--lang must be a language code such as ar or pt-br, not "${values.lang}"`);
  }
  const fetched = await callOrReport(() => callApi<ArticleRecord>(target, 'GET', path), note);
  if (!fetched) return 1;
  let article = fetched;
  let view: SummaryView | null = null;
  // A reprocess under way took the analysis off the record: the API serves the previous run's meanwhile.
  const reprocessing = !article.summary && article.reprocess?.previousKey && !isTerminal(article.status);
  if (reprocessing && !lang && format !== 'json') {
    const previous = await previousAnalysis(target, path, note);
    if (previous) [article, view] = [{ ...article, claims: previous.claims }, previous.view];
  }
  if (lang) {
    try {
      view = await callApi<SummaryView>(target, 'GET', `${path}/summary?lang=${encodeURIComponent(lang)}`);
    } catch (error) {
      if (!(error instanceof ApiCallError)) throw error;
      note(`precis: ${error.code}: ${error.message}`);
      if (error.code === 'TRANSLATION_NOT_FOUND') note(translationHelp(article, lang));
      const waiting = error.code === 'NOT_ANALYSED' ? waitingFor(article) : null;
      if (waiting) note(waiting);
      return 1;
    }
    // The offline engine's "unavailable": the answer says why, this what to do.
    if (!view.original && view.status === 'unavailable') note(translationHelp(article, lang));
  }
  if (format === 'json') {
    out(jsonLine(view ?? article));
    // The record says it too (status, batch); this says it to whoever reads the terminal.
    const waiting = view?.previous
      ? previousRun(id, view.previous)
      : waitingFor(article, { reprocessing: Boolean(reprocessing) });
    if (waiting) note(waiting);
    if (reprocessing && !view) {
      // Asked, not assumed: a copy past its retention, or unreadable, is served by no one (a 409 saying why).
      const refused = await previousRefused(target, path);
      note(
        refused
          ? `The previous run's analysis is not served: ${refused.code}: ${refused.message}`
          : `Meanwhile the API serves the previous run's analysis, marked "previous": precis get ${id} --lang ${article.language ?? 'LANG'}, precis claims ${id}.`,
      );
    }
    return 0;
  }
  out((format === 'md' ? markdown : text)(terminalSafe(article), terminalSafe(view), paint));
  return 0;
}

type Paint = ReturnType<typeof painter>;

type ClaimList = { claims: Claim[] } & Partial<PreviousRun>;

/**
 * The previous run's summary (in the article's language) and claims, which
 * the API serves while a reprocess is under way; null when it has none to
 * serve (a 409: its copy is past its retention), or could not be read (said
 * on stderr).
 */
async function previousAnalysis(
  target: ApiTarget,
  path: string,
  note: (text: string) => void,
): Promise<{ view: SummaryView; claims: Claim[] } | null> {
  try {
    const [view, list] = await Promise.all([
      callApi<SummaryView>(target, 'GET', `${path}/summary`),
      callApi<ClaimList>(target, 'GET', `${path}/claims`),
    ]);
    return { view, claims: list.claims };
  } catch (error) {
    if (!(error instanceof ApiCallError)) throw error;
    if (error.status !== 409) note(`precis: ${error.code}: ${error.message}`);
    return null;
  }
}

/**
 * The API's answer when it serves no previous run's summary, else null: a
 * 409 when its copy is gone or unreadable, a 503 when storage could not be
 * reached (the record is printed by then: said, not thrown).
 */
async function previousRefused(target: ApiTarget, path: string): Promise<ApiCallError | null> {
  try {
    await callApi<SummaryView>(target, 'GET', `${path}/summary`);
    return null;
  } catch (error) {
    if (error instanceof ApiCallError) return error;
    throw error;
  }
}

/** What is said over an analysis a reprocess under way is replacing. */
function previousRun(id: string, previous: PreviousRun['previous']): string {
  const asked = previous.reprocessRequestedAt.slice(0, 16).replace('T', ' ');
  return `The previous run's analysis: the article is being reprocessed (asked for ${asked} UTC) and is ${previous.status}; precis get ${id} shows the new one once the run ends.`;
}

/** What the summary to show is: the original, a translation, or why there is none. */
function summaryOf(article: ArticleRecord, view: SummaryView | null) {
  if (view && !view.original && view.status !== 'done') return { missing: `No ${view.lang} summary: ${view.reason}` };
  // The view, when there is one: while a reprocess runs, the record has no summary, and the view the previous run's.
  const source = view && view.status === 'done' ? view : article.summary;
  return source
    ? { headline: source.headline, short: source.short, bullets: source.bullets }
    : {
        missing:
          waitingFor(article) ??
          `No summary: the article is ${article.status}${article.error ? ` (${article.error.code}: ${article.error.message})` : ''}.`,
      };
}

function facts(article: ArticleRecord): string[] {
  return [
    article.site,
    article.byline,
    article.publishedAt?.slice(0, 10),
    article.language,
    article.status,
    article.provenance
      ? `${article.provenance.engine}${article.provenance.model ? ` (${article.provenance.model})` : ''}${article.provenance.stub ? ' on the stub LLM' : ''}`
      : null,
    cost(article),
  ].filter((f): f is string => Boolean(f));
}

function cost(article: ArticleRecord): string | null {
  const stages = Object.values(article.usage ?? {});
  if (stages.length === 0) return null;
  if (stages.some((s) => s.costUsd === null)) return 'cost unknown';
  const usd = stages.reduce((sum, s) => sum + (s.costUsd ?? 0), 0);
  // The stand-in's answers cost nothing: said so, rather than as a price of $0.
  if (usd === 0 && article.provenance?.stub) return 'nothing billed (the stand-in LLM answered)';
  return `$${usd.toFixed(4)}`;
}

function text(article: ArticleRecord, view: SummaryView | null, paint: Paint): string {
  const summary = summaryOf(article, view);
  const rtl = /^(ar|fa|he|ur|ps|ckb|yi)(-|$)/.test(view?.lang ?? article.language ?? '');
  const lines = [paint.bold(article.title ?? article.sourceKey), paint.dim(facts(article).join(' · '))];
  if ('missing' in summary) lines.push('', summary.missing ?? '');
  else {
    // A right-to-left summary is marked so, for terminals that lay it out by the Unicode bidi rules.
    const mark = rtl ? '\u200f' : '';
    const stub = view && !view.original ? stubNotice(article) : null;
    if (view?.previous) lines.push('', paint.warn(previousRun(article.id, view.previous)));
    if (stub) lines.push('', paint.warn(stub));
    lines.push(
      '',
      paint.bold(`${mark}${summary.headline}`),
      `${mark}${summary.short}`,
      '',
      ...summary.bullets.map((b) => `${mark}• ${b}`),
    );
  }
  const claims = article.claims ?? [];
  if (claims.length > 0) lines.push('', paint.dim(`${claims.length} claims: precis claims ${article.id}`));
  return lines.join('\n');
}

function markdown(article: ArticleRecord, view: SummaryView | null): string {
  const summary = summaryOf(article, view);
  const lines = [`# ${article.title ?? article.sourceKey}`, '', `_${facts(article).join(' · ')}_`, ''];
  if ('missing' in summary) lines.push(summary.missing ?? '');
  else {
    if (view?.previous) lines.push(`> **${previousRun(article.id, view.previous)}**`, '');
    if (view && !view.original && article.provenance?.stub) lines.push(`> **${STUB_TRANSLATION}**`, '');
    lines.push(`## ${summary.headline}`, '', summary.short, '', ...summary.bullets.map((b) => `- ${b}`));
  }
  const claims = article.claims ?? [];
  if (claims.length > 0) {
    lines.push('', '## Claims', '');
    for (const c of claims) {
      const who = c.speaker ? ` (${c.speaker})` : '';
      lines.push(
        `- **${c.kind}**, check-worthiness ${c.checkworthiness.toFixed(2)}${who}: ${c.text}${c.grounded ? '' : ' _(evidence not found in the text)_'}`,
      );
    }
  }
  return lines.join('\n');
}

/**
 * `precis upload FILE|FOLDER... [--wait]`: each file through a presigned
 * PUT, one line per file ({file, id, key} or {file, error}); with --wait,
 * one line per file when it ends ({file, id, status, error?}) and a
 * progress bar on a terminal. Exit 1 when any upload failed or ended FAILED.
 */
async function upload(
  paths: string[],
  values: { wait?: boolean; timeout?: string } & Parameters<typeof apiTarget>[0],
  io: Io,
): Promise<number> {
  if (paths.length === 0) throw new RemoteUsageError('upload needs at least one FILE or FOLDER');
  const timeoutS = intFlag('timeout', values.timeout, 1, 86_400, 600);
  const files = expand(paths);
  if (files.length === 0) {
    throw new RemoteUsageError(`${paths.join(', ')} holds no article file (.html, .htm, .txt, .md, .json)`);
  }
  const target = await apiTarget(values, io.env);
  const line = (value: object) => io.stdout.write(`${jsonLine(value)}\n`);
  const note = (text: string) => io.stderr.write(`${escapeControls(text)}\n`);
  const bar =
    io.stderr.isTTY && (files.length > 1 || values.wait)
      ? new (await import('cli-progress')).SingleBar({
          format: 'precis {phase} {bar} {value}/{total} {file}',
          stream: io.stderr,
          clearOnComplete: true,
        })
      : null;
  let failed = 0;
  const sent: { file: string; id: string }[] = [];
  bar?.start(files.length, 0, { phase: 'uploading', file: '' });
  for (const { file, unreadable } of files) {
    bar?.update({ file: escapeControls(basename(file)) });
    // The API is asked with the file's size before the file is read: one past its limit is refused unread.
    let size: number | null = null;
    let reason = unreadable;
    if (!reason) {
      try {
        size = statSync(file).size;
      } catch (error) {
        reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      }
    }
    if (size === null) {
      failed++;
      line(readError(file, reason ?? 'unreadable'));
      bar?.increment();
      continue;
    }
    try {
      if (size === 0) throw new ApiCallError('EMPTY_OBJECT', 'The file is empty (0 bytes).', null);
      const contentType = CONTENT_TYPES[formatFromName(file) ?? 'text'];
      const ticket = await callApi<UploadTicket>(target, 'POST', '/articles', {
        filename: basename(file),
        contentType,
        size,
      });
      let bytes: Buffer;
      try {
        bytes = readFileSync(file);
      } catch (error) {
        failed++;
        line(readError(file, (error as NodeJS.ErrnoException).code ?? 'unreadable'));
        bar?.increment();
        continue;
      }
      if (ticket.upload) {
        const put = await fetch(ticket.upload.url, {
          method: 'PUT',
          headers: ticket.upload.headers,
          body: bytes,
        }).catch((error: Error) => {
          throw new ApiCallError('UPLOAD_FAILED', `The upload could not be sent: ${error.message}`, null);
        });
        if (!put.ok)
          throw new ApiCallError('UPLOAD_FAILED', `The bucket refused the upload (HTTP ${put.status}).`, put.status);
      }
      sent.push({ file, id: ticket.id });
      if (!values.wait) line({ file, id: ticket.id, key: ticket.key });
    } catch (error) {
      if (!(error instanceof ApiCallError)) throw error;
      failed++;
      if (error.status === 403 || error.code === 'API_UNREACHABLE') {
        bar?.stop();
        note(`precis: ${error.code}: ${error.message}`);
        return 1;
      }
      line({ file, error: { code: error.code, message: error.message } });
    }
    bar?.increment();
  }
  if (!values.wait) {
    bar?.stop();
    return failed > 0 ? 1 : 0;
  }

  // --wait: poll each article until it ends; an id answers 404 until the cleaner has seen its upload.
  bar?.start(sent.length, 0, { phase: 'processing', file: '' });
  const pending = new Map(sent.map((s) => [s.id, s.file]));
  const deadline = Date.now() + timeoutS * 1000;
  while (pending.size > 0 && Date.now() < deadline) {
    for (const [id, file] of pending) {
      const article = await callApi<ArticleRecord>(target, 'GET', `/articles/${id}`).catch((error: unknown) => {
        if (error instanceof ApiCallError && error.status === 404) return null;
        throw error;
      });
      if (!article || !isTerminal(article.status)) continue;
      pending.delete(id);
      bar?.increment({ file: escapeControls(basename(file)) });
      if (article.status === 'FAILED') failed++;
      line({
        file,
        id,
        status: article.status,
        ...(article.error ? { error: { code: article.error.code, message: article.error.message } } : {}),
      });
    }
    if (pending.size > 0) await new Promise((r) => setTimeout(r, 500));
  }
  bar?.stop();
  for (const [id, file] of pending) {
    failed++;
    line({
      file,
      id,
      error: { code: 'WAIT_TIMEOUT', message: `Not finished after ${timeoutS} s; precis get ${id} shows it later.` },
    });
  }
  return failed > 0 ? 1 : 0;
}

export type { ApiTarget };
