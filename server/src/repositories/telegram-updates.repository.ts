import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type { TelegramUpdate } from '../db/schema.ts';
import type { JobMap } from '../jobs/job-map.ts';
import { ChannelsRepository } from './channels.repository.ts';

/** Where a stored update is drained: its chat (the ordering unit) and the shard of the channel that owns the chat. */
export interface UpdateRoute {
  shard: number;
  chatKey: string;
}

/** The graphile-worker queue (and job key) of one drain shard: one drain runs per shard at a time. */
export function drainQueue(channelId: string, shard: number): string {
  return `telegram-drain:${channelId}:${shard}`;
}

/** Raw Telegram updates, stored once per (channel, update_id) however often Telegram delivers them. */
export class TelegramUpdatesRepository {
  constructor(private readonly db: DbOrTx) {}

  /** Stores the update unless it is already there; returns the new row id, or null for a redelivery. */
  async insert(channelId: string, updateId: number, payload: unknown): Promise<number | null> {
    const row = await this.db
      .insertInto('telegramUpdates')
      .values({ channelId, updateId, payload: JSON.stringify(payload) })
      .onConflict((oc) => oc.columns(['channelId', 'updateId']).doNothing())
      .returning('id')
      .executeTakeFirst();
    return row?.id ?? null;
  }

  /**
   * Stores the update unless it is already there and, for a new row only, wakes its shard's drain job, in ONE statement
   * (no transaction round trips around it): the row and its job commit together or not at all.
   * The job is coalesced: job key = queue name = the shard's, mode preserve_run_at. While the drain job of the shard is
   * waiting, this only bumps it; while it runs, graphile-worker detaches its key and inserts a successor, so an update
   * committed after the running drain's last scan is never stranded. The queue runs one drain per shard at a time,
   * which keeps a chat's updates in order. Returns the new row id, or null for a redelivery.
   */
  async store(
    channelId: string,
    updateId: number,
    payload: unknown,
    route: UpdateRoute,
  ): Promise<number | null> {
    const queue = drainQueue(channelId, route.shard);
    const job: JobMap['telegram.updates_pending'] = { channelId, shard: route.shard };
    const { rows } = await sql<{ id: number; jobId: string | null }>`
      with stored as (
        insert into telegram_updates (channel_id, update_id, payload, shard, chat_key)
        values (${channelId}, ${updateId}, ${JSON.stringify(payload)}::jsonb, ${route.shard}, ${route.chatKey})
        on conflict (channel_id, update_id) do nothing
        returning id
      )
      select stored.id, job.id as job_id
      from stored, lateral graphile_worker.add_job(
        'telegram.updates_pending', ${JSON.stringify(job)}::json,
        queue_name => ${queue}::text, job_key => ${queue}::text, job_key_mode => 'preserve_run_at'
      ) as job`.execute(this.db);
    const row = rows[0];
    if (!row) return null;
    // add_job returns no job when the keyed job was locked by a worker between this statement's start and its upsert (the
    // upsert waits for that lock, then skips a locked job). That drain may scan before this row commits: queue its
    // successor now, which sees the job locked and adds a new one, so the update is never left without a drain.
    if (row.jobId === null)
      await sql`select graphile_worker.add_job(
        'telegram.updates_pending', ${JSON.stringify(job)}::json,
        queue_name => ${queue}::text, job_key => ${queue}::text, job_key_mode => 'preserve_run_at'
      )`.execute(this.db);
    return Number(row.id);
  }

