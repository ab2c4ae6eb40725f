import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type { Conversation, Message } from '../db/schema.ts';

/** A contact's identity on a channel, with what sending needs to know about both. */
export interface ReachableIdentity {
  identityId: string;
  channelId: string;
  externalId: string;
  reachable: boolean;
  lastError: string | null;
  channelType: string;
  channelStatus: string;
}

/**
 * Writes of the reply tools: notes, the answered/first-reply marks, auto-reply claims, outgoing edits and
 * deletes, identities to start a conversation on. Conversation reads and the list stay in ConversationsRepository.
 */
export class RepliesRepository {
  constructor(private readonly db: DbOrTx) {}

  /** Inserts a private note (never sent, no delivery state). */
  insertNote(n: {
    conversationId: string;
    senderUserId: string | null;
    content: string | null;
    contentAttributes: Record<string, unknown>;
    replyToId: string | null;
  }): Promise<Message> {
    return this.db
      .insertInto('messages')
      .values({
        ...n,
        messageType: 'note',
        senderType: n.senderUserId ? 'user' : 'bot',
        contentAttributes: JSON.stringify(n.contentAttributes),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** An agent answered: nobody is waiting any more, and the first reply time is kept once. */
  markAnswered(conversationId: string, at: Date): Promise<Conversation> {
    return this.db
      .updateTable('conversations')
      .set({
        waitingSince: null,
        firstReplyAt: sql`coalesce(first_reply_at, ${at}::timestamptz)`,
        updatedAt: sql`now()`,
      })
      .where('id', '=', conversationId)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** Claims the conversation's one auto-reply: true for the single caller that set auto_reply_sent_at. */
  async claimAutoReply(conversationId: string, at: Date): Promise<boolean> {
    const row = await this.db
      .updateTable('conversations')
      .set({ autoReplySentAt: at })
      .where('id', '=', conversationId)
      .where('autoReplySentAt', 'is', null)
      .returning('id')
      .executeTakeFirst();
    return row !== undefined;
  }

  /** A message of a conversation, locked for an edit or delete. */
  messageForUpdate(conversationId: string, messageId: string): Promise<Message | undefined> {
    return this.db
      .selectFrom('messages')
      .selectAll()
      .where('id', '=', messageId)
      .where('conversationId', '=', conversationId)
      .forUpdate()
      .executeTakeFirst();
  }

  /** Merges keys into a message's content_attributes (remote edit/delete state). */
  mergeAttributes(id: string, attrs: Record<string, unknown>): Promise<Message> {
    return this.db
      .updateTable('messages')
      .set({
        contentAttributes: sql`content_attributes || ${JSON.stringify(attrs)}::jsonb`,
        updatedAt: sql`now()`,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** Marks a message deleted: the row and content stay for the audit; the API shows it as deleted. */
  markDeleted(id: string, attrs: Record<string, unknown>): Promise<Message> {
    return this.db
      .updateTable('messages')
      .set({
        deletedAt: sql`now()`,
        contentAttributes: sql`content_attributes || ${JSON.stringify(attrs)}::jsonb`,
        updatedAt: sql`now()`,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /**
   * A contact's identities, most recently heard from first (a channel given: only there). Sending needs a reachable
   * identity on an active channel; the caller explains why none is.
   */
  identitiesOf(contactId: string, channelId?: string): Promise<ReachableIdentity[]> {
    let q = this.db
      .selectFrom('contactChannels as cc')
      .innerJoin('channels as ch', 'ch.id', 'cc.channelId')
      .select([
        'cc.id as identityId',
        'cc.channelId',
        'cc.externalId',
        'cc.reachable',
        'cc.lastError',
        'ch.type as channelType',
        'ch.status as channelStatus',
      ])
      .where('cc.contactId', '=', contactId)
      .orderBy(sql`cc.last_seen_at desc nulls last`)
      .orderBy('cc.createdAt', 'desc');
    if (channelId) q = q.where('cc.channelId', '=', channelId);
    return q.execute();
  }

  /** Keeps the latest CSAT rating on its conversation (see migration 0013). */
  setConversationCsat(conversationId: string, csat: Record<string, unknown> | null): Promise<Conversation> {
    return this.db
      .updateTable('conversations')
      .set({ csat: csat === null ? null : JSON.stringify(csat), updatedAt: sql`now()` })
      .where('id', '=', conversationId)
      .returningAll()
      .executeTakeFirstOrThrow();
  }
}
