import { randomBytes } from 'node:crypto';

/** Marks rootwarden tokens, so a secret scanner (and a person) can tell what a leaked one is. */
export const TOKEN_PREFIX = 'rwt_';

/**
 * A new random bearer token (256 bits) for the HTTP API and the MCP server's HTTP transport: handed to
 * a client once; servers keep only its SHA-256.
 */
export function generateToken(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}
