import type { ChatRef, IncomingAttachment, IncomingEditEvent, MessageContent } from '../channels/channel.ts';
import type { Attachment, Contact, Conversation, Message } from '../db/schema.ts';
import { presentConversation, presentMessage } from '../http/conversation.presenters.ts';
import type { Identity } from '../repositories/identities.repository.ts';
import type { Repos } from '../repositories/index.ts';
import { recordActivity } from './conversation-activity.ts';
import { messageAttributes, messageText, sameContent } from './conversation-content.ts';
import { countMessage } from './flood-guard.ts';
import { DEFAULT_INBOX_SETTINGS, inboxSettingsOf } from './inbox-settings.ts';

/** The person a message came from, as identify() found them. */
export interface Sender {
  contact: Contact;
  identity: Identity;
}

/** What recording a message did. */
export interface Recorded {
  conversation: Conversation;
  message: Message;
  /** A new message row (false: a redelivery or an edit of a stored message). */
  created: boolean;
  /** Part of a flood from this person: automations and auto-replies must skip it. */
  throttled: boolean;
  /** The message started a new conversation. */
  conversationCreated?: boolean;
  /** The message reopened a resolved (within the window) or snoozed conversation. */
  conversationReopened?: boolean;
}

/** The realtime room of every conversation event. */
export const CONVERSATIONS_ROOM = 'conversations';

/**
 * Records received messages in conversations, channel-neutrally. Every function runs inside the receive transaction;
 * the realtime events it publishes go out when that transaction commits.
 */

/** How a customer message found its conversation. */
interface Opened {
  conversation: Conversation;
  /** A new conversation (a new chat, or the reopen window had passed). */
  created: boolean;
  /** A resolved conversation (within the reopen window) or a snoozed one was reopened. */
  reopened: boolean;
}

/**
 * The conversation a customer message goes into. The chat's conversation that is not resolved, if any (a snoozed one
 * wakes up); else its last resolved one when it was resolved within the channel's reopen window (measured to the
 * message's own time), reopened; else a new one. Private chats belong to the contact, groups to nobody.
 */
async function openConversation(
  r: Repos,
  channelId: string,
  chat: ChatRef,
  contact: Contact,
  at: Date,
  threadId?: string,
): Promise<Opened> {
  const threaded = threadId ? await openThread(r, channelId, threadId) : null;
  if (threaded) return threaded;
  const found = await r.conversations.findOpenForUpdate(channelId, chat.externalId);
  if (found) {
    if (found.status !== 'snoozed') return { conversation: found, created: false, reopened: false };
    return { conversation: await reopen(r, found, 'customer_message'), created: false, reopened: true };
  }
  // Locked, so two messages of one group racing here reopen (or pass over) the same conversation once.
  const latest = await r.conversations.findLatestForUpdate(channelId, chat.externalId);
  if (latest && latest.status !== 'resolved')
    return { conversation: latest, created: false, reopened: false };
  if (latest && (await withinReopenWindow(r, channelId, latest, at)))
    return { conversation: await reopen(r, latest, 'customer_message'), created: false, reopened: true };
  const conversation = await r.conversations.create({
    channelId,
    contactId: chat.kind === 'private' ? contact.id : null,
    chatExternalId: chat.externalId,
    chatKind: chat.kind,
    title: chat.title ?? null,
    lastActivityAt: at,
  });
  return { conversation, created: true, reopened: false };
}

/**
 * The conversation a message names as its thread (an email reply's token or In-Reply-To), when it is ours on this
 * channel. Open: that one; snoozed: woken. Resolved: reopened whatever the reopen window, since the person answered that
 * very thread, unless its chat has another open conversation by now (one open per chat): then that one.
 */
async function openThread(r: Repos, channelId: string, id: string): Promise<Opened | null> {
  const thread = await r.conversations.getForUpdate(id);
  if (!thread || thread.channelId !== channelId) return null;
  const current =
    thread.status === 'resolved'
      ? ((await r.conversations.findOpenForUpdate(channelId, thread.chatExternalId)) ?? thread)
      : thread;
  if (current.status === 'open' || current.status === 'pending')
    return { conversation: current, created: false, reopened: false };
  return { conversation: await reopen(r, current, 'customer_message'), created: false, reopened: true };
}

