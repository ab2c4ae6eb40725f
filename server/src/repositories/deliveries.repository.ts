import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type { Attachment, AttemptOutcome, Conversation, Message, SenderType } from '../db/schema.ts';

/**
 * The outgoing side of messages: queued replies, their per-part progress, outcomes and delivery attempts.
 *
 * Progress lives in `messages.content_attributes.delivery` = `{ parts: string[][], inFlight: number | null, total }`:
 * `parts` holds the platform ids of each part already delivered, `inFlight` the part whose request may be on its way
 * (the window of doubt). Sent messages also get `externalIds` (every id, in order) and `source_id` (the first).
 */
export class DeliveriesRepository {
  constructor(private readonly db: DbOrTx) {}

  /** Inserts an outgoing message as queued. */
  createOutgoing(m: {
    conversationId: string;
    senderType: SenderType;
    senderUserId: string | null;
    content: string | null;
    contentAttributes: Record<string, unknown>;
    replyToId: string | null;
    priority: 'interactive' | 'bulk';
  }): Promise<Message> {
    return this.db
      .insertInto('messages')
      .values({
        ...m,
        messageType: 'outgoing',
        contentAttributes: JSON.stringify(m.contentAttributes),
        deliveryStatus: 'queued',
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** Attachments by id (for checking a reply's files before queueing it). */
  attachmentsByIds(ids: string[]): Promise<Attachment[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db.selectFrom('attachments').selectAll().where('id', 'in', ids).execute();
  }

  /** Links uploaded attachments to their message; only unlinked ones, so a file never moves between messages. */
  async linkAttachments(messageId: string, ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const res = await this.db
      .updateTable('attachments')
      .set({ messageId })
      .where('id', 'in', ids)
      .where('messageId', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows);
  }

  /** The attachments a message carries. */
  attachmentsOf(messageId: string): Promise<Attachment[]> {
    return this.db
      .selectFrom('attachments')
      .selectAll()
      .where('messageId', '=', messageId)
      .orderBy('createdAt')
      .orderBy('id')
      .execute();
  }

  /** A message with its conversation (the chat to send to). */
  async getForSend(id: string): Promise<{ message: Message; conversation: Conversation } | undefined> {
    const message = await this.db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst();
    if (!message) return undefined;
    const conversation = await this.db
      .selectFrom('conversations')
      .selectAll()
      .where('id', '=', message.conversationId)
      .executeTakeFirstOrThrow();
    return { message, conversation };
  }

  /** A conversation by id (the outbound path needs only the row). */
  getConversation(id: string): Promise<Conversation | undefined> {
    return this.db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** The platform id of a message of this conversation (reply-to), if it has one. */
  async sourceIdOf(conversationId: string, messageId: string): Promise<string | null | undefined> {
    const row = await this.db
      .selectFrom('messages')
      .select('sourceId')
      .where('id', '=', messageId)
      .where('conversationId', '=', conversationId)
      .executeTakeFirst();
    return row === undefined ? undefined : row.sourceId;
  }

  /**
   * Part `part` of `total` is about to leave: the message is 'sending' and that part is in doubt until recorded. False when
   * the bulk sender holds the message (held_until set): then this run must not send it.
   */
  async markInFlight(id: string, part: number, total: number): Promise<boolean> {
    const res = await sql`update messages set delivery_status = 'sending', updated_at = now(),
        content_attributes = jsonb_set(content_attributes, '{delivery}',
          coalesce(content_attributes->'delivery', '{}') || jsonb_build_object('inFlight', ${part}::int, 'total', ${total}::int))
      where id = ${id}::uuid and held_until is null`.execute(this.db);
    return Number(res.numAffectedRows ?? 0) > 0;
  }

  /** Part `part` was accepted with these ids: appended to the delivered parts, nothing in doubt. */
  async recordPart(id: string, part: number, ids: string[]): Promise<void> {
    // Guarded on the part count so a repeated call (a retried statement) never appends the same part twice.
    await sql`update messages set updated_at = now(),
        content_attributes = jsonb_set(content_attributes, '{delivery}',
          coalesce(content_attributes->'delivery', '{}') || jsonb_build_object('inFlight', null,
            'parts', coalesce(content_attributes->'delivery'->'parts', '[]') || jsonb_build_array(${JSON.stringify(ids)}::jsonb)))
      where id = ${id}::uuid
        and jsonb_array_length(coalesce(content_attributes->'delivery'->'parts', '[]')) = ${part}::int`.execute(
      this.db,
    );
  }

  /** Delivered: first id as source_id, every id in externalIds. */
  markSent(id: string, parts: string[][]): Promise<Message> {
    const ids = parts.flat();
    return sql<Message>`update messages set delivery_status = 'sent', delivery_error = null, sent_at = now(),
        updated_at = now(), source_id = ${ids[0] ?? null},
        content_attributes = content_attributes || jsonb_build_object('externalIds', ${JSON.stringify(ids)}::jsonb,
          'delivery', coalesce(content_attributes->'delivery', '{}')
            || jsonb_build_object('inFlight', null, 'parts', ${JSON.stringify(parts)}::jsonb))
      where id = ${id}::uuid returning *`
      .execute(this.db)
      .then((r) => r.rows[0]!);
  }

  /** Failed for good, with the reason shown to the team. */
  markFailed(id: string, error: string): Promise<Message> {
    return this.setStatus(id, 'failed', error);
  }

  /** Back to queued after a retryable failure; the reason stays visible until the next attempt. */
  requeue(id: string, error: string): Promise<Message> {
    return this.setStatus(id, 'queued', error);
  }

  private setStatus(id: string, status: 'failed' | 'queued', error: string): Promise<Message> {
    return sql<Message>`update messages set delivery_status = ${status}, delivery_error = ${error}, updated_at = now(),
        content_attributes = case when content_attributes ? 'delivery'
          then jsonb_set(content_attributes, '{delivery,inFlight}', 'null') else content_attributes end
      where id = ${id}::uuid returning *`
      .execute(this.db)
      .then((r) => r.rows[0]!);
  }

  /** Records one attempt's outcome; attempts are numbered per message. */
  async addAttempt(a: {
    messageId: string;
    outcome: AttemptOutcome;
    errorCode?: number | null;
    description?: string | null;
    startedAt: Date;
  }): Promise<void> {
    await sql`insert into delivery_attempts (message_id, attempt, outcome, error_code, description, started_at)
      select ${a.messageId}::uuid, coalesce(max(attempt), 0) + 1, ${a.outcome}, ${a.errorCode ?? null}::int,
        ${a.description ?? null}, ${a.startedAt}::timestamptz
      from delivery_attempts where message_id = ${a.messageId}::uuid`.execute(this.db);
  }

  /** How many attempts of these outcomes a message has had. */
  async countAttempts(messageId: string, outcomes: AttemptOutcome[]): Promise<number> {
    const row = await this.db
      .selectFrom('deliveryAttempts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('messageId', '=', messageId)
      .where('outcome', 'in', outcomes)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Every attempt of a message, in order. */
  listAttempts(messageId: string) {
    return this.db
      .selectFrom('deliveryAttempts')
      .selectAll()
      .where('messageId', '=', messageId)
      .orderBy('attempt')
      .execute();
  }

  /** The newest mail the customer sent in a conversation (`content_attributes.email`): what an email reply answers. */
  lastIncomingEmail(
    conversationId: string,
  ): Promise<Pick<Message, 'sourceId' | 'contentAttributes'> | undefined> {
    return this.db
      .selectFrom('messages')
      .select(['sourceId', 'contentAttributes'])
      .where('conversationId', '=', conversationId)
      .where('messageType', '=', 'incoming')
      .where(sql<boolean>`content_attributes ? 'email'`)
      .orderBy('createdAt', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  /** The identity behind a private chat on a channel (Telegram: the chat id is the user id). */
  identityOfChat(channelId: string, chatExternalId: string) {
    return this.db
      .selectFrom('contactChannels')
      .select(['id', 'reachable', 'lastError'])
      .where('channelId', '=', channelId)
      .where('externalId', '=', chatExternalId)
      .executeTakeFirst();
  }
}
