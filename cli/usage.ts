/**
 * What the \`precis\` command says about itself: its usage, and the errors
 * that print it. Nothing here imports more than a constant, so \`precis
 * --help\` loads nothing else.
 */
import { DEFAULT_MAX_OBJECT_BYTES } from '../shared/limits.js';

export const REMOTE_USAGE = `  precis reprocess [options] ID...         send articles through the pipeline again
  precis reprocess --status S [options]     … every article in status S (DONE, PARTIAL or FAILED)
  precis redrive [options]                  drive the dead-letter queues' messages again

These talk to a running stack's API: the local one (npm start) unless --api says otherwise.
Each article gives one JSON line on stdout: {"articleId": …, "next": …} or {"articleId": …, "error": …};
redrive prints its report. Exit status: 0 when all went, 1 when some did not, 2 on a usage error.

Options of reprocess and redrive:
  --translations         (reprocess) redo only the translations that are not done (default: everything)
  --since TIME           (reprocess --status) received at or after TIME (ISO 8601, e.g. 2026-11-01)
  --until TIME           (reprocess --status) received before TIME
  --engine NAME          (reprocess --status) analysed by this engine, e.g. offline (with its fallbacks)
  --dry-run              (reprocess --status) list what would be reprocessed, change nothing
  --api URL              the API (default: $PRECIS_API_URL, else the local stack on $PRECIS_API_PORT or 3000)
  --key KEY              its key (default: $PRECIS_API_KEY, else the local stack's, kept in $PRECIS_DATA_DIR
                         or .precis)`;

export class RemoteUsageError extends Error {}

export const USAGE = `Usage:
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

/** A command line that does not make sense: the usage follows the message. */
export class UsageError extends Error {}