  /**
   * The webhook's store in ONE statement with its channel check: stores the update (and wakes its drain, as store() does)
   * only while the channel is an active Telegram channel whose sealed webhook secret is still `sealed` (the one the
   * caller verified the request's secret against earlier), and returns the channel's current status and sealed secret,
   * so a caller whose verification went stale (secret rotated, channel paused) decides again from them. Null: no such
   * Telegram channel. `id` null: nothing stored (a redelivery, or the check failed).
   */
  async storeIfAccepted(
    channelId: string,
    sealed: string,
    updateId: number,
    payload: unknown,
    route: UpdateRoute,
  ): Promise<{ status: string; sealed: string | null; id: number | null } | null> {
    const queue = drainQueue(channelId, route.shard);
    const job: JobMap['telegram.updates_pending'] = { channelId, shard: route.shard };
    const { rows } = await sql<{
      status: string;
      webhookSecretSealed: string | null;
      id: number | null;
      jobId: string | null;
    }>`
      with channel as (
        select status, webhook_secret_sealed from channels where id = ${channelId} and type = 'telegram'
      ), stored as (
        insert into telegram_updates (channel_id, update_id, payload, shard, chat_key)
        select ${channelId}, ${updateId}, ${JSON.stringify(payload)}::jsonb, ${route.shard}, ${route.chatKey}
        from channel where channel.status = 'active' and channel.webhook_secret_sealed = ${sealed}
        on conflict (channel_id, update_id) do nothing
        returning id
      )
      select channel.status, channel.webhook_secret_sealed, woken.id, woken.job_id
      from channel left join (
        select stored.id, job.id as job_id
        from stored, lateral graphile_worker.add_job(
          'telegram.updates_pending', ${JSON.stringify(job)}::json,
          queue_name => ${queue}::text, job_key => ${queue}::text, job_key_mode => 'preserve_run_at'
        ) as job
      ) woken on true`.execute(this.db);
    const row = rows[0];
    if (!row) return null;
    // As in store(): a drain that locked the job mid-statement may scan before this row commits; queue its successor.
    if (row.id !== null && row.jobId === null)
      await sql`select graphile_worker.add_job(
        'telegram.updates_pending', ${JSON.stringify(job)}::json,
        queue_name => ${queue}::text, job_key => ${queue}::text, job_key_mode => 'preserve_run_at'
      )`.execute(this.db);
    return {
      status: row.status,
      sealed: row.webhookSecretSealed,
      id: row.id === null ? null : Number(row.id),
    };
  }

  /**
   * The next pending updates of one drain shard, oldest first (telegram_updates_pending_idx). A chat with an update waiting
   * for its retry is held back whole (telegram_updates_retry_idx), so its later updates cannot overtake the failed one.
   */
  async listPending(channelId: string, shard: number, limit: number): Promise<number[]> {
    const { rows } = await sql<{ id: number }>`${pendingScan(channelId, shard, limit)}`.execute(this.db);
    return rows.map((r) => Number(r.id));
  }

  /**
   * Claims the next pending updates of one drain shard: marks them processed and returns them (oldest first), locked
   * until the transaction ends, in one statement. The caller processes them in the same transaction, so a failure rolls
   * every mark back. Same scan as listPending; `for update` (not skip locked) so a second drain of the shard, if there
   * ever were one, would wait and then find these rows processed instead of overtaking them.
   */
  async claimPending(channelId: string, shard: number, limit: number): Promise<TelegramUpdate[]> {
    const { rows } = await sql<Omit<TelegramUpdate, 'payload'> & { payloadText: string }>`
      update telegram_updates t set processed_at = now(), error = null
      where t.id in (${pendingScan(channelId, shard, limit)} for update)
      returning t.id, t.channel_id, t.update_id, t.received_at, t.processed_at, t.error, t.shard, t.chat_key,
                t.attempts, t.retry_at, t.payload::text as payload_text`.execute(this.db);
    return rows.map(parsed).sort((a, b) => Number(a.id) - Number(b.id));
  }

