import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretBox } from './secret-box.ts';

const box = new SecretBox(randomBytes(32));

/** Flips one bit of the decoded payload at `index` and re-encodes it. */
function flip(sealed: string, index: number): string {
  const raw = Buffer.from(sealed.slice(3), 'base64url');
  raw[index]! ^= 1;
  return `v1:${raw.toString('base64url')}`;
}

describe('SecretBox', () => {
  it('opens what it sealed, including empty and non-ASCII text', () => {
    for (const s of ['bot123:ABC-def_ghi', '', 'пароль 🙂', 'x'.repeat(10_000)])
      expect(box.open(box.seal(s))).toBe(s);
  });

  it('seals the same text differently each time and never shows it', () => {
    const a = box.seal('secret-token');
    const b = box.seal('secret-token');
    expect(a).not.toBe(b);
    expect(a.startsWith('v1:')).toBe(true);
    expect(a).not.toContain('secret-token');
  });

  it('detects tampering with the iv, tag or ciphertext', () => {
    const sealed = box.seal('tamper me');
    for (const index of [0, 11, 12, 27, 28, 30]) expect(() => box.open(flip(sealed, index))).toThrow();
  });

  it('refuses a truncated value, even one cut down to a short tag', () => {
    const sealed = box.seal('abc');
    const raw = Buffer.from(sealed.slice(3), 'base64url');
    for (const len of [0, 12, 16, 27, raw.length - 1])
      expect(() => box.open(`v1:${raw.subarray(0, len).toString('base64url')}`)).toThrow();
  });

  it('refuses a value sealed under another key', () => {
    const other = new SecretBox(randomBytes(32));
    expect(() => box.open(other.seal('hello'))).toThrow();
  });

  it('refuses unknown formats and keys of the wrong size', () => {
    expect(() => box.open('v2:abc')).toThrow(/unknown secret format/);
    expect(() => box.open('plain text')).toThrow(/unknown secret format/);
    expect(() => new SecretBox(randomBytes(16))).toThrow(/32-byte key/);
  });

  it('derives a stable 32-byte key per purpose, different per purpose and per master key', () => {
    const a = box.deriveKey('purpose a');
    expect(a).toHaveLength(32);
    expect(box.deriveKey('purpose a').equals(a)).toBe(true);
    expect(box.deriveKey('purpose b').equals(a)).toBe(false);
    expect(new SecretBox(randomBytes(32)).deriveKey('purpose a').equals(a)).toBe(false);
  });
});
