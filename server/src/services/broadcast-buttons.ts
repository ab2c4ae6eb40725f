import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Config } from '../config.ts';
import type { SecretBox } from '../lib/secret-box.ts';
import type { RenderedButton, TemplateButton } from './templates/types.ts';

/**
 * Click tracking of broadcast buttons. A URL button becomes `<PUBLIC_URL>/r/<token>`, where the token names the broadcast,
 * the contact and the button and is signed, so a link cannot be pointed at another URL, contact or broadcast; the redirect
 * reads the real URL from the broadcast by button index. A callback button gets `bc:<broadcast ref>:<button index>`.
 * Buttons are numbered row-major from 0 over the broadcast's button source (broadcastButtonSource).
 */

/** Callback data prefix of tracked callback buttons (registered on the CallbackRouter). */
export const BROADCAST_CALLBACK_PREFIX = 'bc:';

const TOKEN_VERSION = 1;
// 96 bits: a forger gets one guess per HTTP request, so a longer tag would only lengthen every link.
const MAC_BYTES = 12;
const BODY_BYTES = 1 + 16 + 16 + 1;
const TOKEN_BYTES = BODY_BYTES + MAC_BYTES;
// Telegram allows up to 100 inline buttons; one byte keeps the token short.
const MAX_BUTTONS = 256;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CALLBACK_DATA = /^bc:([A-Za-z0-9_-]{22}):(\d{1,3})$/;
// Liquid in a target means it was rendered per recipient: the redirect could not tell which URL to send the person to.
const LIQUID = /\{\{|\{%/;

/** What a click token says. */
export interface ClickRef {
  broadcastId: string;
  contactId: string;
  /** Row-major index of the button in the broadcast's button source. */
  button: number;
}

/**
 * The key that signs click links, derived from SWITCHBOARD_SECRET_KEY so every process of an installation agrees on it
 * and nothing new has to be stored or backed up. HKDF with its own label: the link key reveals nothing of the key that
 * seals secrets at rest.
 */
export function clickLinkKey(box: SecretBox): Buffer {
  return box.deriveKey('switchboard/broadcast-click-links/v1');
}

/**
 * The base of tracked links, or null when clicks are not counted: links must open on the recipient's phone, so only an
 * https PUBLIC_URL (a public address, as webhooks need) is used; without one URL buttons are sent as they are.
 */
export function clickLinkBase(config: Pick<Config, 'publicUrl'>): string | null {
  return config.publicUrl.startsWith('https://') ? config.publicUrl : null;
}

const uuidBytes = (id: string) => Buffer.from(id.replaceAll('-', ''), 'hex');
const uuidOf = (b: Buffer) => {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};
const macOf = (key: Buffer, body: Buffer) =>
  createHmac('sha256', key).update(body).digest().subarray(0, MAC_BYTES);

/** A compact signed token (62 characters) for one button of one recipient's message. */
export function signClickToken(ref: ClickRef, key: Buffer): string {
  if (!UUID.test(ref.broadcastId) || !UUID.test(ref.contactId)) throw new Error('click token needs uuids');
  if (!Number.isInteger(ref.button) || ref.button < 0 || ref.button >= MAX_BUTTONS)
    throw new Error(`button index out of range: ${ref.button}`);
  const body = Buffer.concat([
    Buffer.of(TOKEN_VERSION),
    uuidBytes(ref.broadcastId),
    uuidBytes(ref.contactId),
    Buffer.of(ref.button),
  ]);
  return Buffer.concat([body, macOf(key, body)]).toString('base64url');
}

/** What a token says, or null when it is malformed, of another version, or not signed with this key. */
export function verifyClickToken(token: string, key: Buffer): ClickRef | null {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) return null;
  const raw = Buffer.from(token, 'base64url');
  // Re-encoding must give the same text: base64url decoding ignores trailing bits, which would let a token have twins.
  if (raw.length !== TOKEN_BYTES || raw.toString('base64url') !== token) return null;
  const body = raw.subarray(0, BODY_BYTES);
  if (body[0] !== TOKEN_VERSION || !timingSafeEqual(raw.subarray(BODY_BYTES), macOf(key, body))) return null;
  return {
    broadcastId: uuidOf(body.subarray(1, 17)),
    contactId: uuidOf(body.subarray(17, 33)),
    button: body[33]!,
  };
}

/** `bc:<broadcast id in base64url>:<button index>`: 29 bytes at most, well within Telegram's 64. */
export function broadcastCallbackData(broadcastId: string, button: number): string {
  return `${BROADCAST_CALLBACK_PREFIX}${uuidBytes(broadcastId).toString('base64url')}:${button}`;
}

/** The broadcast and button of tracked callback data, or null when it is not ours. */
export function parseBroadcastCallbackData(data: string): { broadcastId: string; button: number } | null {
  const m = CALLBACK_DATA.exec(data);
  if (!m) return null;
  const id = Buffer.from(m[1]!, 'base64url');
  if (id.length !== 16 || id.toString('base64url') !== m[1]) return null;
  return { broadcastId: uuidOf(id), button: Number(m[2]) };
}

/**
 * The buttons a broadcast's messages carry: its own when it has any, else its template's. The delivery manager renders
 * these and the redirect reads them back by index, so both must use this one rule.
 */
export function broadcastButtonSource(
  broadcastButtons: unknown,
  templateButtons: unknown | null | undefined,
): TemplateButton[][] {
  const own = Array.isArray(broadcastButtons) ? (broadcastButtons as TemplateButton[][]) : [];
  if (own.some((row) => Array.isArray(row) && row.length > 0)) return own;
  return Array.isArray(templateButtons) ? (templateButtons as TemplateButton[][]) : [];
}

/** The button at a row-major index, or undefined. */
export function buttonAt(source: TemplateButton[][], index: number): TemplateButton | undefined {
  return source.flat()[index];
}

/** Whether a source button's target is the same for every recipient (only those can be tracked). */
export function hasStaticTarget(b: TemplateButton): boolean {
  return !LIQUID.test(b.kind === 'url' ? b.url : b.data);
}

/** What trackedButtons needs besides the buttons. */
export interface TrackingOptions {
  broadcastId: string;
  contactId: string;
  /** clickLinkBase(config): null sends URL buttons untouched (clicks not counted). */
  publicUrl: string | null;
  /** clickLinkKey(secretBox). */
  secret: Buffer;
  /** The source the buttons were rendered from (broadcastButtonSource); buttons with per-recipient targets stay as they are. */
  source: TemplateButton[][];
}

/**
 * Rewrites one recipient's rendered buttons for tracking: static URL buttons go through the redirect, static callback
 * buttons carry `bc:` data (the tap is counted, then handed to the original data's owner). Same shape, same texts.
 */
export function trackedButtons(buttons: RenderedButton[][], opts: TrackingOptions): RenderedButton[][] {
  const flatSource = opts.source.flat();
  let index = 0;
  return buttons.map((row) =>
    row.map((b): RenderedButton => {
      const i = index++;
      const src = flatSource[i];
      if (!src || src.kind !== b.kind || !hasStaticTarget(src) || i >= MAX_BUTTONS) return b;
      if (b.kind === 'callback')
        return { kind: 'callback', text: b.text, data: broadcastCallbackData(opts.broadcastId, i) };
      if (opts.publicUrl === null) return b;
      const token = signClickToken(
        { broadcastId: opts.broadcastId, contactId: opts.contactId, button: i },
        opts.secret,
      );
      return { kind: 'url', text: b.text, url: `${opts.publicUrl}/r/${token}` };
    }),
  );
}