  /**
   * Counts a failed processing attempt of a drained update. Before the last attempt it sets `retry_at` with
   * graphile-worker's own backoff (e^attempts seconds, at most e^10 ≈ 6 h) and queues a wake-up of the shard's drain at
   * that time (its own job key, so later failures never move it); on the last it gives up like the per-update job did:
   * the error is written on the row (which leaves the pending scan) and in the channel's health view.
   */
  async recordFailure(id: number, error: string, maxAttempts: number): Promise<'retry' | 'gave_up'> {
    const { rows } = await sql<{ channelId: string; shard: number; retryAt: Date | null; gaveUp: boolean }>`
      update telegram_updates
      set attempts = attempts + 1,
          retry_at = case when attempts + 1 < ${maxAttempts}
                          then now() + make_interval(secs => exp(least(10, attempts + 1))) end,
          error = case when attempts + 1 >= ${maxAttempts} then ${error} end
      where id = ${id}
      returning channel_id, shard, retry_at, error is not null as gave_up`.execute(this.db);
    const row = rows[0];
    if (!row) return 'gave_up';
    if (row.gaveUp) {
      await new ChannelsRepository(this.db).recordError(row.channelId, `processing update ${id}: ${error}`);
      return 'gave_up';
    }
    const queue = drainQueue(row.channelId, row.shard);
    const job: JobMap['telegram.updates_pending'] = { channelId: row.channelId, shard: row.shard };
    await sql`select graphile_worker.add_job(
      'telegram.updates_pending', ${JSON.stringify(job)}::json,
      queue_name => ${queue}::text, run_at => ${row.retryAt}::timestamptz, job_key => ${`${queue}:retry:${id}`}::text
    )`.execute(this.db);
    return 'retry';
  }

  /**
   * Marks an unprocessed update processed and returns it, locked until the transaction ends: the processing job's first
   * statement. Processing runs in the same transaction, so a failure rolls the mark back; a second run of the same job
   * (or a redelivered job) finds nothing to do. One statement instead of a read and a closing write.
   */
  async claimForProcessing(id: number): Promise<TelegramUpdate | undefined> {
    const row = await this.db
      .updateTable('telegramUpdates')
      .set({ processedAt: sql`now()`, error: null })
      .where('id', '=', id)
      .where('processedAt', 'is', null)
      .returning(COLUMNS)
      .returning(sql<string>`payload::text`.as('payloadText'))
      .executeTakeFirst();
    return row && parsed(row);
  }

  /** Keeps why processing gave up, on the update and in its channel's health view. */
  async recordError(id: number, error: string): Promise<void> {
    const row = await this.db
      .updateTable('telegramUpdates')
      .set({ error })
      .where('id', '=', id)
      .returning('channelId')
      .executeTakeFirst();
    if (row)
      await new ChannelsRepository(this.db).recordError(row.channelId, `processing update ${id}: ${error}`);
  }

  /** Every stored update of a channel, oldest first (tests and diagnostics). */
  async listByChannel(channelId: string): Promise<TelegramUpdate[]> {
    const rows = await this.select().where('channelId', '=', channelId).orderBy('updateId').execute();
    return rows.map(parsed);
  }

  // The payload travels as text: CamelCasePlugin would rename Telegram's snake_case keys inside a jsonb value.
  private select() {
    return this.db
      .selectFrom('telegramUpdates')
      .select(COLUMNS)
      .select(sql<string>`payload::text`.as('payloadText'));
  }
}

/** Every column but the payload, which is read as text (see select()). */
const COLUMNS = [
  'id',
  'channelId',
  'updateId',
  'receivedAt',
  'processedAt',
  'error',
  'shard',
  'chatKey',
  'attempts',
  'retryAt',
] as const;

function parsed({
  payloadText,
  ...row
}: Omit<TelegramUpdate, 'payload'> & { payloadText: string }): TelegramUpdate {
  return { ...row, payload: JSON.parse(payloadText) };
}

/**
 * The next pending updates of one drain shard, oldest first (telegram_updates_pending_idx). A chat with an update waiting
 * for its retry is held back whole (telegram_updates_retry_idx), so its later updates cannot overtake the failed one.
 */
function pendingScan(channelId: string, shard: number, limit: number) {
  return sql`
    select u.id from telegram_updates u
    where u.channel_id = ${channelId} and u.shard = ${shard}
      and u.processed_at is null and u.error is null and u.shard is not null
      and not exists (
        select 1 from telegram_updates w
        where w.channel_id = u.channel_id and w.chat_key = u.chat_key
          and w.retry_at > now() and w.processed_at is null and w.error is null
      )
    order by u.id
    limit ${limit}`;
}
