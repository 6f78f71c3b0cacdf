/**
 * Timestamp formats differ per protocol (aws-facts.md §1, §6): awsQuery/XML uses ISO 8601 without
 * milliseconds, JSON 1.1 (Organizations) uses epoch seconds with a fraction, S3 uses ISO with milliseconds.
 */
export function isoSeconds(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

export function isoMillis(ms: number): string {
  return new Date(ms).toISOString();
}

export function epochSeconds(ms: number): number {
  return ms / 1000;
}

/** `20261128T101500Z` (SigV4's X-Amz-Date). */
export function amzDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** Parses `20261128T101500Z`; NaN when malformed. */
export function parseAmzDate(value: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return Number.NaN;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

const RELATIVE = /^now(?:\s*([+-])\s*(\d+(?:\.\d+)?)\s*([smhdw]))?$/;
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * Scenario dates are ISO 8601 strings or relative to the sandbox clock at load time (`now`, `now-3d`),
 * so "used recently" stays recent however old the scenario file is.
 */
export function resolveDate(value: string, now: number): number {
  const m = RELATIVE.exec(value.trim());
  if (m) {
    if (!m[1]) return now;
    const delta = Number(m[2]) * (UNIT_MS[m[3] as string] as number);
    return Math.round(m[1] === '-' ? now - delta : now + delta);
  }
  return Date.parse(value);
}

export function isDateString(value: string): boolean {
  return RELATIVE.test(value.trim()) || !Number.isNaN(Date.parse(value));
}
