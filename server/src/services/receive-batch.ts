import type { IncomingEvent, IncomingMessageEvent, SenderRef } from '../channels/channel.ts';
import type { Contact, Conversation, Message } from '../db/schema.ts';
import { presentConversation, presentMessage } from '../http/conversation.presenters.ts';
import type { ContactFields } from '../repositories/contacts.repository.ts';
import type { Identity } from '../repositories/identities.repository.ts';
import type { Repos } from '../repositories/index.ts';
import type { RealtimeEvent } from '../repositories/realtime.repository.ts';
import { messageAttributes, messageText } from './conversation-content.ts';
import type { ConversationHooks } from './conversation-hooks.ts';
import { CONVERSATIONS_ROOM } from './conversation-recorder.ts';
import { countMessage } from './flood-guard.ts';

/**
 * The set-based receive of the common case: plain messages from people in their private chats, for a whole batch at
 * once. Per batch, not per message: the senders' identities, their contacts and their chats' conversations are read
 * (and locked) in one statement each; newcomers' contacts and identities, new conversations, the messages, the
 * identities' last-seen and flood counters and the conversations' activity are written in one statement each; every
 * realtime event leaves in one statement. The rules are those of the per-message path (ReceiveService.apply,
 * conversation-recorder.ts), which stays the path for everything else and for what this one hands back.
 */

/** What the set-based step takes: a new text message in a private chat, no command, file, reply, thread or /start. */
export function isPlainPrivateMessage(event: IncomingEvent): event is IncomingMessageEvent {
  return (
    event.type === 'message' &&
    !event.sender.isBot &&
    event.chat.kind === 'private' &&
    event.chat.externalId === event.sender.externalId &&
    event.isStart !== true &&
    !event.text?.startsWith('/') &&
    event.attachments.length === 0 &&
    event.replyToMessageId === undefined &&
    event.threadConversationId === undefined
  );
}

/** What the set-based step did with one message; the per-message path's result fields. */
export interface PlainReceived {
  contact: Contact;
  identity: Identity;
  createdContact: boolean;
  conversation: Conversation;
  message: Message;
  created: boolean;
  throttled: boolean;
}

/**
 * Receives plain private messages of DISTINCT chats (one message per chat: the caller splits a batch so that a chat's
 * second message sees the first one's counters). Returns, per input, what was recorded, or null for a message it left
 * untouched for the per-message path: a chat whose current conversation is snoozed or resolved (reopening and the reopen
 * window are that path's), or a second message of one contact (merged contacts have several identities). Nothing is
 * written for those, so the caller applies them afterwards, in their chats' order.
 */
