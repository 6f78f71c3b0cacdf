import stringWidth from 'string-width';

/**
 * A borderless, aligned table (readable in a terminal, stable in logs and snapshots): columns two
 * spaces apart, a cell's lines stacked, trailing blanks trimmed. Linear in the number of cells, so a
 * 10,000-account audit renders at once (a general table library took minutes); widths count what a
 * terminal shows (colours excluded, wide characters double).
 */
export function renderTable(headers: string[], rows: string[][]): string {
  // Two passes over the rows, splitting a cell into lines only while it is measured or printed:
  // a 10,000-row table never holds every cell's lines at once.
  const widths = headers.map(() => 0);
  for (const row of [headers, ...rows])
    for (let column = 0; column < widths.length; column += 1)
      for (const line of linesOf(row[column]))
        widths[column] = Math.max(widths[column] as number, displayWidth(line));
  const lines: string[] = [];
  for (const row of [headers, ...rows]) {
    const cells = row.map(linesOf);
    const height = Math.max(...cells.map((cell) => cell.length));
    for (let index = 0; index < height; index += 1) {
      const parts = widths.map((width, column) => {
        const text = cells[column]?.[index] ?? '';
        return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
      });
      lines.push(parts.join('  ').trimEnd());
    }
  }
  return lines.join('\n');
}

function linesOf(cell: string | undefined): string[] {
  const text = String(cell ?? '');
  return text.includes('\n') ? text.split('\n') : [text];
}

/** Printable ASCII (most cells: ids, dates, counts) is one column a character; the rest asks string-width. */
function displayWidth(text: string): number {
  return /^[\x20-\x7e]*$/.test(text) ? text.length : stringWidth(text);
}
