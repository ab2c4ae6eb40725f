import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';

/** The sending policy passed to the database with every grant (see docs/architecture.md, "Telegram rate limiting"). */
export interface TelegramRatePolicy {
  /** Messages per second per bot when the channel sets none. */
  readonly defaultPerSecond: number;
  /** Fraction added to every interval so sends arriving with some network jitter still fit Telegram's windows. */
  readonly headroom: number;
  /** Private chat: a token bucket of `privateBurst` refilled at one message per `privateIntervalMs`. */
  readonly privateIntervalMs: number;
  readonly privateBurst: number;
  /** Groups: one message per this interval (60 000 / 20, plus headroom), so never more than 20 in any minute. */
  readonly groupIntervalMs: number;
  /** Bulk may reserve a slot at most this far ahead; interactive traffic reserves up to one second further. */
  readonly bulkHorizonMs: number;
  readonly interactiveHorizonMs: number;
  /** Per process, per bot: no more than the bot's rate dispatched in any second plus this margin (DispatchGuard). */
  readonly dispatchMarginMs: number;
}

/** The outcome of one grant attempt: granted with the slot time, or refused with how long to wait (database clock). */
export interface RateGrant {
  readonly granted: boolean;
  readonly slot: Date | null;
  /** Granted: how long until the slot (≥ 0); refused: how long before trying again is worthwhile. */
  readonly waitMs: number;
  readonly reason: 'granted' | 'paused' | 'bot' | 'chat' | 'missing';
  /** Granted: how long until the bot's next slot fits the same horizon (asking sooner would be refused). */
  readonly nextMs: number;
}

/** What the health view shows about a bot's budget. */
export interface RateState {
  readonly pausedUntil: Date | null;
  /** Grants in the last minute, estimated from two one-minute buckets (sliding-window approximation). */
  readonly sentLastMinute: number;
}

/** One message asking for a slot: its chat (null: counts against the bot only) and whether that chat is a group. */
export interface RateRequest {
  readonly chatId: string | null;
  readonly group: boolean;
}

/** The per-bot sending budget. One statement per batch of grants; all arithmetic happens in telegram_rate_acquire_many(). */
export class TelegramRateRepository {
  constructor(private readonly db: DbOrTx) {}

  /**
   * Tries to take one slot per request, in order, for one bot and one priority's horizon; answers index for index. Requests
   * after the first one refused for the bot's schedule are refused too (the schedule only moves forward within the batch).
   */
  async acquireMany(
    policy: TelegramRatePolicy,
    channelId: string,
    horizonMs: number,
    reqs: readonly RateRequest[],
  ): Promise<RateGrant[]> {
    const { rows } = await sql<{
      idx: number;
      granted: boolean;
      slot: Date | null;
      waitMs: number;
      reason: RateGrant['reason'];
      nextMs: number;
    }>`
      select idx, granted, slot, wait_ms, reason, next_ms from telegram_rate_acquire_many(
        ${channelId}::uuid, ${reqs.map((r) => r.chatId)}::text[], ${reqs.map((r) => r.group)}::boolean[],
        ${horizonMs}::float8, ${policy.defaultPerSecond}::float8, ${policy.headroom}::float8,
        ${policy.privateIntervalMs}::float8, ${policy.privateBurst}::int, ${policy.groupIntervalMs}::float8)`.execute(
      this.db,
    );
    const grants: RateGrant[] = new Array(reqs.length);
    for (const row of rows)
      grants[row.idx - 1] = {
        granted: row.granted,
        slot: row.slot,
        reason: row.reason,
        waitMs: Math.max(0, Number(row.waitMs)),
        nextMs: Number(row.nextMs),
      };
    if (rows.length !== reqs.length || grants.includes(undefined as never))
      throw new Error(`telegram_rate_acquire_many answered ${rows.length} of ${reqs.length} requests`);
    return grants;
  }

  /** Pauses the whole bot until now + seconds (database clock); an existing longer pause is kept. Returns the pause end. */
  async pause(channelId: string, seconds: number): Promise<Date | null> {
    const { rows } = await sql<{ pausedUntil: Date }>`
      update channels set paused_until = greatest(coalesce(paused_until, '-infinity'),
        clock_timestamp() + make_interval(secs => ${seconds}::float8))
      where id = ${channelId}::uuid returning paused_until`.execute(this.db);
    return rows[0]?.pausedUntil ?? null;
  }

  /** The pause (only when still in the future) and the grants of the last minute. */
  async state(channelId: string): Promise<RateState> {
    const { rows } = await sql<{ pausedUntil: Date | null; sentLastMinute: number | null }>`
      select case when c.paused_until > clock_timestamp() then c.paused_until end as paused_until,
        case
          when b.channel_id is null or clock_timestamp() >= b.minute_start + interval '2 minutes' then 0
          when clock_timestamp() >= b.minute_start + interval '1 minute' then
            round(b.minute_count * (1 - extract(epoch from clock_timestamp() - b.minute_start - interval '1 minute') / 60))
          else round(b.minute_count + b.prev_minute_count
            * (1 - extract(epoch from clock_timestamp() - b.minute_start) / 60))
        end as sent_last_minute
      from channels c left join telegram_rate_bots b on b.channel_id = c.id
      where c.id = ${channelId}::uuid`.execute(this.db);
    const row = rows[0];
    return { pausedUntil: row?.pausedUntil ?? null, sentLastMinute: Number(row?.sentLastMinute ?? 0) };
  }

  /** Forgets chats whose schedule is entirely in the past (they would be granted at once anyway). */
  async pruneChats(olderThanMs = 60_000): Promise<number> {
    const res = await sql`delete from telegram_rate_chats
      where tat < clock_timestamp() - make_interval(secs => ${olderThanMs / 1000}::float8)`.execute(this.db);
    return Number(res.numAffectedRows ?? 0);
  }
}
