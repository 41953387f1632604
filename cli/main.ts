/**
 * The `precis` command: the pipeline's use cases on local files, with no
 * stack and no AWS. One JSON object per input file on stdout, one per line.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatFromName } from '../shared/cleaning/formats/names.js';
import { type ERROR_CODES, PrecisError, toErrorInfo, tooLargeMessage } from '../shared/errors.js';
import type { Cleaner } from '../shared/ports.js';
import { escapeControls, jsonLine } from './terminal.js';
import { RemoteUsageError, USAGE, UsageError, usageMessage } from './usage.js';

// Everything else is imported by the command that needs it: `precis --help` loads no model, no SDK and no zod.

/**
 * The files a list of paths stands for: files as given, folders by their
 * article files; a file named twice (or inside a folder also given) once.
 * A path that is neither (a device such as /dev/zero, a named pipe, a
 * socket) is unreadable: its size says nothing of how much it would give,
 * and a read of it may never end.
 */
export function expand(paths: string[]): { file: string; unreadable?: string }[] {
  const out: { file: string; unreadable?: string }[] = [];
  const seen = new Set<string>();
  const add = (file: string, unreadable?: string) => {
    const key = resolve(file);
    if (seen.has(key)) return;
    seen.add(key);
    out.push(unreadable ? { file, unreadable } : { file });
  };
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && formatFromName(entry.name)) add(path);
    }
  };
  for (const path of paths) {
    try {
      const stat = statSync(path);
      if (stat.isDirectory()) walk(path);
      else if (stat.isFile()) add(path);
      else add(path, NOT_A_FILE);
    } catch (error) {
      add(path, (error as NodeJS.ErrnoException).code ?? 'unreadable');
    }
  }
  return out;
}

/** Why expand() will not read a path that is neither a file nor a folder. */
const NOT_A_FILE = 'not a file';

/** The line for a file that could not be read, with FILE_UNREADABLE and why in a sentence. */
export function readError(file: string, reason: string) {
  const message =
    reason === 'ENOENT'
      ? 'No such file.'
      : reason === 'EACCES'
        ? 'Permission denied.'
        : reason === NOT_A_FILE
          ? 'Not a file or a folder (a device, a named pipe or a socket): precis reads files.'
          : `Cannot read: ${reason}.`;
  return { file, error: { code: 'FILE_UNREADABLE' satisfies keyof typeof ERROR_CODES, message } };
}

/** `analyze`'s engine from the configuration, and the use case that runs it on one file. */
async function analyzer(config: import('../shared/config.js').CliConfig, cleaner: Cleaner) {
  const [{ buildAnalysisEngine }, { MemoryAnalysisCache }, { analyzeDocument }] = await Promise.all([
    import('../lambdas/analyze/deps.js'),
    import('../shared/analysis/cache.js'),
    import('../shared/usecases/analyze-document.js'),
  ]);
  const engine = buildAnalysisEngine(config, { cache: new MemoryAnalysisCache() });
  return (bytes: Buffer, name: string, languages: string[] | undefined) =>
    analyzeDocument(bytes, {
      name,
      engine,
      targetLanguages: config.TARGET_LANGUAGES,
      languages,
      maxWords: config.PRECIS_MAX_WORDS,
      maxBytes: config.PRECIS_MAX_OBJECT_BYTES,
      cleaner,
    });
}

/**
 * What cleans the files: the ingest function's cleaner, one worker thread
 * with its heap cap (CLEANER_HEAP_MB) and the function's budget per file, so
 * that a hostile file stops its worker (TOO_COMPLEX, STAGE_TIMEOUT) and the
 * command goes on to the next, as the stack does with an upload.
 */
async function boundedCleaner(): Promise<Cleaner> {
  const { CLEANER_HEAP_MB, WorkerCleaner } = await import('../lambdas/ingest/worker-cleaner.js');
  return new WorkerCleaner({ workers: 1, heapMb: CLEANER_HEAP_MB });
}

/** Where the command reads and writes: the process's own, or a test's. */
export interface Io {
  env: Record<string, string | undefined>;
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** What `precis verify` reads. */
  stdin?: AsyncIterable<string | Buffer>;
}

const processIo: Io = { env: process.env, stdout: process.stdout, stderr: process.stderr, stdin: process.stdin };

/**
 * `precis verify`: JSON lines `{article, summary}` on stdin, one verdict per
 * line on stdout, `{supported, unsupported: [{text, reason}]}` or an error.
 * Exit 0 when every line was read, 1 when some was not.
 */
