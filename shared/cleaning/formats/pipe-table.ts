/**
 * Rows of cells as a Markdown pipe table, one row per line, the first row
 * the header: how a table stays a table in a cleaned text, whichever format
 * it came in. Pipes inside cells are escaped; short rows are padded to the
 * widest.
 */
export function pipeTable(rows: readonly (readonly string[])[]): string {
  const width = widest(rows);
  const line = (cells: readonly string[]) =>
    `| ${[...cells.map((cell) => cell.replaceAll('|', '\\|')), ...Array(width - cells.length).fill('')].join(' | ')} |`;
  const [head = [], ...body] = rows;
  return [line(head), line(Array(width).fill('---')), ...body.map(line)].join('\n');
}

/** The most cells in a row: a loop, as spreading thousands of rows into Math.max's arguments overflows the stack. */
export function widest(rows: readonly (readonly unknown[])[]): number {
  let width = 0;
  for (const row of rows) if (row.length > width) width = row.length;
  return width;
}
