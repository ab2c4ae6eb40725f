import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SecretBox } from '../../lib/secret-box.ts';

/**
 * Reply addresses that name a conversation: `support+c-<token>@shop.example` for the channel address
 * `support@shop.example`. Mail clients keep the Reply-To address when answering, so a customer's reply finds its
 * conversation even when their client drops In-Reply-To and References. The token is the conversation id and a short
 * HMAC (from SWITCHBOARD_SECRET_KEY), so nobody can post into a conversation by guessing; plus-addressing reaches the
 * same mailbox on every common mail server. A server that lower-cases the local part breaks the token (it is
 * case-sensitive); such replies are still threaded by In-Reply-To/References.
 */

const MAC_BYTES = 8;
const TAG = /\+c-([A-Za-z0-9_-]{32})@/i;

function mac(box: SecretBox, body: Buffer): Buffer {
  return createHmac('sha256', box.deriveKey('switchboard/email-reply-token/v1'))
    .update(body)
    .digest()
    .subarray(0, MAC_BYTES);
}

/** The reply address of a conversation on a channel whose address is `channelAddress`. */
export function replyAddress(box: SecretBox, channelAddress: string, conversationId: string): string {
  const at = channelAddress.lastIndexOf('@');
  if (at < 1) throw new Error(`not an email address: ${channelAddress}`);
  const body = Buffer.from(conversationId.replaceAll('-', ''), 'hex');
  if (body.length !== 16) throw new Error(`not a conversation id: ${conversationId}`);
  const token = Buffer.concat([body, mac(box, body)]).toString('base64url');
  const local = channelAddress.slice(0, at).replace(/\+.*$/, '');
  return `${local}+c-${token}${channelAddress.slice(at)}`;
}

/** The conversation a reply address names, or null when it carries no token or a forged one. */
export function conversationOfReplyAddress(box: SecretBox, address: string): string | null {
  const m = TAG.exec(address);
  if (!m?.[1]) return null;
  const raw = Buffer.from(m[1], 'base64url');
  // One spelling per token (base64url ignores the spare bits of a last character).
  if (raw.length !== 16 + MAC_BYTES || raw.toString('base64url') !== m[1]) return null;
  const body = raw.subarray(0, 16);
  if (!timingSafeEqual(raw.subarray(16), mac(box, body))) return null;
  const hex = body.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