async function verifyLines(io: Io): Promise<number> {
  const { verifySummary } = await import('../shared/analysis/checks/verify.js');
  let buffered = '';
  let bad = 0;
  const handle = (line: string) => {
    if (line.trim() === '') return;
    let out: object;
    try {
      // `null` is JSON too: a line must be an object before its fields are read.
      const row = (JSON.parse(line) ?? {}) as { article?: unknown; summary?: unknown };
      if (typeof row.article !== 'string' || typeof row.summary !== 'string') {
        throw new Error('each line needs "article" and "summary" strings');
      }
      // Against no text every sentence without a content word would pass: there is nothing to verify against.
      if (!/[\p{L}\p{N}]/u.test(row.article)) {
        throw new PrecisError(
          'NO_ARTICLE_TEXT',
          'The article is empty: there is nothing to verify the summary against.',
        );
      }
      // A summary with no sentence has nothing that could be unsupported: "supported" would be a verdict on nothing.
      if (!/[\p{L}\p{N}]/u.test(row.summary)) {
        throw new PrecisError(
          'INVALID_PARAMETER',
          'The summary is empty: an empty summary supports nothing, so there is nothing to verify.',
        );
      }
      out = verifySummary(row.article, row.summary);
    } catch (failure) {
      bad++;
      out = { error: verifyError(failure) };
    }
    io.stdout.write(`${jsonLine(out)}\n`);
  };
  for await (const chunk of io.stdin ?? []) {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) handle(line);
  }
  handle(buffered);
  return bad > 0 ? 1 : 0;
}

/** The error line of a verify line that could not be checked: not JSON, not the fields it needs, no article text or no summary. */
function verifyError(failure: unknown): { code: keyof typeof ERROR_CODES; message: string } {
  if (failure instanceof PrecisError) return { code: failure.code, message: failure.message };
  const message = failure instanceof SyntaxError ? 'The line is not JSON.' : `${(failure as Error).message}.`;
  return { code: 'INVALID_JSON', message };
}

