import { useQuery } from '@tanstack/react-query';
import { api, fetchBlob, query } from '../../lib/api.ts';
import type { Channel, Page } from '../../lib/types.ts';
import type { Period } from './period.ts';

import { csvFileName, type ReportName, reportParams, takesChannel } from './report-query.ts';

export type { ReportName };

interface PeriodEcho {
  from: string;
  to: string;
  timezone: string;
}

export interface Durations {
  median: number | null;
  p90: number | null;
  count: number;
}

export interface InboxFigures {
  conversationsOpened: number;
  conversationsResolved: number;
  firstResponseTime: Durations;
  resolutionTime: Durations;
  csat: { sent: number; rated: number; average: number | null; responseRate: number | null };
}

export interface InboxReport extends PeriodEcho {
  totals: InboxFigures;
  byDay: Array<{ day: string } & InboxFigures>;
}

interface ChannelInfo {
  channelId: string;
  channelName: string;
  channelType: string;
}

export interface ChannelDayReport<C> extends PeriodEcho {
  totals: C;
  byChannel: Array<ChannelInfo & C>;
  byDay: Array<{ day: string } & C>;
}

export type MessagesReport = ChannelDayReport<{ incoming: number; outgoing: number; failed: number }>;
export type SubscribersReport = ChannelDayReport<{ gained: number; blocked: number }>;

export interface BroadcastResult {
  id: string;
  title: string;
  status: string;
  channelName: string;
  startedAt: string;
  recipients: number;
  sent: number;
  failed: number;
  blocked: number;
  other: number;
  clicks: number;
  clickers: number;
  clickRate: number | null;
}

export interface BroadcastsReport extends PeriodEcho {
  totals: Omit<BroadcastResult, 'id' | 'title' | 'status' | 'channelName' | 'startedAt'> & {
    broadcasts: number;
  };
  broadcasts: BroadcastResult[];
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
  /** The type's topic broadcasts started in the period. */
  engagement: { sent: number; clicks: number; clickers: number; clickRate: number | null };
}

export interface NotificationsReport extends PeriodEcho {
  totals: NotificationFigures;
  types: Array<{ typeKey: string; typeName: string | null } & NotificationFigures>;
}

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

export interface CouponConversion {
  issued: number;
  /** Coupons issued in the period that were used at least once. */
  redeemed: number;
  /** redeemed / issued, 0..1 (0 when none were issued). */
  conversion: number;
}

/** GET /reports/coupons: `days` holds only days with coupons issued or redeemed (see coupon-days.ts). */
export interface CouponsReport extends PeriodEcho {
  totals: CouponConversion & { redemptions: number };
  campaigns: Array<{ campaignId: string; name: string } & CouponConversion>;
  days: Array<{ day: string; issued: number; redemptions: number }>;
}

/** One report for a period; days cut in the user's zone (the workspace's when the user has none), narrowed to a channel where
 * the report is per channel (the key leaves the channel out elsewhere, so changing it refetches only those). */
export function useReport<T>(
  name: ReportName,
  period: Period,
  timezone: string | null | undefined,
  channel: string | null = null,
  enabled = true,
) {
  const narrowedTo = takesChannel(name) ? channel || null : null;
  return useQuery({
    queryKey: ['reports', name, period.from, period.to, timezone ?? null, narrowedTo],
    queryFn: () =>
      api<T>(`/api/v1/reports/${name}${query(reportParams(name, period, timezone, narrowedTo))}`),
    enabled,
    staleTime: 60_000,
  });
}

/** Downloads a report's CSV (fetched with the session's token, then saved through a temporary link). */
export async function downloadCsv(
  name: ReportName,
  period: Period,
  timezone: string | null | undefined,
  channel: { id: string; name: string } | null = null,
) {
  const blob = await fetchBlob(
    `/api/v1/reports/${name}.csv${query(reportParams(name, period, timezone, channel?.id))}`,
  );
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = csvFileName(name, period, channel?.name);
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The channels the dashboard can be narrowed to (features never import each other, so the list is read here too). */
export function useReportChannels(enabled: boolean) {
  return useQuery({
    queryKey: ['channels'],
    queryFn: () => api<Page<Channel>>('/api/v1/channels'),
    select: (r) => r.data,
    enabled,
    staleTime: 60_000,
  });
}
