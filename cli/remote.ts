/**
 * The `precis` commands that act on a running stack through its HTTP API:
 * the local one (`npm start`) by default, or a deployed one by URL and key.
 */
import { parseArgs } from 'node:util';
import * as z from 'zod';
import type { BulkReport, RedriveReport, Reprocessed } from '../shared/usecases/reprocess.js';
import { ApiCallError, apiTarget, callApi, callOrReport, TARGET_OPTIONS } from './client.js';
import type { Io } from './main.js';
import { escapeControls, jsonLine } from './terminal.js';
import { RemoteUsageError } from './usage.js';

const OPTIONS = {
  translations: { type: 'boolean' },
  batch: { type: 'boolean' },
  status: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  engine: { type: 'string' },
  'dry-run': { type: 'boolean' },
  ...TARGET_OPTIONS,
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

/** Runs `precis reprocess …` or `precis redrive …`; returns the exit status. */
export async function remoteMain(command: 'reprocess' | 'redrive', argv: string[], io: Io): Promise<number> {
  const line = (value: object) => io.stdout.write(`${jsonLine(value)}\n`);
  const note = (text: string) => io.stderr.write(`${escapeControls(text)}\n`);
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
    if (ids.length > 0 || values.status || values.translations || values.batch || bulkOnly.length > 0) {
      throw new RemoteUsageError('redrive takes only --api, --key, --token, --iam, --stack and --region');
    }
    const target = await apiTarget(values, io.env);
    const total: Omit<RedriveReport, 'more'> = { messages: 0, reprocessed: [], resent: 0, finished: [], failed: [] };
    for (;;) {
      const report = await callOrReport(
        () => callApi<RedriveReport>(target, 'POST', '/dead-letters/redrive', {}),
        note,
      );
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
    if (since.data && until.data && since.data >= until.data) {
      throw new RemoteUsageError(`--until (${values.until}) must be later than --since (${values.since})`);
    }
    const target = await apiTarget(values, io.env);
    const dryRun = Boolean(values['dry-run']);
    let cursor: string | undefined;
    let taken = 0;
    let skipped = 0;
    do {
      const report = await callOrReport(
        () =>
          callApi<BulkReport>(target, 'POST', '/articles/reprocess', {
            status,
            scope,
            dryRun,
            ...(values.batch ? { batch: true } : {}),
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
  const target = await apiTarget(values, io.env);
  let failed = 0;
  for (const id of new Set(ids)) {
    try {
      const body = { scope, ...(values.batch ? { batch: true } : {}) };
      line(await callApi<Reprocessed>(target, 'POST', `/articles/${encodeURIComponent(id)}/reprocess`, body));
    } catch (error) {
      if (!(error instanceof ApiCallError)) throw error;
      if (error.status === null || error.status === 403) {
        note(`precis: ${error.code}: ${error.message}`);
        return 1;
      }
      failed++;
      line({ articleId: id, error: { code: error.code, message: error.message } });
    }
  }
  return failed > 0 ? 1 : 0;
}
