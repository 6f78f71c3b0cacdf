/**
 * `JSON.stringify(value, null, 2)` in pieces: `value` holds the string `placeholder` where a large
 * array belongs, and the array's items are stringified one by one. The bytes are identical to
 * stringifying the whole value, but a 10,000-account report never exists as one giant string.
 */
export function prettyJsonChunks(
  value: unknown,
  placeholder: string,
  items: Iterable<unknown>,
): Generator<string> {
  return prettyJsonTextChunks(value, placeholder, stringifyEach(items));
}

function* stringifyEach(items: Iterable<unknown>): Generator<string> {
  for (const item of items) yield JSON.stringify(item, null, 2);
}

/**
 * prettyJsonChunks with the items already stringified (`JSON.stringify(item, null, 2)` each): a
 * caller can keep them out of memory (the CLI's json spool) and hand them back in order.
 */
export function* prettyJsonTextChunks(
  value: unknown,
  placeholder: string,
  itemTexts: Iterable<string>,
): Generator<string> {
  const text = JSON.stringify(value, null, 2);
  const marker = JSON.stringify(placeholder);
  const at = text.indexOf(marker);
  if (at < 0) throw new Error(`placeholder ${placeholder} not found`);
  const lineStart = text.lastIndexOf('\n', at) + 1;
  const depth = text.slice(lineStart, at).length - text.slice(lineStart, at).trimStart().length;
  const pad = ' '.repeat(depth + 2);
  yield text.slice(0, at);
  let first = true;
  for (const itemText of itemTexts) {
    yield `${first ? '[\n' : ',\n'}${pad}${itemText.replace(/\n/g, `\n${pad}`)}`;
    first = false;
  }
  yield first ? '[]' : `\n${' '.repeat(depth)}]`;
  yield text.slice(at + marker.length);
}

/** The chunks, then a final newline (files end with one). */
export function* withNewline(chunks: Iterable<string>): Generator<string> {
  yield* chunks;
  yield '\n';
}
