import type { DbOrTx } from '../db/database.ts';
import type { Notification, NotificationDigest } from '../db/schema.ts';

/**
 * Digests: the one open digest per (contact, type) and its members. The unique partial index on open digests decides
 * which of concurrent first events opens it; everyone else joins that one.
 */
export class NotificationDigestsRepository {
  constructor(private readonly db: DbOrTx) {}

  /**
   * The open digest of this contact and type, share-locked until the transaction ends (its flush waits for the member
   * being added, and a digest being flushed is not joined).
   */
  openLocked(contactId: string, typeId: string): Promise<NotificationDigest | undefined> {
    return this.db
      .selectFrom('notificationDigests')
      .selectAll()
      .where('contactId', '=', contactId)
      .where('typeId', '=', typeId)
      .where('status', '=', 'open')
      .forShare()
      .executeTakeFirst();
  }

  /** Opens a digest; undefined when another one is open already (or being opened by a concurrent transaction). */
  open(contactId: string, typeId: string, flushAt: Date, at: Date): Promise<NotificationDigest | undefined> {
    return this.db
      .insertInto('notificationDigests')
      .values({ contactId, typeId, flushAt, createdAt: at })
      .onConflict((oc) => oc.columns(['contactId', 'typeId']).where('status', '=', 'open').doNothing())
      .returningAll()
      .executeTakeFirst();
  }

  /** Closes an open digest; undefined when it was closed already (its flush ran). */
  close(id: string, at: Date): Promise<NotificationDigest | undefined> {
    return this.db
      .updateTable('notificationDigests')
      .set({ status: 'closed', closedAt: at })
      .where('id', '=', id)
      .where('status', '=', 'open')
      .returningAll()
      .executeTakeFirst();
  }

  get(id: string): Promise<NotificationDigest | undefined> {
    return this.db.selectFrom('notificationDigests').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async setCarrier(id: string, notificationId: string): Promise<void> {
    await this.db
      .updateTable('notificationDigests')
      .set({ carrierId: notificationId })
      .where('id', '=', id)
      .execute();
  }

  /** The digest's events in the order they came. */
  members(id: string): Promise<Notification[]> {
    return this.db
      .selectFrom('notifications')
      .selectAll()
      .where('digestId', '=', id)
      .orderBy('createdAt')
      .orderBy('id')
      .execute();
  }
}
