import stringWidth from 'string-width';

/**
 * A borderless, aligned table (readable in a terminal, stable in logs and snapshots): columns two
 * spaces apart, a cell's lines stacked, trailing blanks trimmed. Linear in the number of cells, so a
 * 10,000-account audit renders at once (a general table library took minutes); widths count what a
 * terminal shows (colours excluded, wide characters double).
 */
export function renderTable(headers: string[], rows: string[][]): string {
  return [...tableLines(headers, () => rows)].join('\n');
}

/**
 * The table's lines one at a time. `rows` is called twice, once to measure the columns and once to
 * print them, so a caller holding compact rows (AuditTable) expands each row only while it is used:
 * a 10,000-row table never holds every cell's lines, nor all its text, at once.
 */
export function* tableLines(headers: string[], rows: () => Iterable<string[]>): Generator<string> {
  const widths = headers.map(() => 0);
  const measure = (row: string[]) => {
    for (let column = 0; column < widths.length; column += 1)
      for (const line of linesOf(row[column]))
        widths[column] = Math.max(widths[column] as number, displayWidth(line));
  };
  measure(headers);
  for (const row of rows()) measure(row);
  const print = function* (row: string[]): Generator<string> {
    const cells = row.map(linesOf);
    const height = Math.max(...cells.map((cell) => cell.length));
    for (let index = 0; index < height; index += 1) {
      const parts = widths.map((width, column) => {
        const text = cells[column]?.[index] ?? '';
        return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
      });
      yield parts.join('  ').trimEnd();
    }
  };
  yield* print(headers);
  for (const row of rows()) yield* print(row);
}

function linesOf(cell: string | undefined): string[] {
  const text = String(cell ?? '');
  return text.includes('\n') ? text.split('\n') : [text];
}

/** Printable ASCII (most cells: ids, dates, counts) is one column a character; the rest asks string-width. */
function displayWidth(text: string): number {
  return /^[\x20-\x7e]*$/.test(text) ? text.length : stringWidth(text);
}
