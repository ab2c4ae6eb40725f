import { createHmac, createSecretKey, type KeyObject, timingSafeEqual } from 'node:crypto';
import type { SecretBox } from '../lib/secret-box.ts';

/**
 * Signed links to a contact's preference page, so a customer can change what they receive without an account:
 * `<PUBLIC_URL>/p/<token>` (the page) and `<PUBLIC_URL>/p/<token>/unsubscribe` (RFC 8058 one-click, POST). The token is
 * the contact id and an HMAC under a key derived from SWITCHBOARD_SECRET_KEY; it does not expire (an unsubscribe link in
 * an old email must keep working) and reveals nothing but the contact id.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// 128 bits: the link is long-lived, and length does not matter in an email.
const MAC_BYTES = 16;

// Derived and imported once per box: HKDF (and importing the key) per link cost as much as rendering the mail it goes into.
const keys = new WeakMap<SecretBox, KeyObject>();

function key(box: SecretBox): KeyObject {
  let k = keys.get(box);
  if (!k) {
    k = createSecretKey(box.deriveKey('switchboard/preference-links/v1'));
    keys.set(box, k);
  }
  return k;
}

function mac(box: SecretBox, body: Buffer): Buffer {
  return createHmac('sha256', key(box)).update(body).digest().subarray(0, MAC_BYTES);
}

/** The token naming one contact. */
export function preferenceToken(box: SecretBox, contactId: string): string {
  if (!UUID.test(contactId)) throw new Error(`not a contact id: ${contactId}`);
  const body = Buffer.from(contactId.replaceAll('-', ''), 'hex');
  return Buffer.concat([body, mac(box, body)]).toString('base64url');
}

/** The contact a token names, or null when it is malformed or forged. */
export function verifyPreferenceToken(box: SecretBox, token: string): string | null {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const raw = Buffer.from(token, 'base64url');
  // One spelling per token: base64url ignores the spare bits of the last character, so re-encode and compare.
  if (raw.length !== 16 + MAC_BYTES || raw.toString('base64url') !== token) return null;
  const body = raw.subarray(0, 16);
  if (!timingSafeEqual(raw.subarray(16), mac(box, body))) return null;
  const hex = body.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The page and the one-click unsubscribe URL of a contact. */
export function preferenceLinks(
  publicUrl: string,
  box: SecretBox,
  contactId: string,
): { pageUrl: string; oneClickUrl: string } {
  const token = preferenceToken(box, contactId);
  return { pageUrl: `${publicUrl}/p/${token}`, oneClickUrl: `${publicUrl}/p/${token}/unsubscribe` };
}
