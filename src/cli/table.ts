/** A column of a plain-text table: its title, how a row reads in it, and whether it is aligned left (else right). */
export interface Column<R> {
  readonly title: string;
  readonly cell: (row: R) => string;
  readonly left?: true;
}

/** The lines of a table: titles, then a line per row, columns two spaces apart, each as wide as its widest cell. */
export function formatTable<R>(columns: readonly Column<R>[], rows: readonly R[]): string[] {
  const cells = [
    columns.map((column) => column.title),
    ...rows.map((row) => columns.map((column) => column.cell(row))),
  ];
  const widths = columns.map((_, c) => Math.max(0, ...cells.map((line) => (line[c] ?? "").length)));
  return cells.map((line) =>
    line
      .map((cell, c) => (columns[c]?.left === true ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0)))
      .join("  ")
      .trimEnd(),
  );
}
