import { sql, type Updateable } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type { NotificationType, NotificationTypesTable } from '../db/schema.ts';

/** Writable columns of a notification type. */
export type NotificationTypeWrite = Omit<
  Updateable<NotificationTypesTable>,
  'id' | 'builtIn' | 'createdAt' | 'updatedAt'
>;

/** Notification types: few rows (tens), so the list is unpaginated. */
export class NotificationTypesRepository {
  constructor(private readonly db: DbOrTx) {}

  /** Built-ins first, then by key. */
  list(): Promise<NotificationType[]> {
    return this.db
      .selectFrom('notificationTypes')
      .selectAll()
      .orderBy('builtIn', 'desc')
      .orderBy('key')
      .limit(1000)
      .execute();
  }

  get(id: string, forUpdate = false): Promise<NotificationType | undefined> {
    let q = this.db.selectFrom('notificationTypes').selectAll().where('id', '=', id);
    if (forUpdate) q = q.forUpdate();
    return q.executeTakeFirst();
  }

  getByKey(key: string, forUpdate = false): Promise<NotificationType | undefined> {
    let q = this.db.selectFrom('notificationTypes').selectAll().where('key', '=', key);
    if (forUpdate) q = q.forUpdate();
    return q.executeTakeFirst();
  }

  /** Several types by key (a batch trigger resolves its keys at once). */
  getByKeys(keys: string[]): Promise<NotificationType[]> {
    if (!keys.length) return Promise.resolve([]);
    return this.db.selectFrom('notificationTypes').selectAll().where('key', 'in', keys).execute();
  }

  /** Inserts a type; undefined when the key is taken (the unique key decides, not a check before). */
  create(row: NotificationTypeWrite & { key: string; name: string }): Promise<NotificationType | undefined> {
    return this.db
      .insertInto('notificationTypes')
      .values(row as never)
      .onConflict((oc) => oc.column('key').doNothing())
      .returningAll()
      .executeTakeFirst();
  }

  update(id: string, patch: NotificationTypeWrite): Promise<NotificationType> {
    return this.db
      .updateTable('notificationTypes')
      .set({ ...patch, updatedAt: sql`now()` })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async delete(id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('notificationTypes').where('id', '=', id).executeTakeFirst();
    return r.numDeletedRows > 0n;
  }

  /** Whether a template exists and has this format (a type's template per channel kind must match it). */
  async templateFormat(id: string): Promise<string | undefined> {
    const r = await this.db.selectFrom('templates').select('format').where('id', '=', id).executeTakeFirst();
    return r?.format;
  }
}