const OPTIONS = {
  offline: { type: 'boolean' },
  languages: { type: 'string' },
  target: { type: 'string' },
  'max-bytes': { type: 'string' },
  all: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  // Messages echo file names, flags and servers' words: shown escaped (terminal.ts).
  const error = (text: string) => io.stderr.write(`${escapeControls(text)}\n`);
  // The commands on a running stack take their own options.
  const at = argv.findIndex((arg) => !arg.startsWith('-'));
  const remote = argv[at];
  const articles = ['upload', 'get', 'list', 'claims'] as const;
  const isArticles = (name: string | undefined): name is (typeof articles)[number] =>
    articles.includes(name as (typeof articles)[number]);
  // `claims --all FILE…` scores the sentences of local files; `claims ID` reads an article's claims.
  const localClaims = remote === 'claims' && argv.includes('--all');
  if (
    !localClaims &&
    (remote === 'reprocess' || remote === 'redrive' || isArticles(remote)) &&
    !argv.includes('--help') &&
    !argv.includes('-h')
  ) {
    try {
      if (isArticles(remote)) {
        const { articlesMain } = await import('./articles.js');
        return await articlesMain(remote, argv.toSpliced(at, 1), io);
      }
      const { remoteMain } = await import('./remote.js');
      return await remoteMain(remote, argv.toSpliced(at, 1), io);
    } catch (failure) {
      const { ApiCallError } = await import('./client.js');
      if (failure instanceof ApiCallError) {
        error(`precis: ${failure.code}: ${failure.message}`);
        return 1;
      }
      if (!(failure instanceof RemoteUsageError)) throw failure;
      error(usageMessage(failure.message, remote));
      return 2;
    }
  }
  if (remote === 'models' && !argv.includes('--help') && !argv.includes('-h')) {
    try {
      const { modelsMain } = await import('./models.js');
      return await modelsMain(argv.toSpliced(at, 1), io);
    } catch (failure) {
      if (!(failure instanceof UsageError) && (failure as Error).name !== 'ConfigError') throw failure;
      error(`precis: ${(failure as Error).message}\n(precis --help shows every option.)`);
      return 2;
    }
  }
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true });
  } catch (failure) {
    error(usageMessage((failure as Error).message, remote));
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...paths] = positionals;
  if (values.help) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!command) {
    error(usageMessage('no command given', undefined));
    return 2;
  }

  try {
    if (command === 'verify') {
      if (paths.length > 0) throw new UsageError('verify reads JSON lines on stdin and takes no file');
      return await verifyLines(io);
    }
    if (command !== 'clean' && command !== 'analyze' && command !== 'claims') {
      throw new UsageError(`unknown command "${command}"`);
    }
    if (values.all && command !== 'claims') throw new UsageError('--all goes with claims (claims --all FILE…)');
    if (paths.length === 0) throw new UsageError(`${command} needs at least one FILE or FOLDER`);
    const { cliConfig } = await import('./config.js');
    const config = cliConfig(io.env, values);
    const maxBytes = config.PRECIS_MAX_OBJECT_BYTES;
    const languages = config.PRECIS_LANGUAGES.length > 0 ? config.PRECIS_LANGUAGES : undefined;
    const cleaner = await boundedCleaner();
    const { cleanRequest } = await import('../shared/usecases/analyze-document.js');
    // Only analyze needs an engine (and its configuration checked): clean and claims --all do not.
    const analyze = command === 'analyze' ? await analyzer(config, cleaner) : null;
    const { scoreSentences } =
      command === 'claims' ? await import('../shared/analysis/claims.js') : { scoreSentences: null };

    const files = expand(paths);
    if (files.length === 0) {
      throw new UsageError(`${paths.join(', ')} holds no article file (.html, .htm, .txt, .md, .json)`);
    }
    const bar =
      io.stderr.isTTY && files.length > 1
        ? new (await import('cli-progress')).SingleBar({
            format: 'precis {bar} {value}/{total} {file}',
            stream: io.stderr,
            clearOnComplete: true,
          })
        : null;
    bar?.start(files.length, 0, { file: '' });
    let unreadable = 0;
    try {
      for (const { file, unreadable: reason } of files) {
        bar?.update({ file: escapeControls(file) });
        let line: object;
        let bytes: Buffer | null = null;
        if (reason) {
          line = readError(file, reason);
        } else {
          try {
            const size = statSync(file).size;
            bytes = size > maxBytes ? null : readFileSync(file);
            if (!bytes) line = { file, error: { code: 'TOO_LARGE', message: tooLargeMessage(size, maxBytes) } };
            else line = { file };
          } catch (error) {
            line = readError(file, (error as NodeJS.ErrnoException).code ?? 'unreadable');
          }
        }
        if ('error' in line && (line.error as { code: string }).code === 'FILE_UNREADABLE') unreadable++;
        if (bytes) {
          try {
            if (analyze) {
              line = { file, ...(await analyze(bytes, file, languages)) };
            } else {
              const request = cleanRequest({
                name: file,
                languages,
                maxWords: config.PRECIS_MAX_WORDS,
                maxBytes: config.PRECIS_MAX_OBJECT_BYTES,
              });
              const cleaned = await cleaner.clean(bytes, request);
              if (scoreSentences) {
                // One line per sentence, in the text's order: offsets count in the cleaned text (`clean` prints it).
                for (const sentence of scoreSentences(cleaned.text, cleaned.language)) {
                  io.stdout.write(`${jsonLine({ file, language: cleaned.language, ...sentence })}\n`);
                }
                bar?.increment();
                continue;
              }
              line = { file, ...cleaned };
            }
          } catch (failure) {
            if (!(failure instanceof PrecisError)) error(`precis: ${file}: ${(failure as Error).stack}`);
            line = { file, error: toErrorInfo(failure) };
          }
        }
        bar?.increment();
        io.stdout.write(`${jsonLine(line)}\n`);
      }
    } finally {
      // Its worker, if one started: a command run in a test's process leaves no thread behind.
      await cleaner.close();
    }
    bar?.stop();
    if (unreadable > 0) error(`precis: ${unreadable} of ${files.length} files could not be read.`);
    return unreadable > 0 ? 1 : 0;
  } catch (failure) {
    // ConfigError by name: its module is loaded only by the commands that read configuration.
    if (failure instanceof UsageError) {
      error(usageMessage(failure.message, command));
      return 2;
    }
    // A flag's or a variable's value: the message names it; the whole usage would bury it.
    if ((failure as Error).name === 'ConfigError') {
      error(`precis: ${(failure as Error).message}\n(precis --help shows every option.)`);
      return 2;
    }
    throw failure;
  }
}
