/**
 * Rows of cells as a Markdown pipe table, one row per line, the first row
 * the header: how a table stays a table in a cleaned text, whichever format
 * it came in. Pipes inside cells are escaped; short rows are padded to the
 * widest.
 */
export function pipeTable(rows: readonly (readonly string[])[]): string {
  const width = Math.max(0, ...rows.map((row) => row.length));
  const line = (cells: readonly string[]) =>
    `| ${[...cells.map((cell) => cell.replaceAll('|', '\\|')), ...Array(width - cells.length).fill('')].join(' | ')} |`;
  const [head = [], ...body] = rows;
  return [line(head), line(Array(width).fill('---')), ...body.map(line)].join('\n');
}
