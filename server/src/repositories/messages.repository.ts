import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type { Message, MessageType, SenderType } from '../db/schema.ts';
import type { CursorPosition } from '../lib/cursor.ts';

/** One earlier version of an edited message, kept in edit_history (oldest first). */
export interface MessageVersion {
  content: string | null;
  contentAttributes: Record<string, unknown>;
  /** When this version was written: null for the original. */
  editedAt: string | null;
}

/** A message as the receive path inserts it. */
export interface NewMessage {
  conversationId: string;
  messageType: MessageType;
  senderType: SenderType;
  senderContactId?: string | null;
  senderUserId?: string | null;
  sourceId: string | null;
  content: string | null;
  contentAttributes: Record<string, unknown>;
  replyToId?: string | null;
  editedAt?: Date | null;
  throttled?: boolean;
  sentAt?: Date | null;
  /** Default now() (the transaction's start); activity lines pass clock_timestamp() to keep their order. */
  createdAt?: Date | RawBuilder<Date>;
}

/** Messages of conversations, in either direction. */
export class MessagesRepository {
  constructor(private readonly db: DbOrTx) {}

  get(id: string): Promise<Message | undefined> {
    return this.db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** A message of a conversation by the platform's id. */
  findBySource(conversationId: string, sourceId: string): Promise<Message | undefined> {
    return this.db
      .selectFrom('messages')
      .selectAll()
      .where('conversationId', '=', conversationId)
      .where('sourceId', '=', sourceId)
      .executeTakeFirst();
  }

  /**
   * A message by the platform's id in any conversation of a chat (newest conversation first); `lock` holds it for an
   * edit until the transaction ends.
   */
  findInChat(
    channelId: string,
    chatExternalId: string,
    sourceId: string,
    opts: { lock?: boolean } = {},
  ): Promise<Message | undefined> {
    const q = this.db
      .selectFrom('messages as m')
      .innerJoin('conversations as c', 'c.id', 'm.conversationId')
      .selectAll('m')
      .where('c.channelId', '=', channelId)
      .where('c.chatExternalId', '=', chatExternalId)
      .where('m.sourceId', '=', sourceId)
      .orderBy('c.createdAt', 'desc')
      .limit(1);
    return (opts.lock ? q.forUpdate('m') : q).executeTakeFirst();
  }

  /** Inserts a message; undefined when the conversation already has one with this source id (a redelivery). */
  insert(m: NewMessage): Promise<Message | undefined> {
    return this.db
      .insertInto('messages')
      .values({ ...m, contentAttributes: JSON.stringify(m.contentAttributes) })
      .onConflict((oc) =>
        oc.columns(['conversationId', 'sourceId']).where('sourceId', 'is not', null).doNothing(),
      )
      .returningAll()
      .executeTakeFirst();
  }

  /**
   * Inserts several messages in one statement; a message whose platform id its conversation holds already is skipped,
   * as in insert(). Returns the rows stored (any order).
   */
  insertMany(all: NewMessage[]): Promise<Message[]> {
    if (all.length === 0) return Promise.resolve([]);
    return this.db
      .insertInto('messages')
      .values(all.map((m) => ({ ...m, contentAttributes: JSON.stringify(m.contentAttributes) })))
      .onConflict((oc) =>
        oc.columns(['conversationId', 'sourceId']).where('sourceId', 'is not', null).doNothing(),
      )
      .returningAll()
      .execute();
  }

  /** Replaces the content of a message with a new version, appending the previous one to its history. */
  applyEdit(
    id: string,
    change: { content: string | null; contentAttributes: Record<string, unknown>; editedAt: Date },
    previous: MessageVersion,
  ): Promise<Message> {
    return this.db
      .updateTable('messages')
      .set({
        content: change.content,
        contentAttributes: JSON.stringify(change.contentAttributes),
        editedAt: change.editedAt,
        editHistory: sql`edit_history || ${JSON.stringify([previous])}::jsonb`,
        updatedAt: sql`now()`,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** Moves every message of one conversation into another (a group's two conversations merged after a migration). */
  async moveToConversation(fromId: string, toId: string): Promise<void> {
    await this.db
      .updateTable('messages')
      .set({ conversationId: toId, updatedAt: sql`now()` })
      .where('conversationId', '=', fromId)
      .execute();
  }

  /**
   * Qualifies the platform ids of a conversation's messages with the chat they were said in. A Telegram supergroup
   * numbers its messages afresh, so after a migration "57" of the old group and "57" of the new one must differ.
   */
  async qualifySourceIds(conversationIds: string[], chatExternalId: string): Promise<void> {
    if (conversationIds.length === 0) return;
    await this.db
      .updateTable('messages')
      .set({ sourceId: sql`${`${chatExternalId}:`}::text || source_id` })
      .where('conversationId', 'in', conversationIds)
      .where('sourceId', 'is not', null)
      .where(sql<SqlBool>`position(':' in source_id) = 0`)
      .execute();
  }

  /**
   * Keyset page of a conversation. Default newest first, `after` being the oldest message of the previous (newer) page;
   * with `newer`, oldest first from just after `after` (catching up forward).
   */
  listPage(opts: {
    conversationId: string;
    limit: number;
    after?: CursorPosition;
    newer?: boolean;
  }): Promise<Array<Message & { sortValue: string }>> {
    const dir = opts.newer ? 'asc' : 'desc';
    let q = this.db
      .selectFrom('messages')
      .selectAll()
      .select(sql<string>`created_at::text`.as('sortValue'))
      .where('conversationId', '=', opts.conversationId)
      .orderBy(sql.raw(`created_at ${dir}, id ${dir}`))
      .limit(opts.limit);
    if (opts.after)
      q = q.where(
        sql<SqlBool>`(created_at, id) ${sql.raw(opts.newer ? '>' : '<')} (${opts.after.v}::timestamptz, ${opts.after.id}::uuid)`,
      );
    return q.execute();
  }
}
