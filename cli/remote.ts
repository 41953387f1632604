/**
 * The `precis` commands that act on a running stack through its HTTP API:
 * the local one (`npm start`) by default, or a deployed one by URL and key.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as z from 'zod';
import type { BulkReport, RedriveReport, Reprocessed } from '../shared/usecases/reprocess.js';
import type { Io } from './main.js';
import { RemoteUsageError } from './usage.js';

const OPTIONS = {
  translations: { type: 'boolean' },
  status: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  engine: { type: 'string' },
  'dry-run': { type: 'boolean' },
  api: { type: 'string' },
  key: { type: 'string' },
} as const;

/** A date or an instant, as ISO 8601; a date alone is its midnight UTC. */
const instant = z
  .string()
  .transform((value, ctx) => {
    const time = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
    if (Number.isNaN(time)) {
      ctx.addIssue({ code: 'custom', message: `"${value}" is not a date or time (ISO 8601, e.g. 2026-11-01)` });
      return z.NEVER;
    }
    return new Date(time).toISOString();
  })
  .optional();

/** Where the API is and its key: flags, then the environment, then the local stack's own. */
export function apiTarget(values: { api?: string; key?: string }, env: Io['env']): { url: string; key: string } {
  const url = (values.api ?? env.PRECIS_API_URL ?? `http://127.0.0.1:${env.PRECIS_API_PORT || 3000}`).replace(
    /\/+$/,
    '',
  );
  if (!/^https?:\/\//.test(url)) throw new RemoteUsageError(`--api must be an http(s) URL, not "${url}"`);
  let key = values.key ?? env.PRECIS_API_KEY;
  if (!key) {
    const kept = join(env.PRECIS_DATA_DIR || '.precis', 'api-key');
    if (!existsSync(kept)) {
      throw new RemoteUsageError(
        `no API key: give --key or PRECIS_API_KEY (the local stack keeps its key in ${kept} once it has started)`,
      );
    }
    key = readFileSync(kept, 'utf8').trim();
  }
  return { url, key };
}

/** A call that did not get a 2xx: the problem document's code and detail, or what went wrong on the way. */
export class ApiCallError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number | null,
  ) {
    super(message);
  }
}

/** POSTs JSON to the API and reads the JSON answer; a problem document becomes an ApiCallError. */
export async function postJson<T>(target: { url: string; key: string }, path: string, body: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${target.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': target.key },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(60_000),
    });
  } catch (error) {
    const reason = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new ApiCallError(
      'API_UNREACHABLE',
      `The API at ${target.url} could not be reached (${reason}). Is the stack running (npm start)?`,
      null,
    );
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (response.ok && parsed !== undefined) return parsed as T;
  if (response.status === 403) {
    throw new ApiCallError(
      'FORBIDDEN',
      `The API at ${target.url} refused the key: check --key or PRECIS_API_KEY.`,
      403,
    );
  }
  const problem = (parsed ?? {}) as { code?: string; detail?: string; title?: string };
  const code = problem.code ?? `HTTP_${response.status}`;
  throw new ApiCallError(code, problem.detail ?? problem.title ?? `HTTP ${response.status}`, response.status);
}

