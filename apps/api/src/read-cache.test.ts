import { describe, expect, it } from 'vitest';
import { createReadCache } from './read-cache.js';

describe('createReadCache', () => {
  it('shares one in-flight lookup, keeps the answer for the TTL, then looks up again', async () => {
    let time = 0;
    let calls = 0;
    const read = createReadCache(1000, () => time);
    const load = async () => {
      calls += 1;
      return calls;
    };
    expect(await Promise.all([read('k', load), read('k', load), read('k', load)])).toEqual([1, 1, 1]);
    time = 999;
    expect(await read('k', load)).toBe(1);
    time = 2000;
    expect(await read('k', load)).toBe(2);
    expect(await read('other', load)).toBe(3);
  });

  it('never keeps a failure', async () => {
    const read = createReadCache(60_000);
    await expect(read('k', () => Promise.reject(new Error('throttled')))).rejects.toThrow('throttled');
    expect(await read('k', async () => 'ok')).toBe('ok');
  });
});
