import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';

/** A report period: [from, to), days cut in `timezone`. */
export interface ReportPeriod {
  from: Date;
  to: Date;
  timezone: string;
  /** Only this channel (messages and subscribers reports). */
  channelId?: string;
}

/** Messages of one channel on one day. */
export interface MessagesDayRow {
  day: string;
  channelId: string;
  channelName: string;
  channelType: string;
  incoming: number;
  outgoing: number;
  /** Outgoing messages whose delivery failed (a subset of `outgoing`). */
  failed: number;
}

/** Subscribers of one channel on one day. */
export interface SubscribersDayRow {
  day: string;
  channelId: string;
  channelName: string;
  channelType: string;
  /** Identities first seen on the channel that day (a contact reachable through it for the first time). */
  gained: number;
  /** Identities that became unreachable that day (blocked the bot, deleted the account) and still are. */
  blocked: number;
}

/**
 * Per-channel, per-day activity: conversation messages and subscriber identities. Each query is one GROUP BY over a range
 * scan (messages: BRIN on created_at; contact_channels: created_at and unreachable_at, migration 0025), days cut with
 * `at time zone` so a day is the requested zone's calendar day. Only non-empty (day, channel) pairs come back; the service
 * fills the gaps.
 */
export class ReportsActivityRepository {
  constructor(private readonly db: DbOrTx) {}

  /** Incoming and outgoing conversation messages (notes and activity lines are not messages to or from anyone). */
  async messagesByDay(p: ReportPeriod): Promise<MessagesDayRow[]> {
    const channel = p.channelId ? sql`and c.channel_id = ${p.channelId}::uuid` : sql``;
    const { rows } = await sql<MessagesDayRow>`
      select to_char(m.created_at at time zone ${p.timezone}, 'YYYY-MM-DD') as day,
        ch.id as channel_id, ch.name as channel_name, ch.type as channel_type,
        count(*) filter (where m.message_type = 'incoming')::int as incoming,
        count(*) filter (where m.message_type = 'outgoing')::int as outgoing,
        count(*) filter (where m.message_type = 'outgoing' and m.delivery_status = 'failed')::int as failed
      from messages m
      join conversations c on c.id = m.conversation_id
      join channels ch on ch.id = c.channel_id
      where m.created_at >= ${p.from} and m.created_at < ${p.to}
        and m.message_type in ('incoming', 'outgoing') ${channel}
      group by 1, ch.id
      order by 1, ch.name, ch.id`.execute(this.db);
    return rows;
  }

  /** Identities gained (created) and lost (became unreachable) per channel and day. */
  async subscribersByDay(p: ReportPeriod): Promise<SubscribersDayRow[]> {
    const channel = p.channelId ? sql`and cc.channel_id = ${p.channelId}::uuid` : sql``;
    const { rows } = await sql<SubscribersDayRow>`
      with facts as (
        select cc.channel_id, cc.created_at as at, 'gained' as kind
          from contact_channels cc where cc.created_at >= ${p.from} and cc.created_at < ${p.to} ${channel}
        union all
        select cc.channel_id, cc.unreachable_at, 'blocked'
          from contact_channels cc where cc.unreachable_at >= ${p.from} and cc.unreachable_at < ${p.to} ${channel}
      )
      select to_char(f.at at time zone ${p.timezone}, 'YYYY-MM-DD') as day,
        ch.id as channel_id, ch.name as channel_name, ch.type as channel_type,
        count(*) filter (where f.kind = 'gained')::int as gained,
        count(*) filter (where f.kind = 'blocked')::int as blocked
      from facts f join channels ch on ch.id = f.channel_id
      group by 1, ch.id
      order by 1, ch.name, ch.id`.execute(this.db);
    return rows;
  }
}
