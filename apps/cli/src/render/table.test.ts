import { describe, expect, it } from 'vitest';
import { renderTable } from './table.js';

describe('renderTable', () => {
  it.each([
    {
      name: 'ASCII cells, columns two spaces apart, trailing blanks trimmed',
      headers: ['A', 'NAME'],
      rows: [
        ['111', 'x'],
        ['2', 'longer'],
      ],
      expected: 'A    NAME\n111  x\n2    longer',
    },
    {
      name: 'a multi-line cell stacks its lines',
      headers: ['A', 'B'],
      rows: [['one\ntwo', 'b']],
      expected: 'A    B\none  b\ntwo',
    },
    {
      name: 'wide characters count two columns',
      headers: ['NAME', 'X'],
      rows: [['日本', 'y']],
      expected: 'NAME  X\n日本  y',
    },
    {
      name: 'colour codes take no column',
      headers: ['S', 'X'],
      rows: [['\u001b[31mred\u001b[39m', 'y']],
      expected: 'S    X\n\u001b[31mred\u001b[39m  y',
    },
    {
      name: 'a missing cell is empty',
      headers: ['A', 'B', 'C'],
      rows: [['a']],
      expected: 'A  B  C\na',
    },
  ])('$name', ({ headers, rows, expected }) => {
    expect(renderTable(headers, rows)).toBe(expected);
  });
});
