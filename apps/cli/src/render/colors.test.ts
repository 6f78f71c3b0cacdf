import pc from 'picocolors';
import { describe, expect, it } from 'vitest';
import { colorSeverity } from './colors.js';

const colored = pc.createColors(true);
/** The colour codes only (bold and resets aside): what a reader tells apart. */
const colourOf = (text: string) =>
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escape sequences is the point.
  [...text.matchAll(/\x1b\[(\d+)m/g)]
    .map((match) => Number(match[1]))
    .filter((code) => (code >= 30 && code <= 37) || (code >= 40 && code <= 47));

describe('colorSeverity', () => {
  it('gives each severity its own colour', () => {
    const colours = ['critical', 'high', 'medium', 'low'].map((severity) =>
      colourOf(colorSeverity(severity, colored)).join(','),
    );
    expect(colours.every((colour) => colour !== '')).toBe(true);
    expect(new Set(colours).size).toBe(4);
  });

  it('keeps the word readable without colours', () => {
    expect(colorSeverity('critical', pc.createColors(false))).toBe('critical');
  });
});
