import type { Repos } from '../repositories/index.ts';
import type {
  MessagesDayRow,
  ReportPeriod,
  SubscribersDayRow,
} from '../repositories/reports-activity.repository.ts';
import type { BroadcastPerformanceRow } from '../repositories/reports-delivery.repository.ts';

/** The period as answered: ISO bounds and the zone that cut the days. */
export interface PeriodEcho {
  from: string;
  to: string;
  timezone: string;
}

type ChannelInfo = { channelId: string; channelName: string; channelType: string };
type Counts<K extends string> = Record<K, number>;

/** A per-day, per-channel report: totals, per channel, every day of the period (zeros included), and the raw rows. */
export interface ChannelDayReport<K extends string> extends PeriodEcho {
  totals: Counts<K>;
  byChannel: Array<ChannelInfo & Counts<K>>;
  byDay: Array<{ day: string } & Counts<K>>;
  rows: Array<{ day: string } & ChannelInfo & Counts<K>>;
}

export type MessagesReport = ChannelDayReport<'incoming' | 'outgoing' | 'failed'>;
export type SubscribersReport = ChannelDayReport<'gained' | 'blocked'>;

/** Broadcasts that started in the period and their results. */
export interface BroadcastsReport extends PeriodEcho {
  totals: Omit<
    BroadcastFigures,
    'id' | 'title' | 'status' | 'channelId' | 'channelName' | 'startedAt' | 'finishedAt'
  > & {
    broadcasts: number;
  };
  broadcasts: BroadcastFigures[];
}

/** One broadcast's results; `clickRate` = contacts who clicked / recipients sent to (null when none was sent). */
export type BroadcastFigures = Omit<BroadcastPerformanceRow, 'startedAt' | 'finishedAt'> & {
  startedAt: string;
  finishedAt: string | null;
  clickRate: number | null;
};

/** Notification delivery per type. */
export interface NotificationsReport extends PeriodEcho {
  totals: NotificationFigures;
  types: Array<{ typeKey: string; typeName: string | null } & NotificationFigures>;
}

export interface NotificationFigures {
  created: number;
  sent: { telegram: number; email: number; total: number };
  skipped: number;
  skippedByReason: Array<{ reason: string; count: number }>;
  failed: number;
  digested: number;
  pending: number;
  fallbacks: number;
  /** Topic broadcasts of the type started in the period: sent, clicks, distinct clickers, clickers ÷ sent. */
  engagement: { sent: number; clicks: number; clickers: number; clickRate: number | null };
}

/** Preference statistics: a snapshot of today's choices plus unsubscriptions within the period. */
export interface PreferencesReport extends PeriodEcho {
  contacts: number;
  marketing: { unsubscribed: number; unsubscribedInPeriod: number };
  preferredChannel: { telegram: number; email: number; none: number };
  channelsOff: { telegram: number; email: number };
  types: Array<{
    typeKey: string;
    typeName: string | null;
    disabled: number;
    telegramOff: number;
    emailOff: number;
  }>;
}

export const echo = (p: ReportPeriod): PeriodEcho => ({
  from: p.from.toISOString(),
  to: p.to.toISOString(),
  timezone: p.timezone,
});

/** Folds (day, channel) rows into totals, per-channel sums and a zero-filled per-day series. */
export function channelDayReport<K extends string>(
  p: ReportPeriod,
  days: string[],
  keys: readonly K[],
  rows: Array<{ day: string } & ChannelInfo & Counts<K>>,
): ChannelDayReport<K> {
  const zero = () => Object.fromEntries(keys.map((k) => [k, 0])) as Counts<K>;
  const add = (into: Counts<K>, from: Counts<K>) => {
    for (const k of keys) into[k] += from[k];
  };
  const totals = zero();
  const byDay = new Map(days.map((d) => [d, zero()]));
  const byChannel = new Map<string, ChannelInfo & Counts<K>>();
  for (const r of rows) {
    add(totals, r);
    const day = byDay.get(r.day);
    if (day) add(day, r);
    let channel = byChannel.get(r.channelId);
    if (!channel) {
      channel = { channelId: r.channelId, channelName: r.channelName, channelType: r.channelType, ...zero() };
      byChannel.set(r.channelId, channel);
    }
    add(channel, r);
  }
  return {
    ...echo(p),
    totals,
    byChannel: [...byChannel.values()].sort((a, b) => a.channelName.localeCompare(b.channelName)),
    byDay: days.map((day) => ({ day, ...byDay.get(day)! })),
    rows,
  };
}

export async function messagesReport(r: Repos, p: ReportPeriod, days: string[]): Promise<MessagesReport> {
  const rows: MessagesDayRow[] = await r.reportsActivity.messagesByDay(p);
  return channelDayReport(p, days, ['incoming', 'outgoing', 'failed'] as const, rows);
}

