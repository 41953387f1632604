/**
 * The `precis` command: the pipeline's use cases on local files, with no
 * stack and no AWS. One JSON object per input file on stdout, one per line.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SingleBar } from 'cli-progress';
import { MemoryAnalysisCache } from '../shared/analysis/cache.js';
import { OfflineEngine } from '../shared/analysis/offline-engine.js';
import { selectEngine } from '../shared/analysis/select-engine.js';
import { cleanDocument, formatFromName } from '../shared/cleaning/index.js';
import { analyzeEnvSchema, ConfigError, loadConfig } from '../shared/config.js';
import { PrecisError, toErrorInfo, tooLargeMessage } from '../shared/errors.js';
import { analyzeDocument } from '../shared/usecases/analyze-document.js';

const MAX_BYTES = 5 * 1024 * 1024;

const USAGE = `Usage:
  precis clean [options] FILE|FOLDER...     cleaned text and metadata of each file
  precis analyze [options] FILE|FOLDER...   the article record of each file: summary, claims, translations

Each input file gives one JSON object on stdout, one per line:
  {"file": …, …result}  or  {"file": …, "error": {"code": …, "message": …}}
A folder stands for the .html, .htm, .txt, .md and .json files in it and below it.
The exit status is 0 when every file was read, 1 when some could not be read, 2 on a usage error.

Options:
  --offline              (analyze) use the offline engine even when an LLM is configured
  --target LANGS         (analyze) languages to translate into, e.g. ar,fr (default: $TARGET_LANGUAGES)
  --max-bytes N          refuse files larger than N bytes (default: ${MAX_BYTES})
  --languages LANGS      languages the detector chooses among, e.g. ar,ku,en (default: 24 common ones and Kurdish)
  -h, --help             this help`;

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
  return { file, error: { code: 'FILE_UNREADABLE', message } };
}

const OPTIONS = {
  offline: { type: 'boolean' },
  languages: { type: 'string' },
  target: { type: 'string' },
  'max-bytes': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true });
  } catch (error) {
    console.error(`precis: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...paths] = positionals;
  if (values.help || !command) {
    (values.help ? console.log : console.error)(USAGE);
    return values.help ? 0 : 2;
  }

  try {
    if (command !== 'clean' && command !== 'analyze') throw new UsageError(`unknown command "${command}"`);
    if (paths.length === 0) throw new UsageError(`${command} needs at least one FILE or FOLDER`);
    const maxBytes = values['max-bytes'] ? Number(values['max-bytes']) : MAX_BYTES;
    if (!Number.isInteger(maxBytes) || maxBytes <= 0)
      throw new UsageError('--max-bytes must be a positive whole number');
    const config = loadConfig(analyzeEnvSchema, {
      PRECIS_TABLE: '-',
      PRECIS_BUCKET: '-',
      ...process.env,
      ...(values.target !== undefined ? { TARGET_LANGUAGES: values.target } : {}),
    });
    const languages = values.languages
      ?.split(',')
      .map((l) => l.trim().toLowerCase())
      .filter(Boolean);
    const engine = values.offline ? new OfflineEngine() : selectEngine(config, { cache: new MemoryAnalysisCache() });

    const files = expand(paths);
    const bar =
      process.stderr.isTTY && files.length > 1
        ? new SingleBar({
            format: 'precis {bar} {value}/{total} {file}',
            stream: process.stderr,
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
              ? cleanDocument(bytes, { name: file, languages })
              : await analyzeDocument(bytes, {
                  name: file,
                  engine,
                  targetLanguages: config.TARGET_LANGUAGES,
                  languages,
                });
          line = { file, ...result };
        } catch (error) {
          if (!(error instanceof PrecisError)) console.error(`precis: ${file}: ${(error as Error).stack}`);
          line = { file, error: toErrorInfo(error) };
        }
      }
      bar?.increment();
      process.stdout.write(`${JSON.stringify(line)}\n`);
    }
    bar?.stop();
    if (unreadable > 0) console.error(`precis: ${unreadable} of ${files.length} files could not be read.`);
    return unreadable > 0 ? 1 : 0;
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) {
      console.error(`precis: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }
}
