/**
 * What the \`precis\` command says about itself: its usage, and the errors
 * that print it. Nothing here imports more than a constant, so \`precis
 * --help\` loads nothing else.
 */
import { DEFAULT_MAX_OBJECT_BYTES } from '../shared/limits.js';

export const REMOTE_USAGE = `  precis upload [--wait] FILE|FOLDER...     upload articles; with --wait, until each is DONE, PARTIAL or FAILED
  precis list [--status S] [--all]          the articles, newest first (--limit N a page, 20 by default)
  precis get [--lang L] [--format F] ID     one article: its summary (in L), facts and claims count
  precis claims ID                          its claims: kind, check-worthiness, speaker, evidence found
  precis reprocess [options] ID...         send articles through the pipeline again
  precis reprocess --status S [options]     … every article in status S (DONE, PARTIAL or FAILED)
  precis redrive [options]                  drive the dead-letter queues' messages again

These talk to a running stack's API: the local one (npm start) unless --api or --stack says
otherwise. On a terminal they print tables and colour; piped, one JSON object per line
(--format json|table for list and claims, json|text|md for get). Exit status: 0 when all
went, 1 when some did not (an upload that ended FAILED, an article not found), 2 on a
usage error.

Where the API is, and how to call it (every command above):
  --stack NAME           a deployed stack: its URL and key (or auth) read from its outputs with
                         your AWS credentials (--region R, else $AWS_REGION)
  --api URL              the API (default: $PRECIS_API_URL, else the local stack on $PRECIS_API_PORT or 3000)
  --key KEY              its key (default: $PRECIS_API_KEY, else the local stack's, kept in $PRECIS_DATA_DIR
                         or .precis)
  --iam                  sign requests with SigV4 and your AWS credentials (a stack deployed with auth=iam)
  --token TOKEN          a Cognito access token (a stack deployed with auth=cognito; or $PRECIS_API_TOKEN)

With auth=cognito and no token given, the command gets one itself by the client credentials
grant, from the stack's TokenUrl with its machine client (--stack), or with $PRECIS_TOKEN_URL,
$PRECIS_CLIENT_ID and $PRECIS_CLIENT_SECRET ($PRECIS_TOKEN_SCOPE to ask for fewer scopes); it
keeps the token until shortly before it expires, in $PRECIS_TOKEN_CACHE (default
~/.cache/precis; "off" keeps none), a file only you can read.

Options of upload:
  --wait                 wait for each article to end, with a progress bar on a terminal
  --timeout S            how long --wait waits, in seconds (default 600)

Options of reprocess and redrive:
  --translations         (reprocess) redo only the translations that are not done (default: everything)
  --batch                (reprocess) through the provider's Batch API: half price, answered within 24 hours
  --since TIME           (reprocess --status) received at or after TIME (ISO 8601, e.g. 2026-11-01)
  --until TIME           (reprocess --status) received before TIME
  --engine NAME          (reprocess --status) analysed by this engine, e.g. offline (with its fallbacks)
  --dry-run              (reprocess --status) list what would be reprocessed, change nothing`;

export class RemoteUsageError extends Error {}

export const USAGE = `Usage:
  precis clean [options] FILE|FOLDER...     cleaned text and metadata of each file
  precis analyze [options] FILE|FOLDER...   the article record of each file: summary, claims, translations
  precis claims --all FILE|FOLDER...        every sentence of each file with its check-worthiness (0–1), in
                                            order: {"file", "start", "end", "text", "checkworthiness", …}
  precis models [MODEL] [--probe]           what precis knows about the configured model (or MODEL) and what
                                            it will send: context, output cap, effort, price, API, shutdown
                                            date; --probe makes one small call to confirm the server takes it
  precis verify < pairs.jsonl               check summaries against their articles, no model needed:
                                            {"article": …, "summary": …} per line in, one verdict per line
                                            out, {"supported": …, "unsupported": [{"text": …, "reason": …}]}
${REMOTE_USAGE}

clean, analyze and claims --all work on local files, with no stack:

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
analyze function reads it: see docs/configuration.md.`;

/** A command line that does not make sense: the command's own usage lines follow the message. */
export class UsageError extends Error {}

/** The commands, in the order the usage lists them. */
const COMMANDS = [...new Set([...USAGE.matchAll(/^ {2}precis (\w+)/gm)].map((m) => m[1]))];

/** A command's lines of the usage, each with the lines that go on from it; none for an unknown command. */
export function usageOf(command: string | undefined): string[] {
  const lines = USAGE.split('\n');
  const out: string[] = [];
  let taking = false;
  for (const line of lines) {
    if (/^ {2}precis /.test(line)) taking = line.startsWith(`  precis ${command} `);
    else if (!/^ {4,}\S/.test(line)) taking = false;
    if (taking) out.push(line);
  }
  return out;
}

/**
 * What a usage error prints: the message, then the usage of its command if
 * it names one (else the list of commands), then where the rest is. The
 * whole help would bury the one line that matters.
 */
export function usageMessage(message: string, command: string | undefined): string {
  const own = usageOf(command);
  return [
    `precis: ${message}`,
    ...(own.length > 0 ? ['Usage:', ...own] : [`Commands: ${COMMANDS.join(', ')}.`]),
    '(precis --help shows every command and option.)',
  ].join('\n');
}