async function withinReopenWindow(
  r: Repos,
  channelId: string,
  resolved: Conversation,
  at: Date,
): Promise<boolean> {
  const channel = await r.channels.get(channelId);
  const hours = channel
    ? inboxSettingsOf(channel).reopenWindowHours
    : DEFAULT_INBOX_SETTINGS.reopenWindowHours;
  const resolvedAt = resolved.resolvedAt ?? resolved.updatedAt;
  return at.getTime() - resolvedAt.getTime() <= hours * 3_600_000;
}

/** Reopens a resolved or snoozed conversation with an activity line; the caller publishes the conversation. */
export async function reopen(
  r: Repos,
  conversation: Conversation,
  reason: 'customer_message' | 'snooze_ended',
): Promise<Conversation> {
  const reopened = await r.conversations.reopen(conversation.id);
  await recordActivity(
    r,
    conversation.id,
    reason === 'snooze_ended'
      ? { kind: 'unsnoozed', data: { from: conversation.status } }
      : { kind: 'reopened', data: { from: conversation.status, reason } },
    null,
  );
  return reopened;
}

/** Stores file metadata (pending) and queues each download in this transaction. */
async function addAttachments(
  r: Repos,
  messageId: string,
  files: IncomingAttachment[],
): Promise<Attachment[]> {
  const rows: Attachment[] = [];
  for (const f of files) {
    const described = await r.attachments.insert({
      messageId,
      kind: f.kind,
      fileName: f.fileName ?? null,
      mimeType: f.mimeType ?? null,
      size: f.size ?? null,
      width: f.width ?? null,
      height: f.height ?? null,
      duration: f.duration ?? null,
      externalFileId: f.fileId,
      externalUniqueId: f.fileUniqueId,
    });
    // Bytes that came with the message (email) are stored already: nothing to download.
    const row = f.storageKey
      ? ((await r.attachments.markStored(described.id, {
          storageKey: f.storageKey,
          size: f.size ?? 0,
          mimeType: f.mimeType ?? null,
        })) ?? described)
      : described;
    if (!f.storageKey)
      await r.jobs.add('files.download', { attachmentId: row.id }, { jobKey: `files.download:${row.id}` });
    rows.push(row);
  }
  return rows;
}

/**
 * A new message: into the chat's open conversation (created if needed), once per platform message id.
 * `editedAt` is set for an edit of a message we never saw, which is stored as a new message marked edited.
 */
export async function recordMessage(
  r: Repos,
  channelId: string,
  m: MessageContent,
  from: Sender,
  editedAt: Date | null = null,
): Promise<Recorded> {
  const {
    conversation: open,
    created: conversationCreated,
    reopened: conversationReopened,
  } = await openConversation(r, channelId, m.chat, from.contact, m.sentAt, m.threadConversationId);
  // The identity row was read (and locked) by the caller in this transaction: its counter is current. It is stored
  // only once the message is known to be new (a redelivery inserts nothing and counts nothing).
  const flood = countMessage(
    { windowStart: from.identity.floodWindowStart, count: from.identity.floodCount },
    m.sentAt,
  );

  const repliedTo = m.replyToMessageId
    ? await r.messages.findBySource(open.id, m.replyToMessageId)
    : undefined;
  const inserted = await r.messages.insert({
    conversationId: open.id,
    messageType: 'incoming',
    senderType: 'contact',
    senderContactId: from.contact.id,
    sourceId: m.messageId,
    content: messageText(m),
    contentAttributes: messageAttributes(m),
    replyToId: repliedTo?.id ?? null,
    editedAt,
    throttled: flood.throttled,
    sentAt: m.sentAt,
  });
  // Already stored (the same platform message seen before): the insert is the check, one statement for the usual case.
  if (!inserted) {
    const message = (await r.messages.findBySource(open.id, m.messageId))!;
    return { conversation: open, message, created: false, throttled: message.throttled };
  }
  await r.identities.setFloodState(from.identity.id, flood.state, flood.flag);
  const attachments = await addAttachments(r, inserted.id, m.attachments);
  const titleChanged = m.chat.kind === 'group' && m.chat.title !== undefined && m.chat.title !== open.title;
  const conversation = await r.conversations.touch(
    open.id,
    m.sentAt,
    titleChanged ? m.chat.title : undefined,
    {
      customerWrote: true,
    },
  );

  await r.realtime.publish(
    CONVERSATIONS_ROOM,
    conversationCreated ? 'conversation.created' : 'conversation.updated',
    {
      conversation: presentConversation(conversation),
    },
  );
  await r.realtime.publish(CONVERSATIONS_ROOM, 'message.created', {
    conversationId: conversation.id,
    message: presentMessage(inserted, attachments),
  });
  return {
    conversation,
    message: inserted,
    created: true,
    throttled: flood.throttled,
    conversationCreated,
    conversationReopened,
  };
}

