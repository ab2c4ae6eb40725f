/** Report periods: whole calendar days, inclusive at both ends, as the API's date-only `from`/`to` read them. */

/** A period of calendar days (YYYY-MM-DD), both included. */
export interface Period {
  from: string;
  to: string;
}

/** The presets of the period picker, in days. */
export const PRESETS = [7, 30, 90] as const;
/** The API's longest period. */
export const MAX_DAYS = 367;

const DAY_MS = 86_400_000;

/** Today's date in an IANA zone (the browser's when none or invalid). */
export function todayIn(zone: string | null | undefined, now = new Date()): string {
  const opts: Intl.DateTimeFormatOptions = { year: 'numeric', month: '2-digit', day: '2-digit' };
  try {
    return new Intl.DateTimeFormat('en-CA', { ...opts, timeZone: zone ?? undefined }).format(now);
  } catch {
    return new Intl.DateTimeFormat('en-CA', opts).format(now);
  }
}

/** A date `n` days after (or before) another. */
export function addDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** The last `days` days up to and including today. */
export function presetPeriod(days: number, today: string): Period {
  return { from: addDays(today, -(days - 1)), to: today };
}

/** How many days a period covers (both ends included). */
export function periodDays(p: Period): number {
  return Math.round((Date.parse(`${p.to}T00:00:00Z`) - Date.parse(`${p.from}T00:00:00Z`)) / DAY_MS) + 1;
}

/** What is wrong with a custom period, if anything. */
export function periodProblem(p: Period): 'missing' | 'order' | 'tooLong' | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(p.from) || !/^\d{4}-\d{2}-\d{2}$/.test(p.to)) return 'missing';
  if (p.from > p.to) return 'order';
  if (periodDays(p) > MAX_DAYS) return 'tooLong';
  return null;
}
