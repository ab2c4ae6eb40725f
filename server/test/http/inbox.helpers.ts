import { sql } from 'kysely';
import type { Conversation, ConversationsTable, Message } from '../../src/db/schema.ts';
import type { TestApp } from '../support/test-app.ts';

/** Inbox fixtures written straight to the database: channels, conversations and messages without a bot. */

let chat = 900_000_001;

export async function makeChannel(app: TestApp, name = 'Support'): Promise<string> {
  const channel = await app.services.ctx.repos.channels.create({ type: 'telegram', name });
  return channel.id;
}

/** A private conversation with a new contact; `set` overrides workflow columns after insert. */
export async function makeConversation(
  app: TestApp,
  channelId: string,
  opts: {
    contact?: { name?: string; username?: string };
    set?: Partial<Record<keyof ConversationsTable, unknown>>;
  } = {},
): Promise<Conversation> {
  const repos = app.services.ctx.repos;
  const contact = await repos.contacts.create({
    name: opts.contact?.name ?? 'Иван Петров',
    firstName: 'Иван',
    username: opts.contact?.username ?? null,
  });
  const c = await repos.conversations.create({
    channelId,
    contactId: contact.id,
    chatExternalId: String(chat++),
    chatKind: 'private',
    title: null,
    lastActivityAt: new Date(),
  });
  if (!opts.set) return c;
  const set = { ...opts.set } as Record<string, unknown>;
  if (set.customAttributes) set.customAttributes = JSON.stringify(set.customAttributes);
  return app.services.ctx.db
    .updateTable('conversations')
    .set(set as never)
    .where('id', '=', c.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A message at a given time (default now). */
export async function addMessage(
  app: TestApp,
  conversationId: string,
  content: string,
  opts: { type?: 'incoming' | 'outgoing' | 'note'; at?: Date } = {},
): Promise<Message> {
  const type = opts.type ?? 'incoming';
  const m = await app.services.ctx.repos.messages.insert({
    conversationId,
    messageType: type,
    senderType: type === 'incoming' ? 'contact' : 'user',
    sourceId: null,
    content,
    contentAttributes: {},
  });
  if (!opts.at) return m!;
  return app.services.ctx.db
    .updateTable('messages')
    .set({ createdAt: opts.at })
    .where('id', '=', m!.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Makes a user a member of a channel (visibility of its unassigned conversations). */
export async function joinChannel(app: TestApp, channelId: string, userId: string): Promise<void> {
  await app.services.ctx.db.insertInto('channelMembers').values({ channelId, userId }).execute();
}

export async function makeTeam(app: TestApp, name: string, memberIds: string[]): Promise<string> {
  const db = app.services.ctx.db;
  const team = await db.insertInto('teams').values({ name }).returning('id').executeTakeFirstOrThrow();
  for (const userId of memberIds)
    await db.insertInto('teamMembers').values({ teamId: team.id, userId }).execute();
  return team.id;
}

export async function makeLabel(app: TestApp, name: string): Promise<void> {
  await app.services.ctx.db.insertInto('labels').values({ name }).execute();
}

/** Activity lines of a conversation, oldest first: their kinds. */
export async function activityKinds(app: TestApp, conversationId: string): Promise<string[]> {
  const rows = await app.services.ctx.db
    .selectFrom('messages')
    .select(sql<string>`content_attributes->'activity'->>'kind'`.as('kind'))
    .where('conversationId', '=', conversationId)
    .where('messageType', '=', 'activity')
    .orderBy('createdAt')
    .orderBy('id')
    .execute();
  return rows.map((r) => r.kind);
}
