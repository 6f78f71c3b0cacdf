import { randomBytes } from 'node:crypto';

/** A small seeded PRNG (mulberry32): fault injection, jitter and generated scenarios must be reproducible. */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, max). */
  int(max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(probability: number): boolean;
}

export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (max) => Math.floor(next() * max),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
    chance: (probability) => next() < probability,
  };
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Random characters from an alphabet, from the seeded PRNG when given, else from the OS. */
export function randomChars(length: number, alphabet: string = BASE32, random?: Random): string {
  let out = '';
  if (random) {
    for (let i = 0; i < length; i += 1) out += alphabet[random.int(alphabet.length)];
    return out;
  }
  const bytes = randomBytes(length);
  for (let i = 0; i < length; i += 1) out += alphabet[(bytes[i] as number) % alphabet.length];
  return out;
}

export const alphabets = {
  BASE32,
  ALNUM,
  DIGITS: '0123456789',
  LOWER_ALNUM: 'abcdefghijklmnopqrstuvwxyz0123456789',
};

/** Session secrets are never reproducible: they come from the OS, like AWS's. */
export function randomSecret(length = 40): string {
  return randomBytes(Math.ceil((length * 3) / 4))
    .toString('base64')
    .replace(/=+$/, '')
    .slice(0, length);
}
