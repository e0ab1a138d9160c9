// Random secrets (session ids, API tokens, CSRF tokens) and their stored hashes.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const TOKEN_PREFIX = 'jsr_';

export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** API tokens look like `jsr_<43 chars>`; only the sha256 is stored. */
export function newApiToken(): string {
  return TOKEN_PREFIX + randomSecret(32);
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/** A readable random password for the bootstrap admin. */
export function randomPassword(): string {
  return randomBytes(15).toString('base64url');
}
