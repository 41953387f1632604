/**
 * The `precis` command: the pipeline's use cases on local files, with no
 * stack and no AWS. One JSON object per input file on stdout, one per line.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SingleBar } from 'cli-progress';
import { buildAnalysisEngine } from '../lambdas/analyze/deps.js';
import { MemoryAnalysisCache } from '../shared/analysis/cache.js';
import { verifySummary } from '../shared/analysis/checks/verify.js';
import { cleanDocument, formatFromName, loadLanguageModels } from '../shared/cleaning/index.js';
import { type CliConfig, ConfigError, cliEnvSchema, DEFAULT_MAX_OBJECT_BYTES, loadConfig } from '../shared/config.js';
import { type ERROR_CODES, PrecisError, toErrorInfo, tooLargeMessage } from '../shared/errors.js';
import { analyzeDocument } from '../shared/usecases/analyze-document.js';
import { REMOTE_USAGE, RemoteUsageError, remoteMain } from './remote.js';

const USAGE = `Usage:
  precis clean [options] FILE|FOLDER...     cleaned text and metadata of each file
  precis analyze [options] FILE|FOLDER...   the article record of each file: summary, claims, translations
  precis verify < pairs.jsonl               check summaries against their articles, no model needed:
                                            {"article": …, "summary": …} per line in, one verdict per line
                                            out, {"supported": …, "unsupported": [{"text": …, "reason": …}]}
${REMOTE_USAGE}

clean and analyze work on local files, with no stack:

Each input file gives one JSON object on stdout, one per line:
  {"file": …, …result}  or  {"file": …, "error": {"code": …, "message": …}}
A folder stands for the .html, .htm, .txt, .md and .json files in it and below it.
The exit status is 0 when every file was read, 1 when some could not be read, 2 on a usage error.

Options of clean and analyze:
  --offline              (analyze) use the offline engine even when an LLM is configured
  --target LANGS         (analyze) languages to translate into, e.g. ar,fr (default: $TARGET_LANGUAGES)
  --max-bytes N          refuse files larger than N bytes (default: $PRECIS_MAX_OBJECT_BYTES, else ${DEFAULT_MAX_OBJECT_BYTES})
  --languages LANGS      languages the detector chooses among, e.g. ar,ku,en (default: $PRECIS_LANGUAGES, else 24
                         common ones and Kurdish)
  -h, --help             this help

Every other setting (the LLM, its model, timeouts) is read from the environment, as the
analyze function reads it: see the README's configuration table.`;

class UsageError extends Error {}

/** The files a list of paths stands for: files as given, folders by their article files. */
function expand(paths: string[]): { file: string; unreadable?: string }[] {
  const out: { file: string; unreadable?: string }[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && formatFromName(entry.name)) out.push({ file: path });
    }
  };
  for (const path of paths) {
    try {
      if (statSync(path).isDirectory()) walk(path);
      else out.push({ file: path });
    } catch (error) {
      out.push({ file: path, unreadable: (error as NodeJS.ErrnoException).code ?? 'unreadable' });
    }
  }
  return out;
}

function readError(file: string, reason: string) {
  const message =
    reason === 'ENOENT' ? 'No such file.' : reason === 'EACCES' ? 'Permission denied.' : `Cannot read: ${reason}.`;
  return { file, error: { code: 'FILE_UNREADABLE' satisfies keyof typeof ERROR_CODES, message } };
}

