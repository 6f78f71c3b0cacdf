/**
 * Coalesces identical read-only AWS lookups (organization status, inventory) and keeps each answer
 * briefly. Those calls hit AWS Organizations, whose quotas are a few requests per second for the whole
 * organization (DescribeOrganization and ListRoots: 1/s): a hundred clients polling must not turn into a
 * hundred throttled calls. Failures are never kept.
 */
export function createReadCache(ttlMs: number, now: () => number = () => performance.now()) {
  const entries = new Map<string, { value: Promise<unknown>; expires: number }>();
  return function read<T>(key: string, load: () => Promise<T>): Promise<T> {
    const time = now();
    const entry = entries.get(key);
    if (entry && entry.expires > time) return entry.value as Promise<T>;
    // Infinity while in flight: concurrent callers share it; the TTL starts when it settles.
    const value = load();
    entries.set(key, { value, expires: Number.POSITIVE_INFINITY });
    value.then(
      () => {
        if (entries.get(key)?.value === value) entries.set(key, { value, expires: now() + ttlMs });
      },
      () => {
        if (entries.get(key)?.value === value) entries.delete(key);
      },
    );
    return value;
  };
}
export type ReadCache = ReturnType<typeof createReadCache>;
