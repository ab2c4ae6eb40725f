import { type RawBuilder, sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type { Broadcast, BroadcastDeliveryStatus, BroadcastStatus } from '../db/schema.ts';

/** A recipient row claimed for sending, with what rendering and sending need (the contact as templates see it). */
export interface ClaimedRecipient {
  readonly id: number;
  readonly contactId: string;
  readonly identityId: string | null;
  readonly chatExternalId: string | null;
  /** Earlier attempts that ended in a retry (5xx, network): the retry limit counts them. */
  readonly attempts: number;
  /** The lease as stored: the outcome is recorded only while the row still carries it. */
  readonly leaseUntil: Date;
  readonly externalId: string | null;
  readonly name: string | null;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly username: string | null;
  readonly email: string | null;
  readonly phone: string | null;
  readonly language: string | null;
  readonly timezone: string | null;
  readonly tags: string[];
  readonly attributes: Record<string, unknown>;
  readonly birthday: string | null;
  /** Read at claim time: a contact may unsubscribe or be blocked after the snapshot. */
  readonly subscribed: boolean;
  readonly blocked: boolean;
  /** The identity's reachability now (null when the row has no identity). */
  readonly reachable: boolean | null;
}

/** How a claimed row ends up. `pending` puts it back (retry backoff, quiet-hours hold, or released unsent). */
export type RecipientOutcome =
  | { readonly status: 'sent'; readonly externalId: string }
  | {
      readonly status: 'failed' | 'blocked' | 'skipped';
      readonly reason: string;
      readonly attempted: boolean;
    }
  | {
      readonly status: 'pending';
      readonly notBefore: Date | null;
      readonly reason: string | null;
      readonly attempted: boolean;
    };

export interface OutcomeRow {
  readonly id: number;
  readonly leaseUntil: Date;
  readonly outcome: RecipientOutcome;
  /** A blocked recipient's identity, marked unreachable in the same statement. */
  readonly unreachableIdentity?: string | null;
}

/** What the queue holds besides what is claimable now: decides between another pass, a later wave, and completion. */
export interface QueueState {
  readonly dueNow: boolean;
  /** Earliest hold (next wave, quiet hours end, retry) of a pending row, null when none is held. */
  readonly nextDueAt: Date | null;
  readonly sending: number;
}

/**
 * A row's status as shown and counted: a claimed row keeps `status = 'pending'` (the claim writes only its claim key and
 * lease, see claim) and is `sending` while it carries a claim key.
 */
export const ROW_STATUS = sql<BroadcastDeliveryStatus>`(case when status = 'pending' and claim_key is not null
  then 'sending' else status end)`;

/** Counter deltas from rows that changed status: `from` loses one, `to` gains one, skips also count by reason. */
const statsDelta = (changed: string, from: RawBuilder<unknown>) => sql`
  select k, sum(n)::bigint as n from (
    select status as k, 1 as n from ${sql.raw(changed)}
    union all select 'skipped_' || reason, 1 from ${sql.raw(changed)} where status = 'skipped' and reason is not null
    union all select ${from}, -1 from ${sql.raw(changed)}
  ) x group by k`;

/** Adds deltas (a CTE named `deltas`) to the broadcast's counters in one UPDATE, returning the new counters. */
const applyDeltas = (broadcastId: string) => sql`
  update broadcasts b set updated_at = now(),
    stats = b.stats || coalesce((select jsonb_object_agg(d.k, coalesce((b.stats->>d.k)::bigint, 0) + d.n) from deltas d),
      '{}'::jsonb)
  where b.id = ${broadcastId}::uuid and exists (select 1 from deltas)
  returning b.stats`;

/**
 * The delivery manager's SQL over broadcast_deliveries: claim a batch, record a batch of outcomes, resolve rows of dead
 * runs, and the broadcast's counters, each changed in the same statement as the rows they count (so they never drift from
 * the rows, whatever crashes). See docs/architecture.md, "Broadcast delivery".
 */
export class BroadcastDeliveriesRepository {
  constructor(private readonly db: DbOrTx) {}

  /** The broadcast as the delivery manager reads it (status re-read between passes). */
  broadcast(id: string): Promise<Broadcast | undefined> {
    return this.db.selectFrom('broadcasts').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /**
   * Claims up to `limit` due pending rows of a broadcast that is still `sending` (nothing otherwise), oldest hold first;
   * locked rows and rows already claimed are skipped, so two runs never claim one row. Claimed rows get the lease and the
   * run's claim key, durably, and stay `pending` (that is all a HOT update may change; ROW_STATUS shows them as `sending`);
   * the counters move `pending` → `sending` with them. Returns the broadcast's status as this statement saw it.
   */
  async claim(
    broadcastId: string,
    limit: number,
    leaseMs: number,
    claimKey: number,
  ): Promise<{ status: BroadcastStatus | null; rows: ClaimedRecipient[] }> {
    const { rows } = await sql<ClaimedRecipient & { broadcastStatus: BroadcastStatus }>`
      with b as (select status from broadcasts where id = ${broadcastId}::uuid),
      picked as (
        select d.id from broadcast_deliveries d
        where d.broadcast_id = ${broadcastId}::uuid and d.status = 'pending' and d.claim_key is null
          and coalesce(d.not_before, '-infinity'::timestamptz) <= now()
          and exists (select 1 from b where b.status = 'sending')
        order by d.broadcast_id, coalesce(d.not_before, '-infinity'::timestamptz), d.id
        limit ${limit}
        for update of d skip locked
      ), claimed as (
        -- Only columns no index covers, so it can be a HOT update (room left by fillfactor 50, migration 0031): no index entries.
        update broadcast_deliveries d set claim_key = ${claimKey}, updated_at = now(),
          -- Milliseconds, so the lease read back into a JS Date compares equal when the outcome is recorded.
          lease_until = date_trunc('milliseconds', now() + make_interval(secs => ${leaseMs / 1000}::float8))
        from picked p where d.id = p.id
        returning d.*
      ), held as (select 'sending'::text as status, null::text as reason from claimed
      ), deltas as (${statsDelta('held', sql`'pending'`)}
      ), st as (${applyDeltas(broadcastId)})
      select (select status from b) as broadcast_status, cl.id, cl.contact_id, cl.identity_id, cl.chat_external_id,
        cl.attempts, cl.lease_until, c.external_id, c.name, c.first_name, c.last_name, c.username, c.email, c.phone,
        c.language, c.timezone, c.tags, c.attributes, c.birthday, c.subscribed, c.blocked, cc.reachable
      from (select 1) one
      left join claimed cl on true
      left join contacts c on c.id = cl.contact_id
      left join contact_channels cc on cc.id = cl.identity_id
      order by cl.id`.execute(this.db);
    const status = rows[0]?.broadcastStatus ?? null;
    return { status, rows: rows.filter((r) => r.id !== null) };
  }

  /**
   * Records outcomes in one statement: each row's new state (only while it still carries the lease and claim key it was
   * claimed with: a row resolved as `unknown` meanwhile keeps that), the identities found unreachable, and the counters.
   * Returns how many rows changed and the counters after the change (null when none changed).
   */
  async record(
    broadcastId: string,
    claimKey: number,
    outcomes: OutcomeRow[],
  ): Promise<{ updated: number; stats: Record<string, number> | null }> {
    const col = <T>(f: (o: OutcomeRow) => T) => outcomes.map(f);
    const o = (x: OutcomeRow) => x.outcome;
    const { rows } = await sql<{ updated: number; stats: Record<string, number> | null }>`
      with f as (
        select * from unnest(${col((x) => x.id)}::bigint[], ${col((x) => x.leaseUntil)}::timestamptz[],
          ${col((x) => o(x).status)}::text[],
          ${col((x) => ('reason' in o(x) ? (o(x) as { reason: string | null }).reason : null))}::text[],
          ${col((x) => (o(x).status === 'pending' ? (o(x) as { notBefore: Date | null }).notBefore : null))}::timestamptz[],
          ${col((x) => ('attempted' in o(x) && (o(x) as { attempted: boolean }).attempted ? 1 : 0))}::int[],
          ${col((x) => (o(x).status === 'sent' ? (o(x) as { externalId: string }).externalId : null))}::text[],
          ${col((x) => x.unreachableIdentity ?? null)}::uuid[])
          as f(id, lease, status, reason, not_before, attempted, external_id, unreachable)
      ), upd as (
        update broadcast_deliveries d set status = f.status, reason = f.reason, updated_at = now(),
          not_before = case when f.status = 'pending' then f.not_before else d.not_before end,
          lease_until = null, claim_key = null,
          attempts = d.attempts + case when f.status = 'sent' then 1 else f.attempted end,
          external_id = coalesce(f.external_id, d.external_id),
          sent_at = case when f.status = 'sent' then now() else d.sent_at end
        from f
        where d.id = f.id and d.broadcast_id = ${broadcastId}::uuid and d.status = 'pending'
          and d.lease_until = f.lease and d.claim_key = ${claimKey}
        returning d.id, d.status, d.reason
      ), gone as (
        update contact_channels cc set reachable = false, last_error = f.reason
        from f join upd on upd.id = f.id
        where f.unreachable is not null and cc.id = f.unreachable
      ), deltas as (${statsDelta('upd', sql`'sending'`)}
      ), st as (${applyDeltas(broadcastId)})
      select (select count(*) from upd)::int as updated, (select stats from st) as stats`.execute(this.db);
    return rows[0] ?? { updated: 0, stats: null };
  }

  /**
   * Resolves rows a dead run left `sending`: rows whose claim key is no longer held as an advisory lock by any session of
   * this database (the run's connection died), and rows whose lease ran out. By default they become `unknown` with `reason`
   * (never resent: the request may have reached Telegram); with `resend` they go back to `pending` (at-least-once).
   * Counters move in the same statement. Returns how many were resolved.
   */
  async resolveInterrupted(broadcastId: string, reason: string, resend = false): Promise<number> {
    const { rows } = await sql<{ n: number }>`
      with live as (
        select l.classid::int8 * 4294967296 + l.objid::int8 as k from pg_locks l
        where l.locktype = 'advisory' and l.objsubid = 1 and l.granted
          and l.database = (select oid from pg_database where datname = current_database())
      ), lost as (
        update broadcast_deliveries d set status = ${resend ? 'pending' : 'unknown'}, reason = ${reason},
          lease_until = null, claim_key = null, updated_at = now()
        -- Claimed rows are pending with a claim key; 'sending' rows are the form before migration 0031 (a run of the previous
        -- version during an upgrade). No index covers claim_key (the claim stays HOT), so this reads the broadcast's pending
        -- rows through the due index: once per pass, not per batch.
        where d.broadcast_id = ${broadcastId}::uuid
          and ((d.status = 'pending' and d.claim_key is not null) or d.status = 'sending')
          and (d.lease_until < now() or d.claim_key is null or d.claim_key not in (select k from live))
        returning d.status, d.reason
      ), deltas as (${statsDelta('lost', sql`'sending'`)}
      ), st as (${applyDeltas(broadcastId)})
      select count(*)::int as n from lost`.execute(this.db);
    return rows[0]?.n ?? 0;
  }

  /** Marks the pending rows of a cancelled broadcast `cancelled` (rows in flight are recorded as they end). */
  async cancelPending(broadcastId: string): Promise<number> {
    const { rows } = await sql<{ n: number }>`
      with gone as (
        update broadcast_deliveries d set status = 'cancelled', reason = null, updated_at = now()
        where d.broadcast_id = ${broadcastId}::uuid and d.status = 'pending' and d.claim_key is null
        returning d.status, d.reason
      ), deltas as (${statsDelta('gone', sql`'pending'`)}
      ), st as (${applyDeltas(broadcastId)})
      select count(*)::int as n from gone`.execute(this.db);
    return rows[0]?.n ?? 0;
  }

  /** Whether rows are due now, when the next held one is due, and how many are in flight (any run). */
  async queueState(broadcastId: string): Promise<QueueState> {
    const { rows } = await sql<QueueState>`
      select
        exists (select 1 from broadcast_deliveries where broadcast_id = ${broadcastId}::uuid and status = 'pending'
          and claim_key is null and coalesce(not_before, '-infinity'::timestamptz) <= now()) as due_now,
        (select min(not_before) from broadcast_deliveries where broadcast_id = ${broadcastId}::uuid
          and status = 'pending' and claim_key is null) as next_due_at,
        (select count(*) from broadcast_deliveries where broadcast_id = ${broadcastId}::uuid
          and ((status = 'pending' and claim_key is not null) or status = 'sending'))::int as sending`.execute(
      this.db,
    );
    return rows[0]!;
  }

  /** `sending` → `completed` once no row is pending or in flight; returns the final counters, or null if not completed. */
  async complete(broadcastId: string): Promise<Record<string, number> | null> {
    const row = await this.db
      .updateTable('broadcasts')
      .set({ status: 'completed', finishedAt: sql`now()`, updatedAt: sql`now()` })
      .where('id', '=', broadcastId)
      .where('status', '=', 'sending')
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('broadcastDeliveries')
              .select(sql`1`.as('one'))
              .where('broadcastId', '=', broadcastId)
              .where('status', 'in', ['pending', 'sending'] satisfies BroadcastDeliveryStatus[]),
          ),
        ),
      )
      .returning('stats')
      .executeTakeFirst();
    return row?.stats ?? null;
  }

  /** `sending` → `paused` by the system, with the reason; returns the counters, or null if it was no longer sending. */
  async pauseFor(broadcastId: string, reason: string): Promise<Record<string, number> | null> {
    const row = await this.db
      .updateTable('broadcasts')
      .set({ status: 'paused', statusReason: reason, updatedAt: sql`now()` })
      .where('id', '=', broadcastId)
      .where('status', '=', 'sending')
      .returning('stats')
      .executeTakeFirst();
    return row?.stats ?? null;
  }

  /** Holds a session advisory lock on `key` on this connection (the run's liveness for resolveInterrupted). */
  async lockClaimKey(key: number): Promise<boolean> {
    const { rows } = await sql<{ ok: boolean }>`select pg_try_advisory_lock(${key}::int8) as ok`.execute(
      this.db,
    );
    return rows[0]?.ok === true;
  }

  async unlockClaimKey(key: number): Promise<void> {
    await sql`select pg_advisory_unlock(${key}::int8)`.execute(this.db);
  }

  /** Counts by status and skip reason, from the rows (the truth the counters cache). */
  async countFromRows(broadcastId: string): Promise<Record<string, number>> {
    const { rows } = await sql<{ k: string; n: number }>`
      select ${ROW_STATUS} as k, count(*)::int as n from broadcast_deliveries where broadcast_id = ${broadcastId}::uuid
      group by 1
      union all
      select 'skipped_' || reason, count(*)::int from broadcast_deliveries
      where broadcast_id = ${broadcastId}::uuid and status = 'skipped' and reason is not null group by reason`.execute(
      this.db,
    );
    return Object.fromEntries(rows.map((r) => [r.k, r.n]));
  }
}
