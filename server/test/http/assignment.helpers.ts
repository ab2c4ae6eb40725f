import type { Conversation } from '../../src/db/schema.ts';
import type { TestApp } from '../support/test-app.ts';

let chat = 0;

/** A channel row straight in the database (no bot behind it: assignment never talks to Telegram). */
export async function newChannel(app: TestApp, name = 'Support'): Promise<string> {
  const ch = await app.services.ctx.repos.channels.create({ type: 'telegram', name });
  return ch.id;
}

/** A conversation in a channel, optionally waiting since a given time. */
export async function newConversation(
  app: TestApp,
  channelId: string,
  extra: { waitingSince?: Date; teamId?: string } = {},
): Promise<Conversation> {
  chat += 1;
  const { repos, db } = app.services.ctx;
  const c = await repos.conversations.create({
    channelId,
    contactId: null,
    chatExternalId: `chat-${process.pid}-${chat}`,
    chatKind: 'private',
    title: null,
    lastActivityAt: new Date(),
  });
  if (extra.waitingSince || extra.teamId)
    return db
      .updateTable('conversations')
      .set({ waitingSince: extra.waitingSince ?? null, teamId: extra.teamId ?? null })
      .where('id', '=', c.id)
      .returningAll()
      .executeTakeFirstOrThrow();
  return c;
}

export async function addMember(app: TestApp, channelId: string, userId: string, capacity?: number | null) {
  await app.services.ctx.repos.memberships.addChannelMember(channelId, userId, capacity);
}

export async function newTeam(app: TestApp, name: string, allowAutoAssign = true): Promise<string> {
  const row = await app.services.ctx.db
    .insertInto('teams')
    .values({ name, allowAutoAssign })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function conversation(app: TestApp, id: string): Promise<Conversation> {
  return (await app.services.ctx.repos.conversations.get(id))!;
}

/** The activity lines of a conversation: kind and data, oldest first. */
export async function activities(app: TestApp, conversationId: string) {
  const rows = await app.services.ctx.db
    .selectFrom('messages')
    .select(['content', 'contentAttributes', 'senderUserId'])
    .where('conversationId', '=', conversationId)
    .where('messageType', '=', 'activity')
    .orderBy('createdAt')
    .orderBy('id')
    .execute();
  return rows.map((m) => ({
    content: m.content,
    senderUserId: m.senderUserId,
    ...((m.contentAttributes as { activity: { kind: string; data: Record<string, unknown> } }).activity ??
      {}),
  }));
}

export async function assignmentRows(app: TestApp, conversationId: string) {
  return app.services.ctx.db
    .selectFrom('conversationAssignments')
    .selectAll()
    .where('conversationId', '=', conversationId)
    .orderBy('id')
    .execute();
}
