import type { HoursRange, Weekday } from './types.ts';

/** The week in the order the editor shows it (Monday first, as in Russia and most of Europe). */
export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
export type Week = Record<Weekday, HoursRange[]>;

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
/** The API keeps at most this many ranges a day. */
export const MAX_RANGES = 10;

/** A day off gets a usual working day; a working day gets one more range after its last one (or the evening). */
export function addRange(week: Week, day: Weekday): Week {
  const ranges = week[day];
  if (ranges.length >= MAX_RANGES) return week;
  const last = ranges.at(-1);
  const next = last
    ? { from: last.to, to: last.to < '23:00' ? '23:00' : '23:59' }
    : { from: '09:00', to: '18:00' };
  return { ...week, [day]: [...ranges, next] };
}

export function removeRange(week: Week, day: Weekday, index: number): Week {
  return { ...week, [day]: week[day].filter((_, i) => i !== index) };
}

export function setRange(week: Week, day: Weekday, index: number, change: Partial<HoursRange>): Week {
  return { ...week, [day]: week[day].map((r, i) => (i === index ? { ...r, ...change } : r)) };
}

/** Copies one day's hours to other days (e.g. Monday to every weekday), each day getting its own copies. */
export function copyDay(week: Week, from: Weekday, to: readonly Weekday[]): Week {
  const out = { ...week };
  for (const day of to) if (day !== from) out[day] = week[from].map((r) => ({ ...r }));
  return out;
}

/** A range that ends before it starts runs past midnight (22:00–06:00), which the API accepts. */
export function crossesMidnight(range: HoursRange): boolean {
  return TIME.test(range.from) && TIME.test(range.to) && range.from > range.to;
}

export type RangeProblem = 'time' | 'same' | 'overlap';

/**
 * What is wrong with a day's ranges before saving, by index: a time that is not HH:MM, a range that starts where it ends
 * (the API refuses both), or one that overlaps the previous range (allowed by the API, but surely a slip).
 */
export function rangeProblems(ranges: readonly HoursRange[]): Map<number, RangeProblem> {
  const problems = new Map<number, RangeProblem>();
  ranges.forEach((r, i) => {
    if (!TIME.test(r.from) || !TIME.test(r.to)) problems.set(i, 'time');
    else if (r.from === r.to) problems.set(i, 'same');
  });
  const sameDay = ranges
    .map((r, i) => ({ ...r, i }))
    .filter((r) => !problems.has(r.i) && r.from < r.to)
    .sort((a, b) => a.from.localeCompare(b.from));
  for (let k = 1; k < sameDay.length; k++) {
    const prev = sameDay[k - 1]!;
    const cur = sameDay[k]!;
    if (cur.from < prev.to) problems.set(cur.i, 'overlap');
  }
  return problems;
}

/** Whether the whole week can be saved. */
export function weekIsValid(week: Week): boolean {
  return WEEKDAYS.every((d) => rangeProblems(week[d]).size === 0);
}
