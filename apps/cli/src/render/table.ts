import stringWidth from 'string-width';

/**
 * A borderless, aligned table (readable in a terminal, stable in logs and snapshots): columns two
 * spaces apart, a cell's lines stacked, trailing blanks trimmed. Linear in the number of cells, so a
 * 10,000-account audit renders at once (a general table library took minutes); widths count what a
 * terminal shows (colours excluded, wide characters double).
 */
export function renderTable(headers: string[], rows: string[][]): string {
  const all = [headers, ...rows].map((row) => row.map((cell) => String(cell).split('\n')));
  const widths = headers.map((_, column) =>
    Math.max(...all.map((row) => Math.max(...(row[column] ?? ['']).map((line) => stringWidth(line))))),
  );
  const lines: string[] = [];
  for (const row of all) {
    const height = Math.max(...row.map((cell) => cell.length));
    for (let index = 0; index < height; index += 1) {
      const parts = widths.map((width, column) => {
        const text = row[column]?.[index] ?? '';
        return text + ' '.repeat(Math.max(0, width - stringWidth(text)));
      });
      lines.push(parts.join('  ').trimEnd());
    }
  }
  return lines.join('\n');
}
