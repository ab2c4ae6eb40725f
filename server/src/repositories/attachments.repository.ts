// Shared with B (file storage): A added insert + listForMessages for the receive path; B owns this file from here on.
import type { DbOrTx } from '../db/database.ts';
import type { Attachment, AttachmentKindColumn, Channel } from '../db/schema.ts';

/** File metadata as a channel reports it; the bytes come later (download job). */
export interface NewAttachment {
  messageId: string;
  kind: AttachmentKindColumn;
  fileName?: string | null;
  mimeType?: string | null;
  size?: number | null;
  width?: number | null;
  height?: number | null;
  duration?: number | null;
  externalFileId?: string | null;
  externalUniqueId?: string | null;
}

/** Attachments of messages (metadata rows; storage_status tells whether the bytes are in FileStorage). */
export class AttachmentsRepository {
  constructor(private readonly db: DbOrTx) {}

  get(id: string): Promise<Attachment | undefined> {
    return this.db.selectFrom('attachments').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** A file uploaded by the team to send later: bytes already stored, no message yet (the send attaches it). */
  createUploaded(a: {
    id: string;
    kind: AttachmentKindColumn;
    fileName: string | null;
    mimeType: string | null;
    size: number;
    storageKey: string;
  }): Promise<Attachment> {
    return this.db
      .insertInto('attachments')
      .values({ ...a, messageId: null, storageStatus: 'stored' })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** The channel and conversation an attachment came through (attachment → message → conversation → channel). */
  sourceOf(id: string): Promise<{ conversationId: string; channel: Channel } | undefined> {
    return this.db
      .selectFrom('attachments as a')
      .innerJoin('messages as m', 'm.id', 'a.messageId')
      .innerJoin('conversations as c', 'c.id', 'm.conversationId')
      .innerJoin('channels as ch', 'ch.id', 'c.channelId')
      .selectAll('ch')
      .select('c.id as conversationId')
      .where('a.id', '=', id)
      .executeTakeFirst()
      .then((row) => {
        if (!row) return undefined;
        const { conversationId, ...channel } = row;
        return { conversationId, channel: channel as Channel };
      });
  }

  /**
   * Records the downloaded bytes, only while the row is still pending: a concurrent or repeated download that lost
   * the race gets undefined and leaves the winner's result alone.
   */
  markStored(
    id: string,
    v: { storageKey: string; size: number; mimeType: string | null },
  ): Promise<Attachment | undefined> {
    return this.db
      .updateTable('attachments')
      .set({
        storageStatus: 'stored',
        storageKey: v.storageKey,
        size: v.size,
        mimeType: v.mimeType,
        error: null,
      })
      .where('id', '=', id)
      .where('storageStatus', '=', 'pending')
      .returningAll()
      .executeTakeFirst();
  }

  /**
   * Deletes uploads that were never attached to a message and are older than `before`, at most `limit`, and returns
   * their storage keys for the caller to remove. `message_id is null` is checked again by the delete itself, so an upload
   * attached by a send in the meantime is kept.
   */
  async deleteUnsentUploads(
    before: Date,
    limit: number,
  ): Promise<Array<{ id: string; storageKey: string | null }>> {
    return this.db
      .deleteFrom('attachments')
      .where(
        'id',
        'in',
        this.db
          .selectFrom('attachments')
          .select('id')
          .where('messageId', 'is', null)
          .where('createdAt', '<', before)
          .orderBy('createdAt')
          .limit(limit),
      )
      .where('messageId', 'is', null)
      .returning(['id', 'storageKey'])
      .execute();
  }

  /** Gives up on the bytes for good: too_big (over the platform's download limit) or failed (with the reason). */
  markUnavailable(id: string, status: 'too_big' | 'failed', error: string): Promise<Attachment | undefined> {
    return this.db
      .updateTable('attachments')
      .set({ storageStatus: status, error })
      .where('id', '=', id)
      .where('storageStatus', '=', 'pending')
      .returningAll()
      .executeTakeFirst();
  }

  /** Inserts metadata with storage_status pending. */
  insert(a: NewAttachment): Promise<Attachment> {
    return this.db.insertInto('attachments').values(a).returningAll().executeTakeFirstOrThrow();
  }

  /** Attachments of many messages at once (no N+1 on message pages), in insertion order. */
  listForMessages(messageIds: string[]): Promise<Attachment[]> {
    if (messageIds.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('attachments')
      .selectAll()
      .where('messageId', 'in', messageIds)
      .orderBy('createdAt')
      .orderBy('id')
      .execute();
  }
}
