import type { Attachment, Conversation, Message } from '../db/schema.ts';
import type { LastMessagePreview } from '../repositories/conversations.repository.ts';

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
    // The latest CSAT rating {responseId, rating, comment, ratedAt} or null (migration 0013).
    csat: c.csat ?? null,
    priority: c.priority ?? null,
    category: c.category,
    labels: c.labels ?? [],
    assigneeId: c.assigneeId ?? null,
    teamId: c.teamId ?? null,
    snoozedUntil: iso(c.snoozedUntil),
    waitingSince: iso(c.waitingSince),
    firstReplyAt: iso(c.firstReplyAt),
    resolvedAt: iso(c.resolvedAt),
    contactLastSeenAt: iso(c.contactLastSeenAt),
    customAttributes: c.customAttributes ?? {},
    lastActivityAt: iso(c.lastActivityAt)!,
    createdAt: iso(c.createdAt)!,
    updatedAt: iso(c.updatedAt)!,
  };
}

/** A list item: the conversation plus the requesting user's read state, the contact's name and the last message. */
export function presentConversationItem(
  c: Conversation & {
    unreadCount?: number;
    agentLastSeenAt?: Date | null;
    contactName?: string | null;
    lastMessage?: LastMessagePreview | null;
  },
) {
  return {
    ...presentConversation(c),
    unreadCount: c.unreadCount ?? 0,
    agentLastSeenAt: iso(c.agentLastSeenAt ?? null),
    contactName: c.contactName ?? null,
    lastMessage: c.lastMessage ?? null,
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
    // A deleted message keeps its row (and content, for the audit) but shows no content in the API.
    content: m.deletedAt ? null : m.content,
    contentAttributes: m.deletedAt ? deletedAttributes(m) : m.contentAttributes,
    deletedAt: iso(m.deletedAt),
    replyToId: m.replyToId,
    editedAt: iso(m.editedAt),
    editHistory: m.deletedAt ? [] : m.editHistory,
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

/** What a deleted message shows of its attributes: that it is deleted, and whether Telegram deleted it too. */
function deletedAttributes(m: Message): Record<string, unknown> {
  const remote = (m.contentAttributes as { remoteDelete?: unknown }).remoteDelete;
  return { deleted: true, ...(remote ? { remoteDelete: remote } : {}) };
}