/** Runs `precis reprocess …` or `precis redrive …`; returns the exit status. */
export async function remoteMain(command: 'reprocess' | 'redrive', argv: string[], io: Io): Promise<number> {
  const line = (value: object) => io.stdout.write(`${JSON.stringify(value)}\n`);
  const note = (text: string) => io.stderr.write(`${text}\n`);
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true });
  } catch (failure) {
    throw new RemoteUsageError((failure as Error).message);
  }
  const { values, positionals: ids } = parsed;
  const scope = values.translations ? 'translations' : 'all';
  const bulkOnly = (['since', 'until', 'engine', 'dry-run'] as const).filter((flag) => values[flag] !== undefined);

  if (command === 'redrive') {
    if (ids.length > 0 || values.status || values.translations || bulkOnly.length > 0) {
      throw new RemoteUsageError('redrive takes only --api and --key');
    }
    const target = apiTarget(values, io.env);
    const total: Omit<RedriveReport, 'more'> = { messages: 0, reprocessed: [], resent: 0, finished: [], failed: [] };
    for (;;) {
      const report = await callOrReport(() => postJson<RedriveReport>(target, '/dead-letters/redrive', {}), note);
      if (!report) return 1;
      total.messages += report.messages;
      total.reprocessed.push(...report.reprocessed);
      total.resent += report.resent;
      total.finished.push(...report.finished);
      total.failed.push(...report.failed);
      if (!report.more) break;
      note(`precis: ${total.messages} dead letters so far…`);
    }
    line(total);
    return total.failed.length > 0 ? 1 : 0;
  }

  if (values.status !== undefined) {
    if (ids.length > 0) throw new RemoteUsageError('give article ids or --status, not both');
    const status = values.status.toUpperCase();
    if (!['DONE', 'PARTIAL', 'FAILED'].includes(status)) {
      throw new RemoteUsageError(`--status must be DONE, PARTIAL or FAILED, not "${values.status}"`);
    }
    const since = instant.safeParse(values.since);
    const until = instant.safeParse(values.until);
    if (!since.success) throw new RemoteUsageError(`--since: ${since.error.issues[0]?.message}`);
    if (!until.success) throw new RemoteUsageError(`--until: ${until.error.issues[0]?.message}`);
    const target = apiTarget(values, io.env);
    const dryRun = Boolean(values['dry-run']);
    let cursor: string | undefined;
    let taken = 0;
    let skipped = 0;
    do {
      const report = await callOrReport(
        () =>
          postJson<BulkReport>(target, '/articles/reprocess', {
            status,
            scope,
            dryRun,
            ...(since.data ? { receivedFrom: since.data } : {}),
            ...(until.data ? { receivedBefore: until.data } : {}),
            ...(values.engine ? { engine: values.engine } : {}),
            ...(cursor ? { cursor } : {}),
          }),
        note,
      );
      if (!report) return 1;
      for (const item of report.reprocessed) line(item);
      for (const { articleId, code, message } of report.skipped) line({ articleId, error: { code, message } });
      taken += report.reprocessed.length;
      skipped += report.skipped.length;
      cursor = report.nextCursor ?? undefined;
      if (cursor && io.stderr.isTTY) note(`precis: ${taken} ${dryRun ? 'to reprocess' : 'reprocessed'} so far…`);
    } while (cursor);
    note(`precis: ${taken} article(s) ${dryRun ? 'would be reprocessed' : 'reprocessed'}, ${skipped} skipped.`);
    return skipped > 0 ? 1 : 0;
  }

  if (bulkOnly.length > 0) throw new RemoteUsageError(`--${bulkOnly[0]} goes with --status`);
  if (ids.length === 0) throw new RemoteUsageError('reprocess needs article ids, or --status');
  const target = apiTarget(values, io.env);
  let failed = 0;
  for (const id of new Set(ids)) {
    try {
      line(await postJson<Reprocessed>(target, `/articles/${encodeURIComponent(id)}/reprocess`, { scope }));
    } catch (error) {
      if (!(error instanceof ApiCallError)) throw error;
      if (error.status === null || error.status === 403) {
        note(`precis: ${error.message}`);
        return 1;
      }
      failed++;
      line({ articleId: id, error: { code: error.code, message: error.message } });
    }
  }
  return failed > 0 ? 1 : 0;
}

/** The call's answer, or null after saying on stderr why it failed. */
async function callOrReport<T>(call: () => Promise<T>, note: (text: string) => void): Promise<T | null> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof ApiCallError)) throw error;
    note(`precis: ${error.code}: ${error.message}`);
    return null;
  }
}