export async function receivePlainMessages(
  r: Repos,
  channelId: string,
  events: IncomingMessageEvent[],
  hooks: ConversationHooks,
): Promise<(PlainReceived | null)[]> {
  // Reads, each one statement and locked in the per-message path's order: identities, contacts, conversations.
  const identities = await r.identities.findManyForUpdate(
    channelId,
    events.map((e) => e.sender.externalId),
  );
  const contacts = await r.contacts.getManyForUpdate([...identities.values()].map((i) => i.contactId));
  const current = await r.conversations.findCurrentForChatsForUpdate(
    channelId,
    events.map((e) => e.chat.externalId),
  );
  // A contact merged from two accounts has two identities: its second message in a step would refresh the profile
  // from a stale read, so it is handed back (applied after the step, seeing the first one's writes).
  const contactsSeen = new Set<string>();
  const taken = events.filter((e) => {
    const c = current.get(e.chat.externalId);
    if (c !== undefined && c.status !== 'open' && c.status !== 'pending') return false;
    const contactId = identities.get(e.sender.externalId)?.contactId;
    if (contactId === undefined) return true;
    if (contactsSeen.has(contactId)) return false;
    contactsSeen.add(contactId);
    return true;
  });
  if (taken.length === 0) return events.map(() => null);

  // People: newcomers created together, known people's profiles refreshed as identify() does.
  const realtime: RealtimeEvent[] = [];
  const people = new Map<IncomingMessageEvent, Person>();
  const newcomers = taken.filter((e) => !identities.has(e.sender.externalId));
  const created = await r.contacts.createMany(
    newcomers.map((e) => ({
      ...profileOf(e.sender, e.sentAt),
      name: [e.sender.firstName, e.sender.lastName].filter(Boolean).join(' ') || null,
      source: null,
    })),
  );
  const createdIdentities = await r.identities.createMany(
    newcomers.map((e, i) => ({
      contactId: created[i]!.id,
      channelId,
      externalId: e.sender.externalId,
      lastSeenAt: e.sentAt,
    })),
  );
  for (const [i, e] of newcomers.entries())
    people.set(e, {
      contact: created[i]!,
      identity: createdIdentities[i]!,
      createdContact: true,
      changed: true,
    });
  for (const e of taken) {
    const identity = identities.get(e.sender.externalId);
    if (!identity) continue;
    const known = contacts.get(identity.contactId);
    if (!known) throw new Error(`identity ${identity.id} has no contact`);
    // Rare in a steady stream (activity is kept to the minute): one statement per contact that changed.
    const changes = profileChanges(known, profileOf(e.sender, e.sentAt));
    const contact = changes ? ((await r.contacts.update(known.id, changes)) ?? known) : known;
    people.set(e, { contact, identity, createdContact: false, changed: changes !== null });
  }

  // Conversations: the chat's open one, or a new one for a chat that has none.
  const fresh = await r.conversations.createMany(
    taken
      .filter((e) => !current.has(e.chat.externalId))
      .map((e) => ({
        channelId,
        contactId: people.get(e)!.contact.id,
        chatExternalId: e.chat.externalId,
        chatKind: 'private' as const,
        title: e.chat.title ?? null,
        lastActivityAt: e.sentAt,
      })),
  );
  const conversationOf = (e: IncomingMessageEvent) =>
    (current.get(e.chat.externalId) ?? fresh.get(e.chat.externalId))!;

  // Messages: the insert is the duplicate check, as in recordMessage. Flood state is computed from the identity read
  // above (one message per chat here, so it is current) and stored only for messages that are new.
  const floods = new Map(
    taken.map((e) => {
      const { identity } = people.get(e)!;
      return [
        e,
        countMessage({ windowStart: identity.floodWindowStart, count: identity.floodCount }, e.sentAt),
      ];
    }),
  );
  const inserted = await r.messages.insertMany(
    taken.map((e) => ({
      conversationId: conversationOf(e).id,
      messageType: 'incoming' as const,
      senderType: 'contact' as const,
      senderContactId: people.get(e)!.contact.id,
      sourceId: e.messageId,
      content: messageText(e),
      contentAttributes: messageAttributes(e),
      replyToId: null,
      editedAt: null,
      throttled: floods.get(e)!.throttled,
      sentAt: e.sentAt,
    })),
  );
  const stored = new Map(inserted.map((m) => [`${m.conversationId}:${m.sourceId}`, m]));
  const messageOf = (e: IncomingMessageEvent) => stored.get(`${conversationOf(e).id}:${e.messageId}`);

  await r.identities.recordMany(
    taken.flatMap((e) => {
      const { identity, createdContact } = people.get(e)!;
      const isNew = messageOf(e) !== undefined;
      const flood = floods.get(e)!;
      const seenAt = !createdContact && movesForward(identity.lastSeenAt, e.sentAt) ? e.sentAt : null;
      if (!isNew && seenAt === null) return [];
      return [{ id: identity.id, seenAt, flood: isNew ? flood.state : null, flag: isNew && flood.flag }];
    }),
  );
  const touched = await r.conversations.touchManyCustomerWrote(
    taken.filter((e) => messageOf(e) !== undefined).map((e) => ({ id: conversationOf(e).id, at: e.sentAt })),
  );

  // Results and events, in batch order: the contact's event, then the conversation's, then the message's.
  const results = new Map<IncomingMessageEvent, PlainReceived>();
  for (const e of taken) {
    const person = people.get(e)!;
    if (person.changed)
      realtime.push({
        room: 'contacts',
        event: person.createdContact ? 'contact.created' : 'contact.updated',
        data: { contact: person.contact as never },
      });
    const message = messageOf(e);
    if (!message) {
      // A redelivery (rare: the update store dedupes most): nothing recorded, the stored message is the result.
      const open = conversationOf(e);
      const earlier = (await r.messages.findBySource(open.id, e.messageId))!;
      results.set(e, {
        ...person,
        conversation: open,
        message: earlier,
        created: false,
        throttled: earlier.throttled,
      });
      continue;
    }
    const conversation = touched.get(conversationOf(e).id)!;
    const conversationCreated = fresh.has(e.chat.externalId);
    realtime.push(
      {
        room: CONVERSATIONS_ROOM,
        event: conversationCreated ? 'conversation.created' : 'conversation.updated',
        data: { conversation: presentConversation(conversation) },
      },
      {
        room: CONVERSATIONS_ROOM,
        event: 'message.created',
        data: { conversationId: conversation.id, message: presentMessage(message, []) },
      },
    );
    results.set(e, {
      ...person,
      conversation,
      message,
      created: true,
      throttled: floods.get(e)!.throttled,
    });
  }
  await r.realtime.publishMany(realtime);

  // Hooks run per new message, as in the per-message path; the batch's reads of channel settings and enabled rules are
  // shared (they cannot change within this transaction, and a concurrent change lands as if it came a moment later).
  const shared = sharedReads(r);
  for (const e of taken) {
    const result = results.get(e)!;
    if (!result.created) continue;
    await hooks.incomingMessage(shared, {
      channelId,
      conversation: result.conversation,
      message: result.message,
      contact: result.contact,
      conversationCreated: fresh.has(e.chat.externalId),
      conversationReopened: false,
      throttled: result.throttled,
    });
  }
  return events.map((e) => results.get(e) ?? null);
}

