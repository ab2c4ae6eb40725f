import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { SecretBox } from '../lib/secret-box.ts';
import { preferenceLinks, preferenceToken, verifyPreferenceToken } from './preference-links.ts';

describe('preference links', () => {
  const box = new SecretBox(randomBytes(32));
  const id = randomUUID();

  test('name the contact and nothing else', () => {
    const token = preferenceToken(box, id);
    expect(verifyPreferenceToken(box, token)).toBe(id);
    expect(preferenceLinks('https://sb.example', box, id)).toEqual({
      pageUrl: `https://sb.example/p/${token}`,
      oneClickUrl: `https://sb.example/p/${token}/unsubscribe`,
    });
  });

  test('refuse forged, foreign, truncated and re-spelled tokens', () => {
    const token = preferenceToken(box, id);
    const other = preferenceToken(box, randomUUID());
    expect(verifyPreferenceToken(box, token.slice(0, 22) + other.slice(22))).toBeNull();
    expect(verifyPreferenceToken(new SecretBox(randomBytes(32)), token)).toBeNull();
    expect(verifyPreferenceToken(box, token.slice(0, -1))).toBeNull();
    // The last character carries two spare bits: another spelling decodes to the same bytes but is not the token.
    const last = token.at(-1)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const twin = alphabet[alphabet.indexOf(last) ^ 1]!;
    expect(Buffer.from(token.slice(0, -1) + twin, 'base64url').equals(Buffer.from(token, 'base64url'))).toBe(
      true,
    );
    expect(verifyPreferenceToken(box, token.slice(0, -1) + twin)).toBeNull();
  });
});
