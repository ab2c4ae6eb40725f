import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A random, URL-safe bearer secret with a readable prefix saying what it is. */
export function newToken(prefix: string, bytes = 32): string {
  return `${prefix}_${randomBytes(bytes).toString('base64url')}`;
}

/** Tokens are stored as SHA-256: they are long random secrets, so a slow hash adds nothing. */
export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/** Compares two secrets in constant time (lengths may differ). */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}