/** A sender as the batch found or created them; `changed` when their contact row was written (an event is due). */
interface Person {
  contact: Contact;
  identity: Identity;
  createdContact: boolean;
  changed: boolean;
}

/**
 * Repos whose channel and enabled-automation reads are made once per batch: every hook of every message asks for the
 * same channel settings and rules, which a batch need not read twenty times.
 */
function sharedReads(r: Repos): Repos {
  const channels = Object.create(r.channels) as Repos['channels'];
  channels.get = once((id: string) => r.channels.get(id));
  const automations = Object.create(r.automations) as Repos['automations'];
  automations.enabledOfKind = once((kind: Parameters<Repos['automations']['enabledOfKind']>[0]) =>
    r.automations.enabledOfKind(kind),
  );
  return { ...r, channels, automations };
}

/** A one-argument read made once per distinct argument. */
function once<A, T>(read: (arg: A) => T): (arg: A) => T {
  const made = new Map<A, T>();
  return (arg) => {
    if (!made.has(arg)) made.set(arg, read(arg));
    return made.get(arg) as T;
  };
}

/** What the platform says about a sender, as contact fields; absent fields are left out (never erased). */
export function profileOf(sender: SenderRef, at: Date | null): ContactFields {
  const profile: ContactFields = { firstName: sender.firstName };
  if (sender.lastName !== undefined) profile.lastName = sender.lastName;
  if (sender.username !== undefined) profile.username = sender.username;
  if (sender.languageCode !== undefined) profile.language = sender.languageCode;
  if (at) profile.lastActivityAt = at;
  return profile;
}

/**
 * The fields of `profile` that differ from the contact's, or null when none does. Activity is kept to the minute: a
 * person writing ten messages in a row rewrites their contact row (and its many indexes) once, not ten times.
 */
export function profileChanges(current: Contact, profile: ContactFields): ContactFields | null {
  const wanted = { ...profile };
  if (wanted.lastActivityAt && !movesForward(current.lastActivityAt, wanted.lastActivityAt))
    delete wanted.lastActivityAt;
  const changes: ContactFields = {};
  let any = false;
  for (const [key, value] of Object.entries(wanted) as [keyof ContactFields, unknown][]) {
    const now = (current as unknown as Record<string, unknown>)[key];
    const same =
      value instanceof Date && now instanceof Date ? value.getTime() === now.getTime() : value === now;
    if (!same) {
      (changes as Record<string, unknown>)[key] = value;
      any = true;
    }
  }
  return any ? changes : null;
}

/** Activity and last-seen times are recorded at this resolution (see profileChanges). */
const ACTIVITY_RESOLUTION_MS = 60_000;

/** True when `next` is at least ACTIVITY_RESOLUTION_MS after `current` (or there is no current time). */
export function movesForward(current: Date | null, next: Date): boolean {
  return current === null || next.getTime() - current.getTime() >= ACTIVITY_RESOLUTION_MS;
}
