/** One row of `npm run bench`: a measure next to its anchor, measured in the same run. */
export interface Row {
  measure: string;
  anchor: string;
  /** What precis measured, as printed. */
  value: string;
  /** precis ÷ anchor (lower is better); null when the row has no anchor ratio. */
  ratio: number | null;
  /** The goal, as printed, and whether it is met. */
  goal: string;
  met: boolean;
  /** Why a goal is missed, or what else to know. */
  note?: string;
}

export const ms = (value: number) => (value >= 100 ? `${value.toFixed(0)} ms` : `${value.toFixed(1)} ms`);
export const kb = (bytes: number) => `${Math.round(bytes / 1024).toLocaleString('en')} KB`;
export const times = (ratio: number) => `${ratio.toFixed(2)}×`;
/** How far a measure is past its goal (both in the same unit, lower is better), as a note's start. */
export const over = (value: number, goal: number) => `${Math.round((value / goal - 1) * 100)} % over the goal`;

/** The rows as a table of figures, for the terminal and the docs alike. */
export function figureTable(rows: readonly Row[]): { head: string[]; rows: string[][] } {
  return {
    head: ['measure', 'anchor (same run)', 'precis', 'ratio', 'goal', 'met'],
    rows: rows.map((r) => [
      r.measure,
      r.anchor,
      r.value,
      r.ratio === null ? '–' : times(r.ratio),
      r.goal,
      r.met ? 'yes' : `**no**${r.note ? `: ${r.note}` : ''}`,
    ]),
  };
}