/**
 * A new version of a message: replaces content and attributes, sets edited_at and appends the previous version to
 * edit_history. Stale or repeated edits (not newer than the stored one) and edits that change nothing are no-ops.
 */
export async function recordEdit(
  r: Repos,
  channelId: string,
  e: IncomingEditEvent,
  from: Sender,
): Promise<Recorded> {
  const stored = await r.messages.findInChat(channelId, e.chat.externalId, e.messageId, { lock: true });
  if (!stored) return recordMessage(r, channelId, e, from, e.editedAt);
  const conversation = (await r.conversations.get(stored.conversationId))!;
  const unchanged = { conversation, message: stored, created: false, throttled: stored.throttled };
  if (stored.editedAt && stored.editedAt.getTime() >= e.editedAt.getTime()) return unchanged;

  const next = { content: messageText(e), contentAttributes: messageAttributes(e) };
  const known = await r.attachments.listForMessages([stored.id]);
  const knownIds = new Set(known.map((a) => a.externalUniqueId));
  const newFiles = e.attachments.filter((f) => !knownIds.has(f.fileUniqueId));
  if (newFiles.length === 0 && sameContent(stored, next)) return unchanged;

  const message = await r.messages.applyEdit(
    stored.id,
    { ...next, editedAt: e.editedAt },
    {
      content: stored.content,
      contentAttributes: stored.contentAttributes,
      editedAt: stored.editedAt ? stored.editedAt.toISOString() : null,
    },
  );
  // A replaced photo or document is a new file: keep the old one (history) and fetch the new one.
  const attachments = [...known, ...(await addAttachments(r, message.id, newFiles))];
  await r.realtime.publish(CONVERSATIONS_ROOM, 'message.updated', {
    conversationId: conversation.id,
    message: presentMessage(message, attachments),
  });
  return { conversation, message, created: false, throttled: message.throttled };
}

/**
 * A group moved to a new chat id (Telegram: group → supergroup): its conversations follow, so history stays together.
 * Idempotent: a second report of the same move (Telegram sends one from each side) finds nothing left under the old id.
 * The old group's platform message ids are qualified as `<old chat id>:<id>`, since the supergroup numbers afresh.
 * If messages on the new id arrived first (the two chats' updates are processed independently) there are two open
 * conversations: the newer one is merged into the one holding the history and deleted (`conversation.deleted`).
 */
export async function migrateChat(
  r: Repos,
  channelId: string,
  fromChat: string,
  toChat: string,
): Promise<void> {
  if (fromChat === toChat) return;
  const old = await r.conversations.listByChatForUpdate(channelId, fromChat);
  if (old.length === 0) return;
  const ids = old.map((c) => c.id);
  await r.messages.qualifySourceIds(ids, fromChat);

  const oldOpen = old.find((c) => c.status !== 'resolved');
  const newOpen = oldOpen ? await r.conversations.findOpenForUpdate(channelId, toChat) : undefined;
  if (oldOpen && newOpen) {
    await r.messages.moveToConversation(newOpen.id, oldOpen.id);
    await r.buttonTaps.moveToConversation(newOpen.id, oldOpen.id);
    await r.conversations.delete(newOpen.id);
    await r.realtime.publish(CONVERSATIONS_ROOM, 'conversation.deleted', {
      id: newOpen.id,
      mergedInto: oldOpen.id,
    });
  }
  const moved = await r.conversations.moveToChat(ids, toChat);
  for (let c of moved) {
    if (newOpen && c.id === oldOpen?.id)
      c = await r.conversations.touch(c.id, newOpen.lastActivityAt, newOpen.title ?? undefined);
    await r.realtime.publish(CONVERSATIONS_ROOM, 'conversation.updated', {
      conversation: presentConversation(c),
    });
  }
}
