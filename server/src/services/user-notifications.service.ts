import type { UserNotification } from '../db/schema.ts';
import { decodeCursor, encodeCursor, type Page } from '../lib/cursor.ts';
import { NotFoundError } from '../lib/errors.ts';
import type { ServiceContext } from './context.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A signed-in user's own in-app notifications (GET/POST/PATCH/DELETE /api/v1/me/notifications). */
export class UserNotificationsService {
  constructor(private readonly ctx: ServiceContext) {}

  async list(
    userId: string,
    opts: { unreadOnly?: boolean; limit: number; cursor?: string },
  ): Promise<Page<UserNotification> & { unreadCount: number }> {
    const after = opts.cursor
      ? decodeCursor(
          opts.cursor,
          (p) => p.k === 'notifications' && typeof p.v === 'string' && UUID.test(p.id),
        )
      : undefined;
    const rows = await this.ctx.repos.userNotifications.list({
      userId,
      unreadOnly: opts.unreadOnly,
      limit: opts.limit + 1,
      after,
    });
    const data = rows.slice(0, opts.limit);
    const last = data.at(-1);
    return {
      data,
      nextCursor:
        rows.length > opts.limit && last
          ? encodeCursor({ v: last.sortValue, id: last.id, k: 'notifications' })
          : null,
      unreadCount: await this.ctx.repos.userNotifications.unreadCount(userId),
    };
  }

  /** Marks some (ids) or all of the user's notifications read; returns how many changed. */
  markRead(userId: string, ids?: string[]): Promise<number> {
    return this.ctx.repos.userNotifications.setRead(userId, true, ids);
  }

  /** Marks one notification read or unread. */
  async setRead(userId: string, id: string, read: boolean): Promise<UserNotification> {
    await this.ctx.repos.userNotifications.setRead(userId, read, [id]);
    const row = await this.ctx.repos.userNotifications.get(userId, id);
    if (!row) throw new NotFoundError('Notification', id);
    return row;
  }

  async delete(userId: string, id: string): Promise<void> {
    if (!(await this.ctx.repos.userNotifications.delete(userId, id)))
      throw new NotFoundError('Notification', id);
  }
}
