import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';

const iso = (d: Date) => d.toISOString();

/**
 * Retention deletes: each call deletes at most `limit` rows in one short statement (its own transaction when called on the
 * pool), oldest first through an index on the age column (migration 0024), so it holds row locks on a few thousand old
 * rows for milliseconds and never a table lock: new rows (which are young) are never touched or waited for.
 */
export class RetentionRepository {
  constructor(private readonly db: DbOrTx) {}

  /** Raw Telegram updates received before the cutoff (telegram_updates_received_idx). */
  async deleteTelegramUpdates(before: Date, limit: number): Promise<number> {
    const r = await sql`delete from telegram_updates where id in (
      select id from telegram_updates where received_at < ${iso(before)}::timestamptz order by received_at limit ${limit}
    )`.execute(this.db);
    return Number(r.numAffectedRows ?? 0);
  }

  /** Raw stored mails received before the cutoff (email_inbound_received_idx); the messages made from them stay. */
  async deleteEmailInbound(before: Date, limit: number): Promise<number> {
    const r = await sql`delete from email_inbound where id in (
      select id from email_inbound where received_at < ${iso(before)}::timestamptz order by received_at limit ${limit}
    )`.execute(this.db);
    return Number(r.numAffectedRows ?? 0);
  }

  /**
   * Broadcasts that finished before the cutoff and still have delivery rows (broadcasts_finished_idx, then one probe of
   * the deliveries' unique (broadcast_id, contact_id) index each). Their counters stay on the broadcast.
   */
  async finishedBroadcastsWithDeliveries(before: Date): Promise<string[]> {
    const { rows } = await sql<{ id: string }>`select b.id from broadcasts b
      where b.finished_at < ${iso(before)}::timestamptz and b.status in ('completed', 'cancelled', 'failed')
        and exists (select 1 from broadcast_deliveries d where d.broadcast_id = b.id)
      order by b.finished_at`.execute(this.db);
    return rows.map((r) => r.id);
  }

  /** Up to `limit` delivery rows of one finished broadcast. */
  async deleteBroadcastDeliveries(broadcastId: string, limit: number): Promise<number> {
    const r = await sql`delete from broadcast_deliveries where id in (
      select id from broadcast_deliveries where broadcast_id = ${broadcastId}::uuid limit ${limit}
    )`.execute(this.db);
    return Number(r.numAffectedRows ?? 0);
  }

  /**
   * Notifications in a final state created before the cutoff, with their log and idempotency keys (cascade); oldest first
   * through notifications_list_idx. Queued, delayed and sending ones are never touched: they are still in someone's hands.
   */
  async deleteNotifications(before: Date, limit: number): Promise<number> {
    const r = await sql`delete from notifications where id in (
      select id from notifications
      where created_at < ${iso(before)}::timestamptz and status in ('sent', 'skipped', 'failed', 'digested')
      order by created_at desc, id desc limit ${limit}
    )`.execute(this.db);
    return Number(r.numAffectedRows ?? 0);
  }
}
