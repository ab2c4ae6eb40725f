import { describe, expect, it } from 'vitest';
import { CODE_ALPHABET, looksLikeCode, normalizeCode } from './coupons.codes.ts';

describe('coupon codes', () => {
  it('has 31 characters and none of the look-alikes 0, O, 1, I, L', () => {
    expect(CODE_ALPHABET).toHaveLength(31);
    expect(new Set(CODE_ALPHABET).size).toBe(31);
    for (const ch of '0O1IL') expect(CODE_ALPHABET).not.toContain(ch);
  });

  it('accepts a code typed in lower case, without the dash or with spaces', () => {
    expect(normalizeCode('kq7m-x3pa')).toBe('KQ7M-X3PA');
    expect(normalizeCode('KQ7MX3PA')).toBe('KQ7M-X3PA');
    expect(normalizeCode(' kq7m x3pa ')).toBe('KQ7M-X3PA');
  });

  it('refuses texts that cannot be a code rather than guessing a look-alike', () => {
    expect(normalizeCode('KQ7M-X3P0')).toBeNull();
    expect(normalizeCode('KQ7M-X3PAA')).toBeNull();
    expect(normalizeCode('hello')).toBeNull();
  });

  it('tells code-shaped texts from chatter', () => {
    expect(looksLikeCode('KQ7M-X3PA')).toBe(true);
    expect(looksLikeCode('kq7mx3pa')).toBe(true);
    expect(looksLikeCode('hello there')).toBe(false);
  });
});