/** The variable each flag stands for: a flag overrides it, and is checked by the same schema. */
const FLAG_VARIABLES = {
  offline: 'PRECIS_ENGINE',
  target: 'TARGET_LANGUAGES',
  languages: 'PRECIS_LANGUAGES',
  'max-bytes': 'PRECIS_MAX_OBJECT_BYTES',
} as const;

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
  let buffered = '';
  let bad = 0;
  const handle = (line: string) => {
    if (line.trim() === '') return;
    let out: object;
    try {
      const row = JSON.parse(line) as { article?: unknown; summary?: unknown };
      if (typeof row.article !== 'string' || typeof row.summary !== 'string') {
        throw new Error('each line needs "article" and "summary" strings');
      }
      out = verifySummary(row.article, row.summary);
    } catch (failure) {
      bad++;
      const message = failure instanceof SyntaxError ? 'The line is not JSON.' : `${(failure as Error).message}.`;
      out = { error: { code: 'INVALID_JSON' satisfies keyof typeof ERROR_CODES, message } };
    }
    io.stdout.write(`${JSON.stringify(out)}\n`);
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

const OPTIONS = {
  offline: { type: 'boolean' },
  languages: { type: 'string' },
  target: { type: 'string' },
  'max-bytes': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const error = (text: string) => io.stderr.write(`${text}\n`);
  // The commands on a running stack take their own options.
  const at = argv.findIndex((arg) => !arg.startsWith('-'));
  const remote = argv[at];
  if ((remote === 'reprocess' || remote === 'redrive') && !argv.includes('--help') && !argv.includes('-h')) {
    try {
      return await remoteMain(remote, argv.toSpliced(at, 1), io);
    } catch (failure) {
      if (!(failure instanceof RemoteUsageError)) throw failure;
      error(`precis: ${failure.message}\n\nUsage:\n${REMOTE_USAGE}`);
      return 2;
    }
  }
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true });
  } catch (failure) {
    error(`precis: ${(failure as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...paths] = positionals;
  if (values.help) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!command) {
    error(USAGE);
    return 2;
  }

  try {
    if (command === 'verify') {
      if (paths.length > 0) throw new UsageError('verify reads JSON lines on stdin and takes no file');
      return await verifyLines(io);
    }
    if (command !== 'clean' && command !== 'analyze') throw new UsageError(`unknown command "${command}"`);
    if (paths.length === 0) throw new UsageError(`${command} needs at least one FILE or FOLDER`);
    const config = cliConfig(io.env, values);
    const maxBytes = config.PRECIS_MAX_OBJECT_BYTES;
    const languages = config.PRECIS_LANGUAGES.length > 0 ? config.PRECIS_LANGUAGES : undefined;
    const engine = buildAnalysisEngine(config, { cache: new MemoryAnalysisCache() });

    const files = expand(paths);
    await loadLanguageModels();
    const bar =
      io.stderr.isTTY && files.length > 1
        ? new SingleBar({
            format: 'precis {bar} {value}/{total} {file}',
            stream: io.stderr,
            clearOnComplete: true,
          })
        : null;
    bar?.start(files.length, 0, { file: '' });
    let unreadable = 0;
    for (const { file, unreadable: reason } of files) {
      bar?.update({ file });
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
          const result =
            command === 'clean'
              ? cleanDocument(bytes, { name: file, languages, maxWords: config.PRECIS_MAX_WORDS })
              : await analyzeDocument(bytes, {
                  name: file,
                  engine,
                  targetLanguages: config.TARGET_LANGUAGES,
                  languages,
                  maxWords: config.PRECIS_MAX_WORDS,
                });
          line = { file, ...result };
        } catch (failure) {
          if (!(failure instanceof PrecisError)) error(`precis: ${file}: ${(failure as Error).stack}`);
          line = { file, error: toErrorInfo(failure) };
        }
      }
      bar?.increment();
      io.stdout.write(`${JSON.stringify(line)}\n`);
    }
    bar?.stop();
    if (unreadable > 0) error(`precis: ${unreadable} of ${files.length} files could not be read.`);
    return unreadable > 0 ? 1 : 0;
  } catch (failure) {
    if (failure instanceof UsageError || failure instanceof ConfigError) {
      error(`precis: ${failure.message}\n\n${USAGE}`);
      return 2;
    }
    throw failure;
  }
}

/**
 * The command's configuration: the environment, with each flag given in
 * place of its variable, read through the same schema for both. A bad flag
 * is named as the flag.
 */
export function cliConfig(
  env: Io['env'],
  values: Partial<Record<keyof typeof FLAG_VARIABLES, string | boolean>> = {},
): CliConfig {
  const flags: Record<string, string> = {};
  const named: [string, string][] = [];
  for (const [flag, variable] of Object.entries(FLAG_VARIABLES)) {
    const value = values[flag as keyof typeof FLAG_VARIABLES];
    if (value === undefined || value === false) continue;
    // --offline is a switch: given, it sets PRECIS_ENGINE=offline.
    flags[variable] = value === true ? 'offline' : value;
    named.push([variable, `--${flag}`]);
  }
  try {
    return loadConfig(cliEnvSchema, { ...env, ...flags });
  } catch (failure) {
    if (!(failure instanceof ConfigError)) throw failure;
    const message = named.reduce(
      (text, [variable, flag]) => text.replaceAll(`${variable} `, `${flag} `),
      failure.message,
    );
    throw new ConfigError(message);
  }
}
