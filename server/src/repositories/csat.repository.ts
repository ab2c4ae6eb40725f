import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type { CsatResponse } from '../db/schema.ts';

/** CSAT surveys and their ratings (one row per survey sent); reports read this table. */
export class CsatRepository {
  constructor(private readonly db: DbOrTx) {}

  create(row: {
    conversationId: string;
    contactId: string | null;
    assigneeId: string | null;
    sentAt: Date;
  }): Promise<CsatResponse> {
    return this.db.insertInto('csatResponses').values(row).returningAll().executeTakeFirstOrThrow();
  }

  getForUpdate(id: string): Promise<CsatResponse | undefined> {
    return this.db
      .selectFrom('csatResponses')
      .selectAll()
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
  }

  setMessage(id: string, messageId: string): Promise<unknown> {
    return this.db.updateTable('csatResponses').set({ messageId }).where('id', '=', id).execute();
  }

  /** Records (or changes) a rating and opens the comment window. */
  rate(id: string, rating: number, at: Date, awaitingCommentUntil: Date): Promise<CsatResponse> {
    return this.db
      .updateTable('csatResponses')
      .set({ rating, ratedAt: at, awaitingCommentUntil })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** The contact's survey waiting for a comment at `at`, locked (by contact: the comment may open a new conversation). */
  awaitingCommentOf(contactId: string, at: Date): Promise<CsatResponse | undefined> {
    return this.db
      .selectFrom('csatResponses')
      .selectAll()
      .where('contactId', '=', contactId)
      .where('awaitingCommentUntil', '>', at)
      .orderBy('sentAt', 'desc')
      .limit(1)
      .forUpdate()
      .executeTakeFirst();
  }

  /** Stores the comment and closes the window. */
  setComment(id: string, comment: string): Promise<CsatResponse> {
    return this.db
      .updateTable('csatResponses')
      .set({ comment, awaitingCommentUntil: null })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** Every survey of a conversation, newest first. */
  listForConversation(conversationId: string): Promise<CsatResponse[]> {
    return this.db
      .selectFrom('csatResponses')
      .selectAll()
      .where('conversationId', '=', conversationId)
      .orderBy(sql`sent_at desc`)
      .execute();
  }
}
