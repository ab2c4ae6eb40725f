import type { MessageContent } from '../channels/channel.ts';

/**
 * What of a received message is kept besides its text, as messages.content_attributes: formatting entities, a shared
 * location or contact card, the album id, the platform's kind, the /start payload, and the platform id of the message
 * it replies to (kept even when we never saw that message, so the link is not lost). Pure.
 */
export function messageAttributes(m: MessageContent): Record<string, unknown> {
  const attrs: Record<string, unknown> = { rawKind: m.rawKind };
  if (m.entities?.length) attrs.entities = m.entities;
  if (m.location) attrs.location = m.location;
  if (m.contactCard) attrs.contactCard = m.contactCard;
  if (m.mediaGroupId) attrs.mediaGroupId = m.mediaGroupId;
  if (m.isStart) attrs.isStart = true;
  if (m.startPayload) attrs.startPayload = m.startPayload;
  if (m.replyToMessageId) attrs.replyToSourceId = m.replyToMessageId;
  if (m.channelAttributes) Object.assign(attrs, m.channelAttributes);
  return attrs;
}

/** The message's text: its text, or the caption of a media message. */
export function messageText(m: MessageContent): string | null {
  return m.text ?? null;
}

/** True when an edit changes nothing we store (Telegram also sends edits for reactions-only or unchanged re-saves). */
export function sameContent(
  a: { content: string | null; contentAttributes: Record<string, unknown> },
  b: { content: string | null; contentAttributes: Record<string, unknown> },
): boolean {
  return a.content === b.content && stableJson(a.contentAttributes) === stableJson(b.contentAttributes);
}

/** JSON with object keys sorted, so key order (jsonb reorders keys) does not make equal values differ. */
function stableJson(v: unknown): string {
  return JSON.stringify(v, (_k, val: unknown) =>
    val && typeof val === 'object' && !Array.isArray(val)
      ? Object.fromEntries(
          Object.entries(val as Record<string, unknown>).sort(([x], [y]) => x.localeCompare(y)),
        )
      : val,
  );
}
