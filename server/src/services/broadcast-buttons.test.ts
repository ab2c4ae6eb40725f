import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretBox } from '../lib/secret-box.ts';
import {
  broadcastButtonSource,
  broadcastCallbackData,
  clickLinkBase,
  clickLinkKey,
  parseBroadcastCallbackData,
  signClickToken,
  trackedButtons,
  verifyClickToken,
} from './broadcast-buttons.ts';
import type { RenderedButton, TemplateButton } from './templates/types.ts';

const key = clickLinkKey(new SecretBox(randomBytes(32)));
const ref = { broadcastId: randomUUID(), contactId: randomUUID(), button: 3 };

describe('click tokens', () => {
  it('round-trip the broadcast, the contact and the button in 62 URL-safe characters', () => {
    const token = signClickToken(ref, key);
    expect(token).toMatch(/^[A-Za-z0-9_-]{62}$/);
    expect(verifyClickToken(token, key)).toEqual(ref);
  });

  it('refuses a token changed in any single character', () => {
    const token = signClickToken(ref, key);
    for (let i = 0; i < token.length; i++) {
      const other = token[i] === 'A' ? 'B' : 'A';
      const tampered = token.slice(0, i) + other + token.slice(i + 1);
      expect(verifyClickToken(tampered, key), `position ${i}`).toBeNull();
    }
  });

  it('refuses a token signed with another key, truncated, extended or not base64url', () => {
    const token = signClickToken(ref, key);
    const otherKey = clickLinkKey(new SecretBox(randomBytes(32)));
    expect(verifyClickToken(signClickToken(ref, otherKey), key)).toBeNull();
    expect(verifyClickToken(token.slice(0, -1), key)).toBeNull();
    expect(verifyClickToken(`${token}A`, key)).toBeNull();
    expect(verifyClickToken(`${token.slice(0, -1)}=`, key)).toBeNull();
    expect(verifyClickToken('', key)).toBeNull();
    expect(verifyClickToken('../../etc/passwd', key)).toBeNull();
  });

  it('derives the same key from the same secret and different keys from different secrets', () => {
    const secret = randomBytes(32);
    expect(clickLinkKey(new SecretBox(secret)).equals(clickLinkKey(new SecretBox(secret)))).toBe(true);
    expect(clickLinkKey(new SecretBox(secret)).equals(secret)).toBe(false);
  });
});

describe('callback data', () => {
  it('names the broadcast and the button within 64 bytes and parses back', () => {
    const data = broadcastCallbackData(ref.broadcastId, 99);
    expect(data.startsWith('bc:')).toBe(true);
    expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
    expect(parseBroadcastCallbackData(data)).toEqual({ broadcastId: ref.broadcastId, button: 99 });
  });

  it('is not fooled by other data', () => {
    expect(parseBroadcastCallbackData('csat:1:2')).toBeNull();
    expect(parseBroadcastCallbackData('bc:short:1')).toBeNull();
    expect(parseBroadcastCallbackData(`${broadcastCallbackData(ref.broadcastId, 1)}x`)).toBeNull();
  });
});

describe('trackedButtons', () => {
  const source: TemplateButton[][] = [
    [
      { kind: 'url', text: 'Shop', url: 'https://shop.example/sale' },
      { kind: 'callback', text: 'Yes', data: 'promo:yes' },
    ],
    [{ kind: 'url', text: 'Mine', url: 'https://shop.example/u/{{ contact.id }}' }],
  ];
  const rendered: RenderedButton[][] = [
    [
      { kind: 'url', text: 'Магазин', url: 'https://shop.example/sale' },
      { kind: 'callback', text: 'Да', data: 'promo:yes' },
    ],
    [{ kind: 'url', text: 'Моё', url: `https://shop.example/u/${ref.contactId}` }],
  ];
  const opts = { broadcastId: ref.broadcastId, contactId: ref.contactId, secret: key, source };

  it('sends static URLs through the redirect and static callbacks through bc:, keeping texts and layout', () => {
    const out = trackedButtons(rendered, { ...opts, publicUrl: 'https://sb.example' });
    const [[url, cb], [personal]] = out as [[RenderedButton, RenderedButton], [RenderedButton]];
    expect(url).toMatchObject({ kind: 'url', text: 'Магазин' });
    const token = (url as { url: string }).url.replace('https://sb.example/r/', '');
    expect(verifyClickToken(token, key)).toEqual({ ...ref, button: 0 });
    expect(cb).toEqual({ kind: 'callback', text: 'Да', data: broadcastCallbackData(ref.broadcastId, 1) });
    // Rendered per recipient: the redirect could not know it, so it goes out untouched (not counted).
    expect(personal).toEqual(rendered[1]![0]);
  });

  it('leaves URL buttons untouched without a public link base, still tracking callbacks', () => {
    const out = trackedButtons(rendered, { ...opts, publicUrl: null });
    expect(out[0]![0]).toEqual(rendered[0]![0]);
    expect(out[0]![1]).toMatchObject({ data: broadcastCallbackData(ref.broadcastId, 1) });
  });

  it('uses only an https PUBLIC_URL as the link base', () => {
    expect(clickLinkBase({ publicUrl: 'https://sb.example' })).toBe('https://sb.example');
    expect(clickLinkBase({ publicUrl: 'http://127.0.0.1:3000' })).toBeNull();
  });
});

describe('broadcastButtonSource', () => {
  const own = [[{ kind: 'url', text: 'A', url: 'https://a.example' }]];
  const template = [[{ kind: 'url', text: 'T', url: 'https://t.example' }]];
  it("takes the broadcast's own buttons, else its template's", () => {
    expect(broadcastButtonSource(own, template)).toBe(own);
    expect(broadcastButtonSource([], template)).toBe(template);
    expect(broadcastButtonSource([[]], null)).toEqual([]);
    expect(broadcastButtonSource(null, undefined)).toEqual([]);
  });
});
