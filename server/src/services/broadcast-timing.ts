/**
 * Wall-clock arithmetic for broadcasts: local-time waves and quiet hours, in the recipient's time zone.
 * Pure (Intl only), so the delivery manager can call it per recipient at claim time and tests can pin dates.
 * The snapshot computes the same thing in SQL (repositories/broadcasts.repository.ts); the two must agree.
 */

/** A daily window of local time, `HH:MM` to `HH:MM`; `from` after `to` crosses midnight (22:00 to 09:00). */
export interface QuietHours {
  from: string;
  to: string;
}

const HHMM = /^([01][0-9]|2[0-3]):([0-5][0-9])$/;
const MINUTE = 60_000;
const DAY_MINUTES = 24 * 60;

/** Whether `value` is a wall-clock time `HH:MM` (24 h). */
export function isClockTime(value: unknown): value is string {
  return typeof value === 'string' && HHMM.test(value);
}

/** `HH:MM` → minutes since midnight. */
export function clockMinutes(value: string): number {
  const m = HHMM.exec(value);
  if (!m) throw new RangeError(`not a time HH:MM: ${value}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The wall-clock reading of `at` in `timeZone`. */
function localParts(at: Date, timeZone: string): LocalParts {
  const out: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(at))
    if (p.type !== 'literal') out[p.type] = Number(p.value);
  return out as unknown as LocalParts;
}

/** The zone's offset from UTC at `at`, in ms (Moscow: +3 h). */
function offsetMs(at: Date, timeZone: string): number {
  const p = localParts(at, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}

/**
 * The instant a local date and minute-of-day happen in `timeZone`, resolved as PostgreSQL's `AT TIME ZONE` does around DST:
 * a time that happens twice (autumn) is the later one; a time skipped (spring, 02:30) uses the offset before the jump (03:30).
 */
export function zonedInstant(
  year: number,
  month: number,
  day: number,
  minutes: number,
  timeZone: string,
): Date {
  const naive = Date.UTC(year, month - 1, day, 0, minutes);
  // No zone changes its offset twice within three days, so the offsets 36 h either side are the only candidates.
  const before = naive - offsetMs(new Date(naive - 36 * 3600_000), timeZone);
  const after = naive - offsetMs(new Date(naive + 36 * 3600_000), timeZone);
  const shows = (t: number) => {
    const p = localParts(new Date(t), timeZone);
    return p.hour * 60 + p.minute === minutes % DAY_MINUTES && p.day === new Date(naive).getUTCDate();
  };
  const valid = [before, after].filter(shows);
  return new Date(valid.length ? Math.max(...valid) : before);
}

/** Local calendar date of `at`, shifted by `days`. */
function localDate(at: Date, timeZone: string, days = 0): { year: number; month: number; day: number } {
  const p = localParts(at, timeZone);
  const d = new Date(Date.UTC(p.year, p.month - 1, p.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** The next moment at or after `at` when the clock in `timeZone` shows `time` (HH:MM): today's, or else tomorrow's. */
export function nextLocalTime(at: Date, timeZone: string, time: string): Date {
  const minutes = clockMinutes(time);
  for (const days of [0, 1, 2]) {
    const { year, month, day } = localDate(at, timeZone, days);
    const candidate = zonedInstant(year, month, day, minutes, timeZone);
    if (candidate.getTime() >= at.getTime()) return candidate;
  }
  // Unreachable for real zones (a day is at most 26 h); kept total so callers never get undefined.
  return new Date(at.getTime() + DAY_MINUTES * MINUTE);
}

/**
 * When quiet hours hold a message due at `at` for a recipient in `timeZone`: the end of the quiet window (the next `to`),
 * or null when it is not quiet there. `from` is inclusive, `to` exclusive; `from` = `to` means no quiet hours.
 */
export function quietHoldUntil(at: Date, timeZone: string, quiet: QuietHours): Date | null {
  const from = clockMinutes(quiet.from);
  const to = clockMinutes(quiet.to);
  if (from === to) return null;
  const p = localParts(at, timeZone);
  const now = p.hour * 60 + p.minute;
  const quietNow = from < to ? now >= from && now < to : now >= from || now < to;
  if (!quietNow) return null;
  return nextLocalTime(at, timeZone, quiet.to);
}