export async function subscribersReport(
  r: Repos,
  p: ReportPeriod,
  days: string[],
): Promise<SubscribersReport> {
  const rows: SubscribersDayRow[] = await r.reportsActivity.subscribersByDay(p);
  return channelDayReport(p, days, ['gained', 'blocked'] as const, rows);
}

export async function broadcastsReport(r: Repos, p: ReportPeriod): Promise<BroadcastsReport> {
  const rows = await r.reportsDelivery.broadcasts(p);
  const rate = (clickers: number, sent: number) => (sent === 0 ? null : round(clickers / sent));
  const broadcasts = rows.map((b) => ({
    ...b,
    startedAt: b.startedAt.toISOString(),
    finishedAt: b.finishedAt?.toISOString() ?? null,
    clickRate: rate(b.clickers, b.sent),
  }));
  const sum = (k: 'recipients' | 'sent' | 'failed' | 'blocked' | 'other' | 'clicks' | 'clickers') =>
    rows.reduce((n, b) => n + b[k], 0);
  return {
    ...echo(p),
    totals: {
      broadcasts: rows.length,
      recipients: sum('recipients'),
      sent: sum('sent'),
      failed: sum('failed'),
      blocked: sum('blocked'),
      other: sum('other'),
      clicks: sum('clicks'),
      clickers: sum('clickers'),
      clickRate: rate(sum('clickers'), sum('sent')),
    },
    broadcasts,
  };
}

export async function notificationsReport(r: Repos, p: ReportPeriod): Promise<NotificationsReport> {
  const [rows, reasons, topics] = await Promise.all([
    r.reportsDelivery.notificationTypes(p),
    r.reportsDelivery.skipReasons(p),
    r.reportsDelivery.topicEngagement(p),
  ]);
  const engagement = (sent: number, clicks: number, clickers: number) => ({
    sent,
    clicks,
    clickers,
    clickRate: sent === 0 ? null : round(clickers / sent),
  });
  const topicOf = new Map(topics.map((x) => [x.typeKey, x]));
  // A type used only through topic broadcasts in the period still gets its row (with zero single notifications).
  const keys = [...new Set([...rows.map((x) => x.typeKey), ...topics.map((x) => x.typeKey)])].sort();
  const types = keys.map((typeKey) => {
    const t = rows.find((x) => x.typeKey === typeKey);
    const topic = topicOf.get(typeKey);
    return {
      typeKey,
      typeName: t?.typeName ?? topic?.typeName ?? null,
      created: t?.created ?? 0,
      sent: {
        telegram: t?.sentTelegram ?? 0,
        email: t?.sentEmail ?? 0,
        total: (t?.sentTelegram ?? 0) + (t?.sentEmail ?? 0),
      },
      skipped: t?.skipped ?? 0,
      skippedByReason: reasons
        .filter((x) => x.typeKey === typeKey)
        .map(({ reason, count }) => ({ reason, count })),
      failed: t?.failed ?? 0,
      digested: t?.digested ?? 0,
      pending: t?.pending ?? 0,
      fallbacks: t?.fallbacks ?? 0,
      engagement: engagement(topic?.sent ?? 0, topic?.clicks ?? 0, topic?.clickers ?? 0),
    };
  });
  const sum = (f: (x: (typeof types)[number]) => number) => types.reduce((n, x) => n + f(x), 0);
  const allReasons = new Map<string, number>();
  for (const x of reasons) allReasons.set(x.reason, (allReasons.get(x.reason) ?? 0) + x.count);
  return {
    ...echo(p),
    totals: {
      created: sum((x) => x.created),
      sent: {
        telegram: sum((x) => x.sent.telegram),
        email: sum((x) => x.sent.email),
        total: sum((x) => x.sent.total),
      },
      skipped: sum((x) => x.skipped),
      skippedByReason: [...allReasons]
        .map(([reason, count]) => ({ reason, count }))
        .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason)),
      failed: sum((x) => x.failed),
      digested: sum((x) => x.digested),
      pending: sum((x) => x.pending),
      fallbacks: sum((x) => x.fallbacks),
      engagement: engagement(
        sum((x) => x.engagement.sent),
        sum((x) => x.engagement.clicks),
        sum((x) => x.engagement.clickers),
      ),
    },
    types,
  };
}

export async function preferencesReport(r: Repos, p: ReportPeriod): Promise<PreferencesReport> {
  const [t, types] = await Promise.all([
    r.reportsDelivery.preferenceTotals(p),
    r.reportsDelivery.typeOptOuts(),
  ]);
  return {
    ...echo(p),
    contacts: t.contacts,
    marketing: { unsubscribed: t.unsubscribed, unsubscribedInPeriod: t.unsubscribedInPeriod },
    preferredChannel: { telegram: t.preferredTelegram, email: t.preferredEmail, none: t.preferredNone },
    channelsOff: { telegram: t.telegramOff, email: t.emailOff },
    types,
  };
}

/** Rates to four decimals (0.3333): enough for a percentage with two decimals, no float noise in CSV. */
function round(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}
