import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type { NotificationChannelKind } from '../db/schema.ts';
import { type DeliveryRead, deliveryReads, NOTIFICATIONS_DUE_CHANNEL } from './notifications.repository.ts';

/**
 * How long a notification may stay `sending` before a drain takes it for interrupted (its drain died mid-request). Far
 * longer than any send takes (requests time out within a minute), so a live drain's rows are never taken from it.
 */
export const SENDING_LEASE_MS = 10 * 60 * 1000;

export { NOTIFICATIONS_DUE_CHANNEL };

/** How one send ended, as the drain records it (many per statement). */
export type DeliveryOutcome =
  | {
      id: string;
      status: 'sent';
      channel: NotificationChannelKind;
      channelId: string | null;
      externalId: string;
      at: Date;
    }
  | { id: string; status: 'failed'; channel: NotificationChannelKind | null; reason: string; at: Date }
  | {
      /** A transient failure: back to `queued` until `nextAttemptAt`. */
      id: string;
      status: 'queued';
      channel: NotificationChannelKind | null;
      reason: string;
      attempts: number;
      nextAttemptAt: Date;
      at: Date;
    };

/** The notification drain's set-based statements (services/notification-drain.ts). */
export class NotificationDrainRepository {
  constructor(private readonly db: DbOrTx) {}

  /**
   * In the caller's transaction: up to `limit` notifications to act on now, each with everything its delivery decides on,
   * locked until the transaction ends. Rows another drain holds are skipped, not waited for. Due means queued or delayed
   * with its time come, or `sending` past the lease (a crashed drain's: failed as interrupted, never resent).
   */
  async claimDue(now: Date, limit: number): Promise<DeliveryRead[]> {
    const stale = new Date(now.getTime() - SENDING_LEASE_MS);
    // The oldest first: in the CTE to pick, and again outside it to hand them over in that order.
    const oldest = sql`coalesce(n.next_attempt_at, n.sending_at)`;
    return deliveryReads(
      this.db,
      (q) =>
        q
          .where((eb) =>
            eb.or([
              eb.and([eb('n.status', 'in', ['queued', 'delayed']), eb('n.nextAttemptAt', '<=', now)]),
              eb.and([eb('n.status', '=', 'sending'), eb('n.sendingAt', '<', stale)]),
            ]),
          )
          .orderBy(oldest)
          .limit(limit)
          .forUpdate()
          .skipLocked(),
      oldest,
    );
  }

  /**
   * Wakes the drain of every worker process. In a transaction PostgreSQL delivers it at commit (with the rows it announces)
   * and not at all on rollback, and repeats within one transaction fold into one. No row is written or locked, so
   * concurrent triggers do not queue behind each other as they did on one shared wake-up job.
   */
  async wake(): Promise<void> {
    await sql`select pg_notify(${NOTIFICATIONS_DUE_CHANNEL}, '')`.execute(this.db);
  }

  /** `sending` for many at once, committed before any request goes out (the start of each one's window of doubt). */
  async markSending(ids: string[], now: Date): Promise<void> {
    if (!ids.length) return;
    await this.db
      .updateTable('notifications')
      .set({ status: 'sending', sendingAt: now, reason: null, nextAttemptAt: null, updatedAt: now })
      .where('id', 'in', ids)
      .execute();
  }

  /**
   * Outcomes with their log entries in one statement. Only rows still `sending` change: one taken for interrupted in the
   * meantime keeps that verdict (it may have gone out; what matters is that it is never sent again).
   */
  async record(outcomes: DeliveryOutcome[]): Promise<void> {
    if (!outcomes.length) return;
    const rows = outcomes.map((o) => ({
      id: o.id,
      status: o.status,
      channel: o.channel,
      channel_id: o.status === 'sent' ? o.channelId : null,
      external_id: o.status === 'sent' ? o.externalId : null,
      reason: o.status === 'sent' ? null : o.status === 'queued' ? `retrying: ${o.reason}` : o.reason,
      attempts: o.status === 'queued' ? o.attempts : null,
      next_attempt_at: o.status === 'queued' ? o.nextAttemptAt.toISOString() : null,
      at: o.at.toISOString(),
      event: o.status === 'queued' ? 'retry' : o.status,
      detail:
        o.status === 'sent' ? { channelId: o.channelId, externalId: o.externalId } : { reason: o.reason },
    }));
    await sql`
      with o as (
        select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as o(
          id uuid, status text, channel text, channel_id uuid, external_id text, reason text, attempts int,
          next_attempt_at timestamptz, at timestamptz, event text, detail jsonb)
      ), u as (
        update notifications n set
          status = o.status,
          channel = case when o.status = 'sent' then o.channel else n.channel end,
          channel_id = case when o.status = 'sent' then o.channel_id else n.channel_id end,
          external_id = case when o.status = 'sent' then o.external_id else n.external_id end,
          sent_at = case when o.status = 'sent' then o.at else n.sent_at end,
          reason = o.reason,
          attempts = coalesce(o.attempts, n.attempts),
          next_attempt_at = o.next_attempt_at,
          updated_at = o.at
        from o
        where n.id = o.id and n.status = 'sending'
        returning n.id
      )
      insert into notification_log (notification_id, event, channel, detail, at)
      select o.id, o.event, o.channel, o.detail, o.at from o join u on u.id = o.id`.execute(this.db);
  }
}
