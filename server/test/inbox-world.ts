import { sql } from 'kysely';
import type { Conversation, Message } from '../src/db/schema.ts';
import { presentConversation, presentMessage } from '../src/http/conversation.presenters.ts';
import { inTransaction } from '../src/services/context.ts';
import type { TestApp } from './support/test-app.ts';

let serial = 0;

/**
 * Builds inbox fixtures straight in the database and publishes the realtime events the services would, through the
 * real publish path (pg_notify in the transaction, scope read there). Realtime and report tests use it so they do
 * not depend on the assignment and reply routes.
 */
export function inboxWorld(app: TestApp) {
  const { ctx } = app.services;
  const db = ctx.db;
  return {
    async channel(name = 'Support'): Promise<string> {
      const r = await sql<{
        id: string;
      }>`insert into channels (type, name) values ('telegram', ${name}) returning id`.execute(db);
      return r.rows[0]!.id;
    },
    async team(memberIds: string[]): Promise<string> {
      serial += 1;
      const r = await sql<{
        id: string;
      }>`insert into teams (name) values (${`Team ${serial}-${process.pid}`}) returning id`.execute(db);
      const id = r.rows[0]!.id;
      for (const u of memberIds)
        await sql`insert into team_members (team_id, user_id) values (${id}, ${u})`.execute(db);
      return id;
    },
    async channelMember(channelId: string, userId: string): Promise<void> {
      await sql`insert into channel_members (channel_id, user_id) values (${channelId}, ${userId})`.execute(
        db,
      );
    },
    /** A conversation (published as conversation.created). */
    async conversation(
      channelId: string,
      opts: { assigneeId?: string | null; teamId?: string | null; createdAt?: Date } = {},
    ): Promise<Conversation> {
      serial += 1;
      return inTransaction(ctx, async (r, tx) => {
        const created = await r.conversations.create({
          channelId,
          contactId: null,
          chatExternalId: `chat-${serial}-${process.pid}`,
          chatKind: 'private',
          title: null,
          lastActivityAt: opts.createdAt ?? new Date(),
        });
        await sql`update conversations set assignee_id = ${opts.assigneeId ?? null}, team_id = ${opts.teamId ?? null},
            created_at = coalesce(${opts.createdAt ?? null}::timestamptz, created_at) where id = ${created.id}`.execute(
          tx,
        );
        const c = (await r.conversations.get(created.id))!;
        await r.realtime.publish('conversations', 'conversation.created', {
          conversation: presentConversation(c),
        });
        return c;
      });
    },
    /** Changes assignee/team (published as conversation.updated, as the assignment service would). */
    async assign(id: string, assigneeId: string | null, teamId: string | null = null): Promise<void> {
      await inTransaction(ctx, async (r, tx) => {
        await sql`update conversations set assignee_id = ${assigneeId}, team_id = ${teamId}, updated_at = now() where id = ${id}`.execute(
          tx,
        );
        const c = (await r.conversations.get(id))!;
        await r.realtime.publish('conversations', 'conversation.updated', {
          conversation: presentConversation(c),
        });
      });
    },
    /** A customer message (published as message.created, then conversation.updated). */
    async message(conversationId: string, content: string): Promise<Message> {
      serial += 1;
      return inTransaction(ctx, async (r) => {
        const m = (await r.messages.insert({
          conversationId,
          messageType: 'incoming',
          senderType: 'contact',
          sourceId: `src-${serial}`,
          content,
          contentAttributes: {},
          sentAt: new Date(),
        }))!;
        const c = await r.conversations.touch(conversationId, new Date());
        await r.realtime.publish('conversations', 'message.created', {
          conversationId,
          message: presentMessage(m, []),
        });
        await r.realtime.publish('conversations', 'conversation.updated', {
          conversation: presentConversation(c),
        });
        return m;
      });
    },
  };
}
