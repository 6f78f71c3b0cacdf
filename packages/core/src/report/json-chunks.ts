/**
 * `JSON.stringify(value, null, 2)` in pieces: `value` holds the string `placeholder` where a large
 * array belongs, and the array's items are stringified one by one. The bytes are identical to
 * stringifying the whole value, but a 10,000-account report never exists as one giant string.
 */
export function* prettyJsonChunks(
  value: unknown,
  placeholder: string,
  items: Iterable<unknown>,
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
  for (const item of items) {
    const body = JSON.stringify(item, null, 2).replace(/\n/g, `\n${pad}`);
    yield `${first ? '[\n' : ',\n'}${pad}${body}`;
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
