import type { PassWindow } from '../../repositories/automation-calendar.repository.ts';
import type { AutomationTrigger } from './types.ts';

type DateTrigger = Extract<AutomationTrigger, { kind: 'date_attribute' }>;

const DAY_MS = 86_400_000;
/** When the rule names no time: 09:00 local, the hour a greeting is welcome. */
export const DEFAULT_LOCAL_TIME = '09:00';

/**
 * The attribute dates that can fire in a window. Time zones run from UTC-12 to UTC+14, so a moment in (since, until] is on
 * a local date between the UTC date of `since` minus one and that of `until` plus one; the attribute date is that local
 * date minus offsetDays ("3 days before" is offsetDays -3: it fires on date - 3). The SQL then checks each candidate's
 * exact moment in its own zone, so the slack costs a few extra rows, never a wrong run.
 */
export function candidateDates(offsetDays: number, w: PassWindow): string[] {
  const first = Math.floor(w.since.getTime() / DAY_MS) - 1;
  const last = Math.floor(w.until.getTime() / DAY_MS) + 1;
  const out: string[] = [];
  for (let day = first; day <= last; day++) {
    out.push(new Date((day - offsetDays) * DAY_MS).toISOString().slice(0, 10));
  }
  return out;
}

/**
 * A birthday rule's parameters for the SQL: the month-days (MMDD) and birthday years that can fire in the window. A
 * 29 February birthday is celebrated on 28 February in non-leap years, so 28 February brings 29 February along (in a
 * leap year the SQL finds the 29th's moment outside the window and skips it).
 */
export function birthdayQuery(t: DateTrigger, w: PassWindow) {
  const dates = candidateDates(t.offsetDays, w);
  const monthDays = new Set(dates.map((d) => Number(d.slice(5, 7)) * 100 + Number(d.slice(8, 10))));
  if (monthDays.has(228)) monthDays.add(229);
  return {
    monthDays: [...monthDays],
    years: [...new Set(dates.map((d) => Number(d.slice(0, 4))))],
    offsetDays: t.offsetDays,
    localTime: t.atLocalTime ?? DEFAULT_LOCAL_TIME,
  };
}

/** A date custom attribute's parameters: the `YYYY-MM-DD` values that can fire (a one-off date, not an anniversary). */
export function dateAttributeQuery(t: DateTrigger, w: PassWindow) {
  return {
    attribute: t.attribute,
    dates: candidateDates(t.offsetDays, w),
    offsetDays: t.offsetDays,
    localTime: t.atLocalTime ?? DEFAULT_LOCAL_TIME,
  };
}
