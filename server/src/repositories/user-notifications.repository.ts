import { type SqlBool, sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type { User, UserNotification } from '../db/schema.ts';
import type { CursorPosition } from '../lib/cursor.ts';

/** In-app notifications of team members (mentions in notes; later assignments, SLA warnings). */
export class UserNotificationsRepository {
  constructor(private readonly db: DbOrTx) {}

  create(row: {
    userId: string;
    kind: string;
    conversationId: string | null;
    messageId: string | null;
    actorId: string | null;
    broadcastId?: string | null;
    detail?: string | null;
  }): Promise<UserNotification> {
    return this.db.insertInto('userNotifications').values(row).returningAll().executeTakeFirstOrThrow();
  }

  /** Active owners and admins: who hears about broadcasts the system paused. */
  async adminIds(): Promise<string[]> {
    const rows = await this.db
      .selectFrom('users')
      .select('id')
      .where('role', 'in', ['owner', 'admin'])
      .where('active', '=', true)
      .execute();
    return rows.map((r) => r.id);
  }

  /** A user's notifications, newest first (keyset after `after`). */
  list(opts: {
    userId: string;
    unreadOnly?: boolean;
    limit: number;
    after?: CursorPosition;
  }): Promise<Array<UserNotification & { sortValue: string }>> {
    let q = this.db
      .selectFrom('userNotifications')
      .selectAll()
      .select(sql<string>`created_at::text`.as('sortValue'))
      .where('userId', '=', opts.userId)
      .orderBy(sql`created_at desc, id desc`)
      .limit(opts.limit);
    if (opts.unreadOnly) q = q.where('readAt', 'is', null);
    if (opts.after)
      q = q.where(sql<SqlBool>`(created_at, id) < (${opts.after.v}::timestamptz, ${opts.after.id}::uuid)`);
    return q.execute();
  }

  async unreadCount(userId: string): Promise<number> {
    const row = await this.db
      .selectFrom('userNotifications')
      .select(sql<string>`count(*)`.as('n'))
      .where('userId', '=', userId)
      .where('readAt', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  get(userId: string, id: string): Promise<UserNotification | undefined> {
    return this.db
      .selectFrom('userNotifications')
      .selectAll()
      .where('userId', '=', userId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /** Marks read (or unread again); `ids` absent: every unread one. Returns how many changed. */
  async setRead(userId: string, read: boolean, ids?: string[]): Promise<number> {
    if (ids && ids.length === 0) return 0;
    let q = this.db
      .updateTable('userNotifications')
      .set({ readAt: read ? sql`now()` : null })
      .where('userId', '=', userId)
      .where('readAt', read ? 'is' : 'is not', null);
    if (ids) q = q.where('id', 'in', ids);
    const res = await q.executeTakeFirst();
    return Number(res.numUpdatedRows);
  }

  /** Active users named by a note's mentions: by id, or by the local part of their email (see services/mentions.ts). */
  mentionable(
    ids: string[],
    handles: string[],
  ): Promise<Array<Pick<User, 'id' | 'email' | 'role' | 'displayName'>>> {
    if (ids.length === 0 && handles.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('users')
      .select(['id', 'email', 'role', 'displayName'])
      .where('active', '=', true)
      .where((eb) =>
        eb.or([
          ...(ids.length ? [eb('id', 'in', ids)] : []),
          ...(handles.length
            ? [sql<SqlBool>`lower(split_part(email, '@', 1)) in (${sql.join(handles)})`]
            : []),
        ]),
      )
      .execute();
  }

  async delete(userId: string, id: string): Promise<boolean> {
    const res = await this.db
      .deleteFrom('userNotifications')
      .where('userId', '=', userId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }
}
