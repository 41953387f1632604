/**
 * Text the CLI did not write itself (an article's title, byline, summary,
 * claims; a server's message; a file's name) can hold control characters a
 * terminal obeys: ESC sequences that retitle the window, clear the screen or
 * rewrite what is shown, BEL, the C1 controls some terminals read as ESC.
 * Everything the CLI prints passes through here, whatever stored the text
 * or served it.
 */

/** C0 but newline and tab, DEL, C1. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this finds.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
/** What JSON.stringify leaves as it is of the above: DEL and C1. */
const JSON_RAW = /[\u007f-\u009f]/g;

const hex = (char: string) => char.charCodeAt(0).toString(16).padStart(2, '0');

/** The text with each control character shown as `\xHH` (ESC as `\x1b`); newlines and tabs kept. */
export function escapeControls(text: string): string {
  return text.replace(CONTROL, (char) => `\\x${hex(char)}`);
}

/** Every string in a value escaped (see escapeControls), for the human formats: text, Markdown, tables. */
export function terminalSafe<T>(value: T): T {
  if (typeof value === 'string') return escapeControls(value) as T;
  if (Array.isArray(value)) return value.map(terminalSafe) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, terminalSafe(v)])) as T;
  }
  return value;
}

/**
 * One JSON line, every control character escaped: JSON.stringify escapes
 * C0 but leaves DEL and C1 as they are. The value parses back the same.
 */
export function jsonLine(value: unknown): string {
  return JSON.stringify(value).replace(JSON_RAW, (char) => `\\u00${hex(char)}`);
}
