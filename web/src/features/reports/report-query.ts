/**
 * What each report is asked for. One period and zone for every card; the channel filter reaches only the reports the API
 * narrows by channel (conversations, messages, subscribers), so the others keep their cache and say they cover every channel.
 */
import type { Period } from './period.ts';

/** GET /api/v1/reports/<name> (and <name>.csv). */
export type ReportName =
  | 'inbox'
  | 'messages'
  | 'subscribers'
  | 'broadcasts'
  | 'notifications'
  | 'preferences'
  | 'coupons';

/** The reports that accept `?channel` (docs/api.md "Reports"). */
export const CHANNEL_REPORTS: ReadonlySet<ReportName> = new Set<ReportName>([
  'inbox',
  'messages',
  'subscribers',
]);

/** Whether the dashboard's channel filter narrows this report. */
export function takesChannel(name: ReportName): boolean {
  return CHANNEL_REPORTS.has(name);
}

/** The query parameters of one report: the channel only where the API reads it (elsewhere it would be refused). */
export function reportParams(
  name: ReportName,
  period: Period,
  zone: string | null | undefined,
  channel: string | null | undefined,
): Record<string, string> {
  const params: Record<string, string> = { from: period.from, to: period.to };
  if (zone) params.timezone = zone;
  if (channel && takesChannel(name)) params.channel = channel;
  return params;
}

/** The downloaded CSV's name: the report, the period and, when narrowed, the channel's name made file-safe. */
export function csvFileName(name: ReportName, period: Period, channelName?: string | null): string {
  const suffix =
    channelName && takesChannel(name)
      ? `-${channelName
          .trim()
          .replace(/[^\p{L}\p{N}]+/gu, '-')
          .replace(/^-+|-+$/g, '')
          .slice(0, 40)}`
      : '';
  return `${name}-${period.from}-${period.to}${suffix === '-' ? '' : suffix}.csv`;
}
