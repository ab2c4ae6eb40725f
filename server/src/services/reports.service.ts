import { ForbiddenError, ValidationError } from '../lib/errors.ts';
import { EMPTY_FIGURES, type InboxFigures } from '../repositories/reports.repository.ts';
import type { ReportPeriod } from '../repositories/reports-activity.repository.ts';
import type { Principal } from './auth.service.ts';
import type { ServiceContext } from './context.ts';
import {
  type BroadcastsReport,
  broadcastsReport,
  type MessagesReport,
  messagesReport,
  type NotificationsReport,
  notificationsReport,
  type PreferencesReport,
  preferencesReport,
  type SubscribersReport,
  subscribersReport,
} from './reports-figures.ts';

/** The longest period one report covers (a year and a day: a leap year plus a day of time-zone slack). */
const MAX_DAYS = 367;
const DAY_MS = 86_400_000;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** The query every report takes. */
export type ReportQuery = Pick<InboxReportQuery, 'from' | 'to' | 'timezone' | 'channel'>;

export interface InboxReportQuery {
  /** ISO date-time, or a date (midnight in the workspace time zone). Default: 30 days before `to`. */
  from?: string;
  /** ISO date-time (exclusive), or a date (inclusive: up to the end of that day). Default: now. */
  to?: string;
  /** IANA time zone that cuts the days; default the workspace's (setting default_timezone). */
  timezone?: string;
  channel?: string;
  agent?: string;
}

export interface InboxReport {
  from: string;
  to: string;
  timezone: string;
  totals: InboxFigures;
  byAgent: Array<{ agentId: string | null; agentName: string | null } & InboxFigures>;
  byDay: Array<{ day: string } & InboxFigures>;
}

/**
 * Inbox reports for managers. Anyone who reads conversations may ask; an agent (a user) gets only their own
 * figures (the `agent` filter is forced to themselves), like Chatwoot's agent reports; API keys see what their role reads.
 */
export class ReportsService {
  constructor(private readonly ctx: ServiceContext) {}

  async inbox(viewer: Principal, q: InboxReportQuery): Promise<InboxReport> {
    let agentId = q.agent;
    // API keys read what their role may, like the conversation list (services/conversation-visibility.ts).
    if (viewer.role === 'agent' && viewer.kind === 'user') {
      if (agentId !== undefined && agentId !== viewer.id)
        throw new ForbiddenError('Agents see only their own figures: leave out `agent` or pass your own id');
      agentId = viewer.id;
    }
    const { from, to, timezone } = await this.period(q);
    const { reports } = this.ctx.repos;
    const filter = { from, to, timezone, channelId: q.channel, agentId };
    const [rows, days] = await Promise.all([reports.inbox(filter), reports.daysBetween(from, to, timezone)]);
    const strip = <T extends { group: unknown; agentId: unknown; agentName: unknown; day: unknown }>(
      r: T,
    ) => {
      const { group: _g, agentId: _a, agentName: _n, day: _d, ...figures } = r;
      return figures as unknown as InboxFigures;
    };
    const byDay = new Map(rows.filter((r) => r.group === 'day').map((r) => [r.day!, strip(r)]));
    const total = rows.find((r) => r.group === 'total');
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      timezone,
      totals: total ? strip(total) : EMPTY_FIGURES,
      byAgent: rows
        .filter((r) => r.group === 'agent')
        .map((r) => ({ agentId: r.agentId, agentName: r.agentName, ...strip(r) })),
      byDay: days.map((day) => ({ day, ...(byDay.get(day) ?? EMPTY_FIGURES) })),
    };
  }

  /**
   * Messages in and out per channel and day: counts only (no content, no people), so everyone who reads conversations may
   * ask, agents included, as the permission table says.
   */
  async messages(q: ReportQuery): Promise<MessagesReport> {
    const p = await this.period(q);
    return messagesReport(this.ctx.repos, p, await this.days(p));
  }

  /** Subscribers gained and lost per channel and day. */
  async subscribers(q: ReportQuery): Promise<SubscribersReport> {
    const p = await this.period(q);
    return subscribersReport(this.ctx.repos, p, await this.days(p));
  }

  /** Broadcasts that started in the period, with their results. */
  async broadcasts(q: ReportQuery): Promise<BroadcastsReport> {
    return broadcastsReport(this.ctx.repos, await this.period(q));
  }

  /** Notification delivery per type. */
  async notifications(q: ReportQuery): Promise<NotificationsReport> {
    return notificationsReport(this.ctx.repos, await this.period(q));
  }

  /** Preference statistics (today's choices; unsubscriptions in the period). */
  async preferences(q: ReportQuery): Promise<PreferencesReport> {
    return preferencesReport(this.ctx.repos, await this.period(q));
  }

  private days(p: ReportPeriod): Promise<string[]> {
    return this.ctx.repos.reports.daysBetween(p.from, p.to, p.timezone);
  }

  /** The resolved period of a report query: bounds checked, at most MAX_DAYS, days cut in the requested zone. */
  async period(q: ReportQuery): Promise<ReportPeriod> {
    const timezone = q.timezone ?? (await this.workspaceTimezone());
    if (!validZone(timezone))
      throw new ValidationError('`timezone` is not a known IANA time zone', [
        { path: 'timezone', message: 'not a known IANA time zone' },
      ]);
    const to = await this.bound(q.to, 'to', timezone, true);
    const from =
      q.from === undefined
        ? new Date(to.getTime() - 30 * DAY_MS)
        : await this.bound(q.from, 'from', timezone, false);
    if (from >= to)
      throw new ValidationError('`from` must be before `to`', [
        { path: 'from', message: 'must be before to' },
      ]);
    if (to.getTime() - from.getTime() > MAX_DAYS * DAY_MS)
      throw new ValidationError(`A report covers at most ${MAX_DAYS} days`, [
        { path: 'from', message: `the period must not exceed ${MAX_DAYS} days` },
      ]);
    return { from, to, timezone, channelId: q.channel };
  }

  private async workspaceTimezone(): Promise<string> {
    const tz = await this.ctx.repos.settings.get('default_timezone');
    return typeof tz === 'string' ? tz : 'Europe/Moscow';
  }

  /** A report bound: an ISO date-time as is, or a date at midnight in the workspace zone (`to`: the next midnight). */
  private async bound(
    value: string | undefined,
    field: string,
    timezone: string,
    isTo: boolean,
  ): Promise<Date> {
    if (value === undefined) return this.ctx.clock.now();
    if (DATE_ONLY.test(value)) {
      const start = await this.ctx.repos.reports.startOfDay(value, timezone).catch(() => null);
      if (!start)
        throw new ValidationError(`\`${field}\` is not a valid date`, [
          { path: field, message: 'not a valid date' },
        ]);
      // A date `to` includes that whole day.
      return isTo ? await this.ctx.repos.reports.startOfDay(nextDate(value), timezone) : start;
    }
    const d = new Date(value);
    if (Number.isNaN(d.getTime()) || !/^\d{4}-\d{2}-\d{2}T/.test(value))
      throw new ValidationError(`\`${field}\` must be an ISO date-time or a date (YYYY-MM-DD)`, [
        { path: field, message: 'must be an ISO date-time or YYYY-MM-DD' },
      ]);
    return d;
  }
}

/** Whether the runtime (and so PostgreSQL's tz database, which shares the IANA names) knows this zone. */
function validZone(zone: string): boolean {
  if (zone.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function nextDate(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  return new Date(d.getTime() + DAY_MS).toISOString().slice(0, 10);
}
