import * as chrono from 'chrono-node';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function toIso(result: chrono.ParsedResult): string | null {
  const c = result.start;
  const year = c.get('year');
  const month = c.get('month');
  const day = c.get('day');
  if (year === null || month === null || day === null) return null;
  const date = `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
  if (!c.isCertain('hour')) return date;
  const time = `${pad(c.get('hour') ?? 0)}:${pad(c.get('minute') ?? 0)}:${pad(c.get('second') ?? 0)}`;
  if (!c.isCertain('timezoneOffset')) return `${date}T${time}`;
  const offset = c.get('timezoneOffset') ?? 0;
  if (offset === 0) return `${date}T${time}Z`;
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${date}T${time}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/**
 * An absolute date in a string, as ISO 8601: `2024-03-30`, `2024-03-30T04:53:00`
 * (local time of the source, offset unknown) or with its offset when the
 * string gives one. Relative dates ("2 hours ago") have no reference here and
 * are ignored.
 */
export function parseDate(text: string): string | null {
  const trimmed = text.trim();
  if (!trimmed) return null;
  const native = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(trimmed);
  if (native && !Number.isNaN(Date.parse(trimmed))) return trimmed;
  for (const result of chrono.strict.parse(trimmed)) {
    if (!/\d{4}/.test(result.text)) continue;
    const iso = toIso(result);
    if (iso) return iso;
  }
  return null;
}

/**
 * A line that is nothing but a date or timestamp ("2024-03-30 04:53",
 * "Saturday, 30 March 2024", "Published: March 30, 2024 4:53 PM"): its date, else null.
 */
export function bareTimestamp(line: string): string | null {
  const trimmed = line.trim();
  if (trimmed.length > 80 || !/\d{4}/.test(trimmed)) return null;
  for (const parser of TIMESTAMP_PARSERS) {
    const first = parser.parse(trimmed)[0];
    if (!first || !/\d{4}/.test(first.text)) continue;
    const rest = (trimmed.slice(0, first.index) + trimmed.slice(first.index + first.text.length))
      .replace(LEAD_WORDS, '')
      .replace(/[\s:|,.\-–—()[\]]+/g, '');
    if (rest.length <= 3) return toIso(first);
  }
  return null;
}

/** English first, then the languages whose pastes precis reads most: French, Spanish, German, Arabic, Portuguese, Italian. */
const TIMESTAMP_PARSERS = [
  chrono.strict,
  chrono.fr.strict,
  chrono.es.strict,
  chrono.de.strict,
  chrono.ar.strict,
  chrono.pt.strict,
  chrono.it.strict,
];

/** What a timestamp line says around its date: "Published on", "Publié le … à", "Veröffentlicht am … Uhr", "نشر في … الساعة". */
const LEAD_WORDS =
  /(?<!\p{L})(?:first published|published|posted|updated|last updated|date|on|at|publié|mis à jour|modifié|le|à|publicado|actualizado|el|de|a las|veröffentlicht|aktualisiert|am|um|uhr|pubblicato|aggiornato|il|alle|نشر|بتاريخ|آخر تحديث|تحديث|الساعة|في)(?!\p{L})/giu;
