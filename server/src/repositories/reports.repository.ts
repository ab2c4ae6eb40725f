import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';

/** Time spans in seconds over the conversations that have one in the period. */
export interface Durations {
  median: number | null;
  p90: number | null;
  count: number;
}

/** The inbox figures of one group (an agent, a day, or everything). */
export interface InboxFigures {
  conversationsOpened: number;
  conversationsResolved: number;
  firstResponseTime: Durations;
  resolutionTime: Durations;
  csat: { sent: number; rated: number; average: number | null; responseRate: number | null };
}

export interface InboxReportRow extends InboxFigures {
  /** 'agent', 'day' or 'total' (the grouping set the row belongs to). */
  group: 'agent' | 'day' | 'total';
  agentId: string | null;
  agentName: string | null;
  day: string | null;
}

export interface InboxReportFilter {
  from: Date;
  to: Date;
  timezone: string;
  channelId?: string;
  agentId?: string;
}

interface RawRow {
  byAgent: number;
  byDay: number;
  agentId: string | null;
  agentName: string | null;
  day: string | null;
  opened: number;
  resolved: number;
  frtMedian: number | null;
  frtP90: number | null;
  frtCount: number;
  resMedian: number | null;
  resP90: number | null;
  resCount: number;
  csatSent: number;
  csatRated: number;
  csatAverage: number | null;
}

/**
 * Inbox reports: one query. Every figure is counted at the time of its own event (opened at creation, first response
 * at the first reply, resolution at resolution, CSAT at the survey), in [from, to), and attributed to the
 * conversation's current assignee (CSAT: the assignee when the survey was sent). Grouping sets give the per-agent,
 * per-day (in the workspace time zone) and total rows in one pass; percentile_cont computes medians and p90 in SQL.
 * Indexes on created_at, first_reply_at, resolved_at and csat sent_at (migration 0014) keep each branch a range scan.
 */
export class ReportsRepository {
  constructor(private readonly db: DbOrTx) {}

  async inbox(f: InboxReportFilter): Promise<InboxReportRow[]> {
    const channel = (alias: string) =>
      f.channelId ? sql`and ${sql.ref(`${alias}.channel_id`)} = ${f.channelId}::uuid` : sql``;
    const agent = (col: string) => (f.agentId ? sql`and ${sql.ref(col)} = ${f.agentId}::uuid` : sql``);
    const range = (col: string) => sql`${sql.ref(col)} >= ${f.from} and ${sql.ref(col)} < ${f.to}`;
    const { rows } = await sql<RawRow>`
      with facts as (
        select c.assignee_id as agent_id, c.created_at as at, 'opened' as kind, null::float8 as secs, null::int as rating
          from conversations c where ${range('c.created_at')} ${channel('c')} ${agent('c.assignee_id')}
        union all
        select c.assignee_id, c.first_reply_at, 'first_response', extract(epoch from c.first_reply_at - c.created_at)::float8, null
          from conversations c where ${range('c.first_reply_at')} ${channel('c')} ${agent('c.assignee_id')}
        union all
        select c.assignee_id, c.resolved_at, 'resolved', extract(epoch from c.resolved_at - c.created_at)::float8, null
          from conversations c where ${range('c.resolved_at')} ${channel('c')} ${agent('c.assignee_id')}
        union all
        select s.assignee_id, s.sent_at, 'csat', null, s.rating
          from csat_responses s join conversations c on c.id = s.conversation_id
          where ${range('s.sent_at')} ${channel('c')} ${agent('s.assignee_id')}
      ),
      grouped as (
        select grouping(f.agent_id)::int as g_agent, grouping(f.day)::int as g_day, f.agent_id, f.day,
          count(*) filter (where kind = 'opened')::int as opened,
          count(*) filter (where kind = 'resolved')::int as resolved,
          percentile_cont(0.5) within group (order by secs) filter (where kind = 'first_response') as frt_median,
          percentile_cont(0.9) within group (order by secs) filter (where kind = 'first_response') as frt_p90,
          count(*) filter (where kind = 'first_response')::int as frt_count,
          percentile_cont(0.5) within group (order by secs) filter (where kind = 'resolved') as res_median,
          percentile_cont(0.9) within group (order by secs) filter (where kind = 'resolved') as res_p90,
          count(*) filter (where kind = 'resolved')::int as res_count,
          count(*) filter (where kind = 'csat')::int as csat_sent,
          count(rating) filter (where kind = 'csat')::int as csat_rated,
          avg(rating) filter (where kind = 'csat')::float8 as csat_average
        from (select *, to_char(at at time zone ${f.timezone}, 'YYYY-MM-DD') as day from facts) f
        group by grouping sets ((f.agent_id), (f.day), ())
      )
      select g.g_agent as by_agent, g.g_day as by_day, g.agent_id, u.display_name as agent_name, g.day,
        g.opened, g.resolved, g.frt_median, g.frt_p90, g.frt_count, g.res_median, g.res_p90, g.res_count,
        g.csat_sent, g.csat_rated, g.csat_average
      from grouped g left join users u on u.id = g.agent_id
      order by g.day nulls first, u.display_name nulls first, g.agent_id`.execute(this.db);
    return rows.map(toReportRow);
  }

  /** Midnight of a calendar date in a time zone (for date-only report bounds). */
  async startOfDay(date: string, timezone: string): Promise<Date> {
    const { rows } = await sql<{
      t: Date;
    }>`select (${date}::date::timestamp at time zone ${timezone}) as t`.execute(this.db);
    return rows[0]!.t;
  }

  /** The calendar dates (YYYY-MM-DD, in the time zone) that [from, to) touches. */
  async daysBetween(from: Date, to: Date, timezone: string): Promise<string[]> {
    const { rows } = await sql<{ day: string }>`
      select to_char(d, 'YYYY-MM-DD') as day from generate_series(
        (${from}::timestamptz at time zone ${timezone})::date,
        ((${to}::timestamptz - interval '1 microsecond') at time zone ${timezone})::date,
        interval '1 day') d`.execute(this.db);
    return rows.map((r) => r.day);
  }
}

function toReportRow(r: RawRow): InboxReportRow {
  // grouping() is 1 for a column rolled up in that row: (agent) rows roll up day, (day) rows roll up agent.
  const group = r.byAgent === 0 ? 'agent' : r.byDay === 0 ? 'day' : 'total';
  return {
    group,
    agentId: r.agentId,
    agentName: r.agentName,
    day: r.day,
    ...figures(r),
  };
}

function figures(r: RawRow): InboxFigures {
  // Seconds to the millisecond, averages to three decimals: interpolation leaves float noise (384.0000000000001).
  const num = (v: number | string | null) => (v === null ? null : Math.round(Number(v) * 1000) / 1000);
  return {
    conversationsOpened: r.opened,
    conversationsResolved: r.resolved,
    firstResponseTime: { median: num(r.frtMedian), p90: num(r.frtP90), count: r.frtCount },
    resolutionTime: { median: num(r.resMedian), p90: num(r.resP90), count: r.resCount },
    csat: {
      sent: r.csatSent,
      rated: r.csatRated,
      average: num(r.csatAverage),
      responseRate: r.csatSent === 0 ? null : r.csatRated / r.csatSent,
    },
  };
}

/** Figures of a group with no activity (days without events still appear in the per-day list). */
export const EMPTY_FIGURES: InboxFigures = {
  conversationsOpened: 0,
  conversationsResolved: 0,
  firstResponseTime: { median: null, p90: null, count: 0 },
  resolutionTime: { median: null, p90: null, count: 0 },
  csat: { sent: 0, rated: 0, average: null, responseRate: null },
};
