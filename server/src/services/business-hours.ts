/**
 * Business hours of a channel (inbox settings `businessHours`): a weekly schedule of local wall-clock ranges in the
 * channel's time zone. Pure, so the auto-reply's choice between its two messages is unit-tested (DST, midnight).
 */

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** One open range, `HH:MM` local time. `from` > `to` crosses midnight (22:00–02:00 ends on the next day); `to` may be 24:00. */
export interface TimeRange {
  from: string;
  to: string;
}

export interface BusinessHours {
  enabled: boolean;
  timezone: string;
  week: Partial<Record<Weekday, TimeRange[]>>;
}

/** Minutes since local midnight of `HH:MM` (24:00 → 1440); NaN when malformed. */
export function minutesOf(hhmm: string): number {
  const m = /^([01]\d|2[0-3]|24):([0-5]\d)$/.exec(hhmm);
  if (!m) return Number.NaN;
  const total = Number(m[1]) * 60 + Number(m[2]);
  return total > 1440 ? Number.NaN : total;
}

/** The local weekday and minute of the day of an instant in a time zone (wall clock, so DST is already applied). */
export function localTime(at: Date, timezone: string): { day: Weekday; minute: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  const day = get('weekday').toLowerCase().slice(0, 3) as Weekday;
  return { day, minute: Number(get('hour')) * 60 + Number(get('minute')) };
}

/**
 * Whether `at` falls inside the schedule. Disabled business hours mean always open. A range whose `from` equals its `to`
 * is the whole day. A range crossing midnight counts on its start day until 24:00 and on the next day until `to`.
 */
export function isWithinBusinessHours(hours: BusinessHours, at: Date): boolean {
  if (!hours.enabled) return true;
  const { day, minute } = localTime(at, hours.timezone);
  const yesterday = WEEKDAYS[(WEEKDAYS.indexOf(day) + 6) % 7]!;
  for (const r of hours.week[day] ?? []) {
    const from = minutesOf(r.from);
    const to = minutesOf(r.to);
    if (Number.isNaN(from) || Number.isNaN(to)) continue;
    if (from === to) return true;
    if (from < to ? minute >= from && minute < to : minute >= from) return true;
  }
  for (const r of hours.week[yesterday] ?? []) {
    const from = minutesOf(r.from);
    const to = minutesOf(r.to);
    if (from > to && minute < to) return true;
  }
  return false;
}
