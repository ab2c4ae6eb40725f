import { type Expression, type SqlBool, sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import {
  BROADCAST_DELIVERY_STATUSES,
  type Broadcast,
  type BroadcastDeliveryStatus,
  type BroadcastStatus,
} from '../db/schema.ts';
import type { CursorPosition } from '../lib/cursor.ts';
import type { QuietHours } from '../services/broadcast-timing.ts';
import type { FilterGroup } from '../services/segments/filter.ts';
import { type ContactsEb, segmentWhere } from '../services/segments/filter-compiler.ts';

/** The columns a create or a change writes (JSON columns already as values, serialised here). */
export interface BroadcastWrite {
  title?: string;
  channelId?: string;
  segmentId?: string | null;
  filter?: FilterGroup | null;
  templateId?: string | null;
  content?: string | null;
  buttons?: unknown[];
  attachmentId?: string | null;
  status?: BroadcastStatus;
  scheduledAt?: Date | null;
  localTime?: string | null;
  quietHours?: QuietHours | null;
  paidBroadcast?: boolean;
}

/** When recipients become due: wall-clock waves and quiet hours, evaluated in each recipient's zone at `startAt`. */
export interface SnapshotTiming {
  startAt: Date;
  /** The zone of contacts without one (or with one PostgreSQL does not know): the workspace's. */
  defaultTimezone: string;
  localTime: string | null;
  quietHours: QuietHours | null;
}

/** A range of contact ids, `from` inclusive and `to` exclusive (either open when absent): one part of a snapshot. */
export interface SnapshotPart {
  from?: string;
  to?: string;
}

/**
 * `n` contact-id ranges of equal width that cover every uuid, in order (contact ids are random v4 uuids, so the parts are
 * about equal in size). The first has no lower bound and the last no upper one.
 */
export function snapshotRanges(n: number): SnapshotPart[] {
  const bound = (k: number) => {
    const hex = ((BigInt(k) << 128n) / BigInt(n)).toString(16).padStart(32, '0');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };
  return Array.from({ length: n }, (_, k) => ({
    ...(k > 0 ? { from: bound(k) } : {}),
    ...(k < n - 1 ? { to: bound(k + 1) } : {}),
  }));
}

/** Statuses every stats object carries, zero when no row has them. */
export const DELIVERY_STATUSES = BROADCAST_DELIVERY_STATUSES;

const startJobKey = (id: string) => `broadcast:start:${id}`;

/** SQL of broadcasts: their rows, conditional status transitions, the scheduled-start job and the audience snapshot. */
export class BroadcastsRepository {
  constructor(private readonly db: DbOrTx) {}

  create(
    fields: BroadcastWrite & { title: string; channelId: string },
    createdBy: string | null,
  ): Promise<Broadcast> {
    return this.db
      .insertInto('broadcasts')
      .values({ ...columns(fields), title: fields.title, channelId: fields.channelId, createdBy })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  get(id: string, forUpdate = false): Promise<Broadcast | undefined> {
    let q = this.db.selectFrom('broadcasts').selectAll().where('id', '=', id);
    if (forUpdate) q = q.forUpdate();
    return q.executeTakeFirst();
  }

  /** Newest first (index broadcasts_list_idx); `after` is the last row of the previous page. */
  list(opts: {
    status?: BroadcastStatus[];
    limit: number;
    after?: CursorPosition;
  }): Promise<Array<Broadcast & { sortValue: string }>> {
    // The sort value as text keeps microseconds: a cursor cut to milliseconds would skip rows created within one.
    let q = this.db
      .selectFrom('broadcasts')
      .selectAll()
      .select(sql<string>`created_at::text`.as('sortValue'));
    if (opts.status?.length) q = q.where('status', 'in', opts.status);
    if (opts.after)
      q = q.where(
        sql<SqlBool>`(created_at, id) < (${String(opts.after.v)}::timestamptz, ${opts.after.id}::uuid)`,
      );
    return q.orderBy('createdAt', 'desc').orderBy('id', 'desc').limit(opts.limit).execute();
  }

  /** Changes the row only while its status is one of `from` (the status machine's guard); undefined when it is not. */
  update(
    id: string,
    from: readonly BroadcastStatus[],
    fields: BroadcastWrite,
  ): Promise<Broadcast | undefined> {
    return this.db
      .updateTable('broadcasts')
      .set({ ...columns(fields), updatedAt: sql`now()` })
      .where('id', '=', id)
      .where('status', 'in', [...from])
      .returningAll()
      .executeTakeFirst();
  }

  /**
   * One status transition, decided by the database: `where status in (from)` makes two concurrent callers (two workers
   * starting one scheduled broadcast, a pause racing a cancel) serialise on the row, and only the first one changes it.
   */
  transition(
    id: string,
    from: readonly BroadcastStatus[],
    to: BroadcastStatus,
    extra: {
      startedAt?: 'now';
      finishedAt?: 'now';
      statusReason?: string | null;
      scheduledAt?: Date | null;
    } = {},
  ): Promise<Broadcast | undefined> {
    return this.db
      .updateTable('broadcasts')
      .set({
        status: to,
        updatedAt: sql`now()`,
        ...(extra.startedAt ? { startedAt: sql`now()` } : {}),
        ...(extra.finishedAt ? { finishedAt: sql`now()` } : {}),
        ...(extra.statusReason !== undefined ? { statusReason: extra.statusReason } : {}),
        ...(extra.scheduledAt !== undefined ? { scheduledAt: extra.scheduledAt } : {}),
      })
      .where('id', '=', id)
      .where('status', 'in', [...from])
      .returningAll()
      .executeTakeFirst();
  }

  /** Deletes the row (its deliveries and clicks cascade) only while its status is one of `from`. */
  async delete(id: string, from: readonly BroadcastStatus[]): Promise<boolean> {
    const r = await this.db
      .deleteFrom('broadcasts')
      .where('id', '=', id)
      .where('status', 'in', [...from])
      .executeTakeFirst();
    return r.numDeletedRows > 0n;
  }

  /**
   * Removes the pending `broadcasts.start` job (unschedule, cancel, delete). graphile-worker's remove_job deletes an unlocked
   * job; one already running is left to finish and finds the broadcast no longer scheduled.
   */
  async removeStartJob(id: string): Promise<void> {
    await sql`select graphile_worker.remove_job(${startJobKey(id)}::text)`.execute(this.db);
  }

  /** The job key of a broadcast's scheduled start; queued with it, so a reschedule replaces the job instead of adding one. */
  startJobKey(id: string): string {
    return startJobKey(id);
  }

  /**
   * The audience snapshot (or one contact-id range of it, `part`): ONE set-based insert of a row per contact the filter
   * selects, so a million recipients cost one statement (a scan of contacts plus hash joins), never a round trip each. Each
   * contact gets its best identity on the channel (reachable first, then the most recently seen) and a status: `pending`,
   * or `skipped` with the reason (`unsubscribed`, `blocked` by the workspace, `no_identity` on this channel, `unreachable`:
   * blocked the bot or gone). `not_before` comes from a small per-zone table (one row per time zone PostgreSQL knows, joined
   * by the contact's zone), so the wall-clock arithmetic runs a few hundred times, not once per contact. No `on conflict`:
   * its check costs an extra index probe and WAL record per row (12% of the WAL), and a snapshot runs once
   * per broadcast (the start's status change; leftovers of a start that did not commit are deleted first, see
   * deleteDeliveries), so a row already there is an error (the unique key), never a second row. Returns the counters of
   * the rows inserted (statsOf), for setStats.
   */
  async snapshot(
    broadcast: Pick<Broadcast, 'id' | 'channelId'>,
    filter: FilterGroup,
    timing: SnapshotTiming,
    part: SnapshotPart = {},
  ): Promise<Record<string, number>> {
    const db = this.db;
    // A part's range bounds both sides of the join, so each part reads only its own contacts and identities.
    const inPart = (column: string) => {
      const bounds = [
        ...(part.from !== undefined ? [sql<SqlBool>`${sql.ref(column)} >= ${part.from}::uuid`] : []),
        ...(part.to !== undefined ? [sql<SqlBool>`${sql.ref(column)} < ${part.to}::uuid`] : []),
      ];
      return sql<SqlBool>`(${sql.join(bounds, sql` and `)})`;
    };
    const partial = part.from !== undefined || part.to !== undefined;
    const identities = db
      .selectFrom('contactChannels')
      .distinctOn('contactId')
      .select(['contactId', 'id', 'externalId', 'reachable'])
      .where('channelId', '=', broadcast.channelId)
      .$if(partial, (q) => q.where(inPart('contact_channels.contact_id')))
      .orderBy('contactId')
      .orderBy('reachable', 'desc')
      .orderBy(sql`last_seen_at desc nulls last`)
      .orderBy('id')
      .as('cc');
    const timed = timing.localTime !== null || timing.quietHours !== null;
    const waves = sql<{ tz: string; notBefore: Date | null }>`(${wavesQuery(timing)})`.as('w');
    const skipReason = sql<string | null>`case
      when not contacts.subscribed then 'unsubscribed'
      when contacts.blocked then 'blocked'
      when cc.id is null then 'no_identity'
      when not cc.reachable then 'unreachable'
    end`;
    const where = segmentWhere(filter) as unknown as (eb: ContactsEb) => Expression<SqlBool>;
    const select = db
      .selectFrom('contacts')
      .leftJoin(identities, 'cc.contactId', 'contacts.id')
      .$if(timed, (q) => q.leftJoin(waves, (j) => j.on(sql`w.tz`, '=', sql`contacts.timezone`)))
      .where(where as never)
      .$if(partial, (q) => q.where(inPart('contacts.id')))
      .select([
        sql<string>`${broadcast.id}::uuid`.as('broadcastId'),
        'contacts.id as contactId',
        'cc.id as identityId',
        'cc.externalId as chatExternalId',
        sql<BroadcastDeliveryStatus>`case when ${skipReason} is null then 'pending' else 'skipped' end`.as(
          'status',
        ),
        skipReason.as('reason'),
        timed
          ? // A contact whose zone PostgreSQL does not know (or who has none) gets the workspace zone's wave; the
            // uncorrelated subquery runs once.
            sql<Date | null>`case when ${skipReason} is not null then null
              when w.tz is not null then w.not_before
              else (select not_before from (${wavesQuery(timing)}) d where d.tz = ${timing.defaultTimezone}) end`.as(
              'notBefore',
            )
          : sql<Date | null>`null::timestamptz`.as('notBefore'),
      ]);
    // Insert and count in one statement: the counters come from what was inserted, with no second pass over the rows.
    const counted = await db
      .with('ins', (qc) =>
        qc
          .insertInto('broadcastDeliveries')
          .columns([
            'broadcastId',
            'contactId',
            'identityId',
            'chatExternalId',
            'status',
            'reason',
            'notBefore',
          ])
          .expression(select as never)
          .returning(['status', 'reason']),
      )
      .selectFrom('ins')
      .select(['status', 'reason', sql<number>`count(*)::int`.as('n')])
      .groupBy(['status', 'reason'])
      .execute();
    return statsOf(counted);
  }

  /**
   * Deletes a broadcast's delivery rows. Only for a broadcast that has not started (its row locked by the start's
   * transition): what is there was left by a start whose part committed while the start itself did not.
   */
  async deleteDeliveries(id: string): Promise<void> {
    await this.db.deleteFrom('broadcastDeliveries').where('broadcastId', '=', id).execute();
  }

  /** The contacts table's size in 8 kB pages, as stored now (not a planner estimate, which may be stale or missing). */
  async contactsPages(): Promise<number> {
    const { rows } = await sql<{ pages: number }>`
      select (pg_relation_size('contacts') / 8192)::int8 as pages`.execute(this.db);
    return rows[0]?.pages ?? 0;
  }

  /** The most common reasons of failed rows, most frequent first (the status index narrows to the failed rows). */
  async failedReasons(id: string, limit = 10): Promise<Array<{ reason: string; count: number }>> {
    const { rows } = await sql<{ reason: string | null; count: number }>`
      select reason, count(*)::int as count from broadcast_deliveries
      where broadcast_id = ${id} and status = 'failed'
      group by reason order by count(*) desc, reason limit ${limit}`.execute(this.db);
    return rows.map((r) => ({ reason: r.reason ?? 'unknown reason', count: r.count }));
  }

  /** Stores counters computed elsewhere (the snapshot's). */
  async setStats(id: string, stats: Record<string, number>): Promise<void> {
    await this.db
      .updateTable('broadcasts')
      .set({ stats: JSON.stringify(stats) })
      .where('id', '=', id)
      .execute();
  }

  /**
   * Cancel: every row not yet claimed becomes `cancelled`, and the counters move by the same number in the same statement
   * (a delta, not a recount, so a sender's own unflushed deltas for its in-flight rows still add up). Rows `sending` are in
   * a sender's hands and end with their real outcome.
   */
  async cancelPending(id: string): Promise<number> {
    const { rows } = await sql<{ n: string }>`
      with cancelled as (
        update broadcast_deliveries set status = 'cancelled', updated_at = now()
        where broadcast_id = ${id} and status = 'pending' and claim_key is null
        returning 1
      ), n as (select count(*) as n from cancelled)
      update broadcasts b set stats = b.stats
        || jsonb_build_object('pending', greatest(coalesce((b.stats->>'pending')::bigint, 0) - n.n, 0))
        || jsonb_build_object('cancelled', coalesce((b.stats->>'cancelled')::bigint, 0) + n.n)
      from n where b.id = ${id}
      returning n.n`.execute(this.db);
    return Number(rows[0]?.n ?? 0);
  }

  /**
   * A page of recipients in snapshot order (keyset on the row id; broadcast_deliveries_status_idx serves a status filter),
   * with the contact's display fields for the list and the CSV export.
   */
  deliveries(id: string, opts: { status?: BroadcastDeliveryStatus[]; afterId?: number; limit: number }) {
    let q = this.db
      .selectFrom('broadcastDeliveries as d')
      .innerJoin('contacts as c', 'c.id', 'd.contactId')
      .select([
        'd.id',
        'd.contactId',
        'c.name',
        'c.firstName',
        'c.lastName',
        'c.username',
        'c.externalId as contactExternalId',
        'd.chatExternalId',
        // A claimed row is still `pending` with a claim key (see BroadcastDeliveriesRepository.claim): shown as sending.
        sql<BroadcastDeliveryStatus>`case when d.status = 'pending' and d.claim_key is not null then 'sending'
          else d.status end`.as('status'),
        'd.reason',
        'd.notBefore',
        'd.attempts',
        'd.externalId',
        'd.sentAt',
        'd.updatedAt',
      ])
      .where('d.broadcastId', '=', id);
    if (opts.status?.length) q = q.where(deliveryStatusIn(opts.status));
    if (opts.afterId !== undefined) q = q.where('d.id', '>', opts.afterId);
    return q.orderBy('d.id').limit(opts.limit).execute();
  }

  /** A contact's identity on a channel for a one-off send: reachable first, then the most recently seen. */
  identityFor(contactId: string, channelId: string) {
    return this.db
      .selectFrom('contactChannels')
      .select(['id', 'externalId', 'reachable', 'lastError'])
      .where('contactId', '=', contactId)
      .where('channelId', '=', channelId)
      .orderBy('reachable', 'desc')
      .orderBy(sql`last_seen_at desc nulls last`)
      .limit(1)
      .executeTakeFirst();
  }
}

/** Counters from grouped rows: every status present (zeros too), the total, and skips by reason. */
export function statsOf(
  rows: Array<{ status: string; reason: string | null; n: number }>,
): Record<string, number> {
  const stats: Record<string, number> = { total: 0 };
  for (const s of DELIVERY_STATUSES) stats[s] = 0;
  for (const r of rows) {
    stats.total! += r.n;
    stats[r.status] = (stats[r.status] ?? 0) + r.n;
    if (r.status === 'skipped') {
      const key = `skipped_${r.reason ?? 'other'}`;
      stats[key] = (stats[key] ?? 0) + r.n;
    }
  }
  return stats;
}

/**
 * One row per time zone PostgreSQL knows, with when a recipient there becomes due: the next `localTime` at or after the start
 * (today's if it has not passed there, else tomorrow's), then pushed to the end of quiet hours if it falls inside them.
 * Mirrors nextLocalTime and quietHoldUntil of services/broadcast-timing.ts (DST resolved by `AT TIME ZONE` the same way).
 * Null when neither applies, i.e. due at once.
 */
function wavesQuery(t: SnapshotTiming) {
  const start = sql`${t.startAt.toISOString()}::timestamptz`;
  const next = (at: ReturnType<typeof sql>, time: string) => sql`(case
    when (date_trunc('day', ${at} at time zone z.name) + ${time}::time) at time zone z.name >= ${at}
      then (date_trunc('day', ${at} at time zone z.name) + ${time}::time) at time zone z.name
    else (date_trunc('day', ${at} at time zone z.name) + interval '1 day' + ${time}::time) at time zone z.name
  end)`;
  const due = t.localTime ? next(start, t.localTime) : start;
  let notBefore = t.localTime ? due : sql`null::timestamptz`;
  if (t.quietHours && t.quietHours.from !== t.quietHours.to) {
    const { from, to } = t.quietHours;
    const local = sql`(${due} at time zone z.name)::time`;
    const quiet =
      from < to
        ? sql`${local} >= ${from}::time and ${local} < ${to}::time`
        : sql`(${local} >= ${from}::time or ${local} < ${to}::time)`;
    notBefore = sql`case when ${quiet} then ${next(due, to)} else ${notBefore} end`;
  }
  return sql`select z.name as tz, ${notBefore} as not_before from pg_timezone_names z`;
}

/** Rows in any of these statuses, a claimed row (`pending` with a claim key) counting as `sending`, not `pending`. */
function deliveryStatusIn(statuses: BroadcastDeliveryStatus[]) {
  const plain = statuses.filter((st) => st !== 'pending' && st !== 'sending');
  const parts = [
    ...(plain.length ? [sql<SqlBool>`d.status in (${sql.join(plain)})`] : []),
    ...(statuses.includes('pending') ? [sql<SqlBool>`(d.status = 'pending' and d.claim_key is null)`] : []),
    ...(statuses.includes('sending')
      ? [sql<SqlBool>`(d.status = 'sending' or (d.status = 'pending' and d.claim_key is not null))`]
      : []),
  ];
  return sql<SqlBool>`(${sql.join(parts, sql` or `)})`;
}

/** A write as column values (JSON serialised; absent fields untouched). */
function columns(f: BroadcastWrite) {
  return {
    ...(f.title !== undefined ? { title: f.title } : {}),
    ...(f.channelId !== undefined ? { channelId: f.channelId } : {}),
    ...(f.segmentId !== undefined ? { segmentId: f.segmentId } : {}),
    ...(f.filter !== undefined ? { filter: f.filter === null ? null : JSON.stringify(f.filter) } : {}),
    ...(f.templateId !== undefined ? { templateId: f.templateId } : {}),
    ...(f.content !== undefined ? { content: f.content } : {}),
    ...(f.buttons !== undefined ? { buttons: JSON.stringify(f.buttons) } : {}),
    ...(f.attachmentId !== undefined ? { attachmentId: f.attachmentId } : {}),
    ...(f.status !== undefined ? { status: f.status } : {}),
    ...(f.scheduledAt !== undefined ? { scheduledAt: f.scheduledAt } : {}),
    ...(f.localTime !== undefined ? { localTime: f.localTime } : {}),
    ...(f.quietHours !== undefined
      ? { quietHours: f.quietHours === null ? null : JSON.stringify(f.quietHours) }
      : {}),
    ...(f.paidBroadcast !== undefined ? { paidBroadcast: f.paidBroadcast } : {}),
  };
}
