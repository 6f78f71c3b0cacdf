/** XML text escaping (responses only: the sandbox never needs to parse XML requests). */
export function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&apos;',
  );
}

/** A map rendered the awsQuery way: `<entry><key>k</key><value>v</value></entry>` (e.g. SummaryMap). */
export class XmlMap {
  constructor(readonly entries: ReadonlyArray<readonly [string, string | number]>) {}
}

/** A timestamp, rendered by each protocol in its own format. */
export class Timestamp {
  constructor(readonly ms: number) {}
}

export type XmlValue =
  | string
  | number
  | boolean
  | Timestamp
  | XmlMap
  | undefined
  | null
  | readonly XmlValue[]
  | { readonly [key: string]: XmlValue };

/**
 * Serializes a plain value the awsQuery way: object members become elements in insertion order,
 * lists become `<member>` items, undefined members are omitted (AWS omits absent members).
 */
export function toXml(value: XmlValue, formatTime: (ms: number) => string): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return escapeXml(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Timestamp) return formatTime(value.ms);
  if (value instanceof XmlMap) {
    let out = '';
    for (const [k, v] of value.entries)
      out += `<entry><key>${escapeXml(k)}</key><value>${escapeXml(String(v))}</value></entry>`;
    return out;
  }
  if (Array.isArray(value)) {
    let out = '';
    for (const item of value) out += `<member>${toXml(item, formatTime)}</member>`;
    return out;
  }
  let out = '';
  for (const [key, member] of Object.entries(value as { [key: string]: XmlValue })) {
    if (member === undefined || member === null) continue;
    out += `<${key}>${toXml(member, formatTime)}</${key}>`;
  }
  return out;
}
