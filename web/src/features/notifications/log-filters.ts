import { startOfDay } from '../../lib/zoned-time.ts';
import type { NotificationStatus } from './api.ts';

/** The log's filters; kept in the address (`?type=…&status=…`) so a reload or a shared link shows the same rows. */
export interface LogFilters {
  contactId: string;
  type: string;
  statuses: NotificationStatus[];
  /** First and last day of the period, `YYYY-MM-DD`, both included, in the user's time zone. */
  from: string;
  to: string;
}

export const STATUSES: NotificationStatus[] = [
  'queued',
  'delayed',
  'sending',
  'sent',
  'skipped',
  'failed',
  'digested',
];

/** The filters an address carries; unknown statuses and malformed days are dropped. */
export function filtersFromSearch(search: URLSearchParams): LogFilters {
  const day = (v: string | null) => (v && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : '');
  const statuses = (search.get('status') ?? '').split(',');
  return {
    contactId: search.get('contactId') ?? '',
    type: search.get('type') ?? '',
    statuses: STATUSES.filter((s) => statuses.includes(s)),
    from: day(search.get('from')),
    to: day(search.get('to')),
  };
}

/** The address for filters (empty ones left out). */
export function filtersToSearch(f: LogFilters): string {
  const q = new URLSearchParams();
  if (f.contactId) q.set('contactId', f.contactId);
  if (f.type) q.set('type', f.type);
  if (f.statuses.length) q.set('status', f.statuses.join(','));
  if (f.from) q.set('from', f.from);
  if (f.to) q.set('to', f.to);
  const s = q.toString();
  return s ? `?${s}` : '';
}

/**
 * The API query for filters: days become instants in the user's zone, `from` at the day's start (inclusive) and `to`
 * at the start of the next day (the API's `to` is exclusive), so "to 7 Dec" includes all of 7 December.
 */
export function filtersToQuery(f: LogFilters, zone: string): Record<string, string> {
  const params: Record<string, string> = {};
  if (f.contactId) params.contactId = f.contactId;
  if (f.type) params.type = f.type;
  if (f.statuses.length) params.status = f.statuses.join(',');
  const from = f.from ? startOfDay(f.from, zone) : null;
  const to = f.to ? startOfDay(nextDay(f.to), zone) : null;
  if (from) params.from = from;
  if (to) params.to = to;
  return params;
}

function nextDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** The test form's data: a JSON object, or the reason it is not one. */
export function parseData(text: string): { data: Record<string, unknown> } | { error: string } {
  if (!text.trim()) return { data: {} };
  try {
    const value = JSON.parse(text) as unknown;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return { error: 'not_object' };
    return { data: value as Record<string, unknown> };
  } catch (e) {
    return { error: (e as Error).message };
  }
}
