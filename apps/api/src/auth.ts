import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/** Token scopes, each including the ones before it: `read` < `audit` < `remediate`. */
export const SCOPES = ['read', 'audit', 'remediate'] as const;
export const ScopeSchema = z.enum(SCOPES);
export type Scope = z.infer<typeof ScopeSchema>;

/** A bearer token as configured: a name for logs, its scope, and the SHA-256 of the token (never the token). */
export const TokenConfigSchema = z
  .object({
    name: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1–64 letters, digits, dots, dashes or underscores'),
    scope: ScopeSchema,
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be the SHA-256 of the token as 64 lowercase hex digits'),
  })
  .strict();
export type TokenConfig = z.infer<typeof TokenConfigSchema>;

/** What a route knows about the caller after authentication. */
export interface Caller {
  name: string;
  scope: Scope;
}

export function scopeAllows(held: Scope, needed: Scope): boolean {
  return SCOPES.indexOf(held) >= SCOPES.indexOf(needed);
}

export { generateToken } from '@rootwarden/core';

/**
 * SHA-256, not a slow password hash: tokens are 256-bit random values, so a fast hash loses nothing and
 * keeps every request cheap.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** `name:scope:sha256` (the `ROOTWARDEN_API_TOKENS` entry format). */
export function formatTokenSpec(token: TokenConfig): string {
  return `${token.name}:${token.scope}:${token.sha256}`;
}

/** Parses `ROOTWARDEN_API_TOKENS`: comma- or newline-separated `name:scope:sha256` entries. */
export function parseTokenSpecs(text: string): TokenConfig[] {
  return text
    .split(/[,\n]/)
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry, index) => {
      const [name, scope, sha256, ...rest] = entry.split(':');
      const parsed = TokenConfigSchema.safeParse({ name, scope, sha256 });
      if (rest.length > 0 || !parsed.success) {
        const why = parsed.success
          ? 'too many fields'
          : parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ');
        throw new Error(
          `ROOTWARDEN_API_TOKENS entry ${index + 1}: expected name:scope:sha256 (${why}). Create one with \`rootwarden-api token --scope read\`.`,
        );
      }
      return parsed.data;
    });
}

/**
 * Finds the configured token matching a presented one. Every configured digest is compared, in constant
 * time, whatever matched: the answer's timing says nothing about which token or prefix is right.
 */
export function createAuthenticator(
  tokens: readonly TokenConfig[],
): (presented: string) => Caller | undefined {
  const digests = tokens.map((token) => ({ token, digest: Buffer.from(token.sha256, 'hex') }));
  const names = new Set<string>();
  for (const token of tokens) {
    if (names.has(token.name))
      throw new Error(`Two API tokens are named ${token.name}: names must be unique.`);
    names.add(token.name);
  }
  return (presented) => {
    const digest = createHash('sha256').update(presented, 'utf8').digest();
    let found: TokenConfig | undefined;
    for (const entry of digests) {
      const same = timingSafeEqual(digest, entry.digest);
      if (same && found === undefined) found = entry.token;
    }
    return found ? { name: found.name, scope: found.scope } : undefined;
  };
}
