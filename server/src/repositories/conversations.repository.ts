import { type SqlBool, sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type { Conversation, ConversationStatus } from '../db/schema.ts';
import type { CursorPosition } from '../lib/cursor.ts';

/** Filters of the conversation list. */
export interface ConversationFilter {
  channelId?: string;
  contactId?: string;
  status?: ConversationStatus;
}

/** Conversations: one per chat on a channel; at most one not resolved per chat (partial unique index). */
export class ConversationsRepository {
  constructor(private readonly db: DbOrTx) {}

  get(id: string): Promise<Conversation | undefined> {
    return this.db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** The chat's conversation that is not resolved, locked so concurrent messages update it in turn. */
  findOpenForUpdate(channelId: string, chatExternalId: string): Promise<Conversation | undefined> {
    return this.db
      .selectFrom('conversations')
      .selectAll()
      .where('channelId', '=', channelId)
      .where('chatExternalId', '=', chatExternalId)
      .where('status', '<>', 'resolved')
      .forUpdate()
      .executeTakeFirst();
  }

  /** Inserts a conversation; a concurrent open one for the same chat raises a unique violation (the caller retries). */
  create(values: {
    channelId: string;
    contactId: string | null;
    chatExternalId: string;
    chatKind: 'private' | 'group';
    title: string | null;
    lastActivityAt: Date;
  }): Promise<Conversation> {
    return this.db.insertInto('conversations').values(values).returningAll().executeTakeFirstOrThrow();
  }

  /** Records activity (never moving it backwards: updates may be processed late) and a group's current title. */
  touch(id: string, at: Date, title?: string): Promise<Conversation> {
    return this.db
      .updateTable('conversations')
      .set({
        lastActivityAt: sql`greatest(last_activity_at, ${at}::timestamptz)`,
        updatedAt: sql`now()`,
        ...(title !== undefined ? { title } : {}),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** Every conversation of a chat (any status), oldest first, locked: a migration moves them all. */
  listByChatForUpdate(channelId: string, chatExternalId: string): Promise<Conversation[]> {
    return this.db
      .selectFrom('conversations')
      .selectAll()
      .where('channelId', '=', channelId)
      .where('chatExternalId', '=', chatExternalId)
      .orderBy('createdAt')
      .forUpdate()
      .execute();
  }

  /** Points conversations at a chat's new id. */
  moveToChat(ids: string[], chatExternalId: string): Promise<Conversation[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db
      .updateTable('conversations')
      .set({ chatExternalId, updatedAt: sql`now()` })
      .where('id', 'in', ids)
      .returningAll()
      .execute();
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('conversations').where('id', '=', id).execute();
  }

  /** Keyset page, most recent activity first; `sortValue` is the cursor's value. */
  list(opts: {
    filter: ConversationFilter;
    limit: number;
    after?: CursorPosition;
  }): Promise<Array<Conversation & { sortValue: string }>> {
    const { channelId, contactId, status } = opts.filter;
    let q = this.db
      .selectFrom('conversations')
      .selectAll()
      .select(sql<string>`last_activity_at::text`.as('sortValue'))
      .orderBy(sql`last_activity_at desc, id desc`)
      .limit(opts.limit);
    if (channelId) q = q.where('channelId', '=', channelId);
    if (contactId) q = q.where('contactId', '=', contactId);
    if (status) q = q.where('status', '=', status);
    if (opts.after)
      q = q.where(
        sql<SqlBool>`(last_activity_at, id) < (${opts.after.v}::timestamptz, ${opts.after.id}::uuid)`,
      );
    return q.execute();
  }
}
