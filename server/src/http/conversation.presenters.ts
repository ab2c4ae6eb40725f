import type { Attachment, Conversation, Message } from '../db/schema.ts';

/**
 * API shapes of conversations, messages and attachments: used by the read routes and by realtime events alike,
 * so a client renders both the same way.
 */

const iso = (d: Date | string | null | undefined) => (d == null ? null : new Date(d).toISOString());

export function presentConversation(c: Conversation) {
  return {
    id: c.id,
    displayId: Number(c.displayId),
    channelId: c.channelId,
    contactId: c.contactId,
    chatKind: c.chatKind,
    chatExternalId: c.chatExternalId,
    title: c.title,
    status: c.status,
    lastActivityAt: iso(c.lastActivityAt)!,
    createdAt: iso(c.createdAt)!,
    updatedAt: iso(c.updatedAt)!,
  };
}

/** File metadata; the bytes are served (to signed-in callers only) at `url` once storageStatus is `stored`. */
export function presentAttachment(a: Attachment) {
  return {
    id: a.id,
    kind: a.kind,
    fileName: a.fileName,
    mimeType: a.mimeType,
    size: a.size === null ? null : Number(a.size),
    width: a.width,
    height: a.height,
    duration: a.duration,
    storageStatus: a.storageStatus,
    url: `/api/v1/attachments/${a.id}/file`,
  };
}

export function presentMessage(m: Message, attachments: Attachment[]) {
  return {
    id: m.id,
    conversationId: m.conversationId,
    messageType: m.messageType,
    senderType: m.senderType,
    senderContactId: m.senderContactId,
    senderUserId: m.senderUserId,
    sourceId: m.sourceId,
    content: m.content,
    contentAttributes: m.contentAttributes,
    replyToId: m.replyToId,
    editedAt: iso(m.editedAt),
    editHistory: m.editHistory,
    deliveryStatus: m.deliveryStatus,
    deliveryError: m.deliveryError,
    priority: m.priority,
    throttled: m.throttled,
    sentAt: iso(m.sentAt),
    createdAt: iso(m.createdAt)!,
    updatedAt: iso(m.updatedAt)!,
    attachments: attachments.filter((a) => a.messageId === m.id).map(presentAttachment),
  };
}
