import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';

/** Updates stored but not yet processed, and why the latest failing one failed. */
export interface UpdateBacklog {
  readonly unprocessed: number;
  readonly lastProcessingError: { updateId: number; error: string; receivedAt: Date } | null;
}

/** The database session holding a bot's polling lease (the lock connection of one worker process). */
export interface PollLeaseHolder {
  readonly databasePid: number;
  readonly applicationName: string | null;
  readonly clientAddress: string | null;
  /** When that connection was opened: the worker has held leases since then (not necessarily this one). */
  readonly connectedAt: Date | null;
}

/** Read-only queries behind the channel health view and the Telegram metrics. */
export class ChannelHealthRepository {
  constructor(private readonly db: DbOrTx) {}

  /**
   * Both from the partial index on unprocessed updates: a failure is written on the row (and it stays unprocessed) only on the
   * job's last attempt, so "unprocessed with an error" is exactly the set of updates that gave up.
   */
  async updateBacklog(channelId: string): Promise<UpdateBacklog> {
    const [count, failed] = await Promise.all([
      this.db
        .selectFrom('telegramUpdates')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('channelId', '=', channelId)
        .where('processedAt', 'is', null)
        .executeTakeFirstOrThrow(),
      this.db
        .selectFrom('telegramUpdates')
        .select(['updateId', 'error', 'receivedAt'])
        .where('channelId', '=', channelId)
        .where('processedAt', 'is', null)
        .where('error', 'is not', null)
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst(),
    ]);
    return {
      unprocessed: Number(count.n),
      lastProcessingError: failed
        ? { updateId: Number(failed.updateId), error: failed.error!, receivedAt: failed.receivedAt }
        : null,
    };
  }

  /**
   * Who holds the polling lease (telegram.polling.ts: session advisory lock on hashtextextended('telegram.poll:<id>', 0)).
   * A bigint advisory lock shows in pg_locks as classid = high 32 bits, objid = low 32 bits, objsubid = 1.
   */
  async pollLeaseHolder(channelId: string): Promise<PollLeaseHolder | null> {
    const { rows } = await sql<PollLeaseHolder>`
      with k as (select hashtextextended(${`telegram.poll:${channelId}`}, 0) as key)
      select a.pid as database_pid, nullif(a.application_name, '') as application_name,
        host(a.client_addr) as client_address, a.backend_start as connected_at
      from k, pg_locks l left join pg_stat_activity a on a.pid = l.pid
      where l.locktype = 'advisory' and l.granted and l.objsubid = 1
        and l.database = (select oid from pg_database where datname = current_database())
        and l.classid::text::bigint = (k.key >> 32) & 4294967295
        and l.objid::text::bigint = k.key & 4294967295
      limit 1`.execute(this.db);
    return rows[0] ?? null;
  }

  /** Seconds left of each Telegram channel's 429 pause (0 when not paused), on the database clock. */
  async telegramPauses(): Promise<Array<{ channelId: string; seconds: number }>> {
    const { rows } = await sql<{ channelId: string; seconds: number }>`
      select id as channel_id,
        greatest(0, coalesce(extract(epoch from paused_until - clock_timestamp()), 0))::float8 as seconds
      from channels where type = 'telegram'`.execute(this.db);
    return rows.map((r) => ({ channelId: r.channelId, seconds: Number(r.seconds) }));
  }
}
