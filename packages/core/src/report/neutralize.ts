import escapeHtmlText from 'escape-html';

/**
 * Untrusted text (account and OU names, which a member account's own administrators set, AWS error
 * messages) made harmless for each medium it is shown in. JSON and SARIF need nothing more than their
 * own string escaping.
 */

/**
 * C0 controls (U+0000–U+001F: ESC starts every ANSI sequence — CSI colours and cursor moves, OSC window
 * titles and OSC 8 hyperlinks —, CR and BS overwrite what was printed, LF and TAB break tables), DEL,
 * and C1 controls (U+0080–U+009F: U+009B is an 8-bit CSI, U+009D an 8-bit OSC)
 * (ECMA-48, https://ecma-international.org/publications-and-standards/standards/ecma-48/).
 */
const CONTROL_CHARACTERS = '\\u0000-\\u001f\\u007f-\\u009f';
/**
 * Bidirectional formatting characters that reorder what is displayed ("Trojan Source",
 * CVE-2021-42574, https://trojansource.codes/): ALM, LRM/RLM, the embeddings and overrides
 * LRE/RLE/PDF/LRO/RLO and the isolates LRI/RLI/FSI/PDI
 * (https://www.unicode.org/reports/tr9/#Directional_Formatting_Characters); plus the line and
 * paragraph separators, which some terminals and renderers treat as line breaks.
 */
const BIDI_CHARACTERS = '\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069\\u2028\\u2029';
const UNSAFE = new RegExp(`[${CONTROL_CHARACTERS}${BIDI_CHARACTERS}]`, 'g');

/** `\x1B`, `\u202E`: visible, so a reader sees that the name holds such a character. */
function visibleEscape(character: string): string {
  const code = character.codePointAt(0) ?? 0;
  return code <= 0xff
    ? `\\x${code.toString(16).toUpperCase().padStart(2, '0')}`
    : `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * For a terminal (tables, progress, errors), on a TTY or not (output piped to a file is often `cat`ed
 * later): every control character, hence every escape sequence, and every bidi override is shown as a
 * visible escape (`\x1B[31m`), never interpreted.
 */
export function neutralizeForTerminal(text: string): string {
  return text.replace(UNSAFE, visibleEscape);
}

/**
 * The same for every string inside `value` (objects and arrays copied, other values kept), so a
 * renderer that shows many fields of a report cannot forget one.
 */
export function neutralizeStringsForTerminal<T>(value: T): T {
  if (typeof value === 'string') return neutralizeForTerminal(value) as T;
  if (Array.isArray(value)) return value.map((item) => neutralizeStringsForTerminal(item)) as T;
  if (value !== null && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) copy[key] = neutralizeStringsForTerminal(item);
    return copy as T;
  }
  return value;
}

/**
 * Spreadsheets evaluate a cell that starts with `=`, `+`, `-` or `@` as a formula, and TAB or CR at
 * the start lets such a cell hide behind whitespace
 * (OWASP, https://owasp.org/www-community/attacks/CSV_Injection).
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV field: a formula-like start is prefixed with `'` (OWASP's rule), control and bidi characters
 * are made visible (a CSV is also read in terminals), and the field is quoted when it holds a comma,
 * a quote or a line break (RFC 4180, https://www.rfc-editor.org/rfc/rfc4180#section-2).
 */
export function neutralizeCsvField(value: string | number | null | undefined): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  text = neutralizeForTerminal(text);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** HTML's special characters as entities (what escape-html uses). */
const HTML_ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * For Markdown (GitHub's renderer, GFM: https://github.github.com/gfm/), in running text, a heading or
 * a table cell: nothing untrusted renders as HTML, a comment, a link, an image, emphasis, a heading or
 * a table break. HTML's special characters become entities; every other ASCII punctuation character
 * is backslash-escaped (GFM §2.4: any ASCII punctuation may be), which also breaks GFM's extended
 * autolinks (`www.`, `http://`, `a@b.c`, GFM §6.9) and keeps `|` inside its table cell (GFM §4.10).
 * Control and bidi characters are made visible first, so no line break ends a cell or starts a block.
 */
export function escapeMarkdown(text: string): string {
  return neutralizeForTerminal(text).replace(/[!-/:-@[-`{-~]/g, (character) => {
    return HTML_ENTITIES[character] ?? `\\${character}`;
  });
}

/**
 * For HTML text and quoted attribute values: `& < > " '` as entities (the `escape-html` package, as
 * Express uses it). Untrusted text shown to people should go through `neutralizeForTerminal` first
 * when bidi overrides could mislead the reader.
 */
export function escapeHtml(text: string): string {
  return escapeHtmlText(text);
}

/**
 * For Slack `mrkdwn` text: Slack reads `<…>` as links and mentions (`<!channel>`, `<https://x|label>`)
 * and asks senders to escape exactly `&`, `<` and `>` as `&amp;`, `&lt;`, `&gt;`
 * (https://docs.slack.dev/messaging/formatting-message-text#escaping-text). Control and bidi characters
 * are made visible as for a terminal.
 */
export function escapeSlackMrkdwn(text: string): string {
  return neutralizeForTerminal(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
