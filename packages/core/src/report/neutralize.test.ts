import { describe, expect, it } from 'vitest';
import {
  escapeHtml,
  escapeMarkdown,
  neutralizeCsvField,
  neutralizeForTerminal,
  neutralizeStringsForTerminal,
} from './neutralize.js';

const ESC = '\u001b';

// Attacks an account or OU name can carry (AWS lets a member account's administrators set the name).
describe('neutralizeForTerminal', () => {
  it.each([
    ['plain text is unchanged', 'Prod – Paiements (EU) ✓', 'Prod – Paiements (EU) ✓'],
    ['CSI colour', `${ESC}[31mred${ESC}[0m`, '\\x1B[31mred\\x1B[0m'],
    ['CSI cursor up + erase line (rewrites earlier output)', `ok${ESC}[1A${ESC}[2K`, 'ok\\x1B[1A\\x1B[2K'],
    ['OSC window title, BEL-terminated', `${ESC}]0;pwned\u0007`, '\\x1B]0;pwned\\x07'],
    [
      'OSC 8 hyperlink, ST-terminated',
      `${ESC}]8;;https://evil.example${ESC}\\click${ESC}]8;;${ESC}\\`,
      '\\x1B]8;;https://evil.example\\x1B\\click\\x1B]8;;\\x1B\\',
    ],
    ['8-bit CSI (C1)', '\u009b31mred', '\\x9B31mred'],
    ['8-bit OSC (C1)', '\u009d0;title\u009c', '\\x9D0;title\\x9C'],
    ['carriage return overwriting the line', 'clean\rEXPOSED', 'clean\\x0DEXPOSED'],
    ['backspaces', 'abc\b\b\b', 'abc\\x08\\x08\\x08'],
    ['newline and tab (break tables)', 'a\nb\tc', 'a\\x0Ab\\x09c'],
    ['NUL and DEL', 'a\u0000b\u007f', 'a\\x00b\\x7F'],
    ['RLO override (Trojan Source)', 'prod\u202Edorp', 'prod\\u202Edorp'],
    [
      'every bidi embedding, override, isolate and mark',
      '\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069\u200E\u200F\u061C',
      '\\u202A\\u202B\\u202C\\u202D\\u202E\\u2066\\u2067\\u2068\\u2069\\u200E\\u200F\\u061C',
    ],
    ['line and paragraph separators', 'a\u2028b\u2029c', 'a\\u2028b\\u2029c'],
  ])('%s', (_case, input, expected) => {
    expect(neutralizeForTerminal(input)).toBe(expected);
  });

  it('leaves no control or bidi character in any text', () => {
    const every = Array.from({ length: 0x3000 }, (_, code) => String.fromCharCode(code)).join('');
    expect(neutralizeForTerminal(every)).not.toMatch(
      // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
      /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/,
    );
  });

  it('neutralizes every string of a nested value, keeping the rest', () => {
    const value = { name: `${ESC}[2J`, ou: ['Root', 'a\u202Eb'], count: 3, none: null, ok: true };
    expect(neutralizeStringsForTerminal(value)).toEqual({
      name: '\\x1B[2J',
      ou: ['Root', 'a\\u202Eb'],
      count: 3,
      none: null,
      ok: true,
    });
    expect(value.name).toBe(`${ESC}[2J`);
  });
});

describe('neutralizeCsvField (OWASP CSV injection)', () => {
  it.each([
    ['plain', 'Prod', 'Prod'],
    ['=', '=HYPERLINK("https://evil.example","x")', `"'=HYPERLINK(""https://evil.example"",""x"")"`],
    ['+', '+1+cmd|" /C calc"!A0', `"'+1+cmd|"" /C calc""!A0"`],
    ['-', '-2+3+cmd', "'-2+3+cmd"],
    ['@', '@SUM(1+1)*cmd', "'@SUM(1+1)*cmd"],
    ['leading TAB', '\t=1+1', "'\\x09=1+1"],
    ['leading CR', '\r=1+1', "'\\x0D=1+1"],
    ['a comma is quoted', 'a,b', '"a,b"'],
    ['quotes are doubled', 'say "hi"', '"say ""hi"""'],
    ['a newline is made visible (one record per line)', 'a\nb', 'a\\x0Ab'],
    ['an escape sequence is made visible', `${ESC}[31mred`, '\\x1B[31mred'],
    ['a formula later in the text is only text', 'Prod =1+1', 'Prod =1+1'],
    ['numbers', 3, '3'],
    ['null', null, ''],
    ['undefined', undefined, ''],
  ])('%s', (_case, input, expected) => {
    expect(neutralizeCsvField(input)).toBe(expected);
  });
});

describe('escapeMarkdown (GitHub-flavoured Markdown)', () => {
  it.each([
    ['plain words', 'Prod account', 'Prod account'],
    ['script', '<script>alert(1)</script>', '&lt;script&gt;alert\\(1\\)&lt;\\/script&gt;'],
    ['HTML comment hiding the rest', '<!-- hide', '&lt;\\!\\-\\- hide'],
    ['image', '![x](https://evil.example/t.png)', '\\!\\[x\\]\\(https\\:\\/\\/evil\\.example\\/t\\.png\\)'],
    ['link', '[click](javascript:alert(1))', '\\[click\\]\\(javascript\\:alert\\(1\\)\\)'],
    ['autolink (angle brackets)', '<https://evil.example>', '&lt;https\\:\\/\\/evil\\.example&gt;'],
    [
      'extended autolinks (www, URL, e-mail)',
      'www.evil.example a@b.example',
      'www\\.evil\\.example a\\@b\\.example',
    ],
    ['table break', 'a | b', 'a \\| b'],
    ['heading', '# Pwned', '\\# Pwned'],
    ['emphasis and code', '*a* _b_ `c`', '\\*a\\* \\_b\\_ \\`c\\`'],
    ['entity', '&amp; &#x3C;', '&amp;amp\\; &amp;\\#x3C\\;'],
    ['quotes', `"a" 'b'`, '&quot;a&quot; &#39;b&#39;'],
    ['a newline cannot end the cell or start a block', 'a\n# b', 'a\\\\x0A\\# b'],
    ['backslash', 'a\\b', 'a\\\\b'],
    ['bidi override', 'a\u202Eb', 'a\\\\u202Eb'],
  ])('%s', (_case, input, expected) => {
    expect(escapeMarkdown(input)).toBe(expected);
  });

  it('leaves no raw HTML or Markdown punctuation', () => {
    const every = Array.from({ length: 0x80 }, (_, code) => String.fromCharCode(code)).join('');
    const escaped = escapeMarkdown(every);
    // Every ASCII punctuation character is either an entity or preceded by a backslash.
    const unescaped = escaped.replace(/&(amp|lt|gt|quot|#39);/g, '').replace(/\\[!-/:-@[-`{-~]/g, '');
    expect(unescaped).not.toMatch(/[!-/:-@[-`{-~]/);
  });
});

describe('escapeHtml', () => {
  it.each([
    ['<script>alert("x")</script>', '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'],
    [`a & b's`, 'a &amp; b&#39;s'],
    ['<img src=x onerror=alert(1)>', '&lt;img src=x onerror=alert(1)&gt;'],
    ['plain', 'plain'],
  ])('%s', (input, expected) => {
    expect(escapeHtml(input)).toBe(expected);
  });
});
