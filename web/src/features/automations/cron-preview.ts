/**
 * The schedule trigger's preview: parses a five-field cron expression (lists, ranges, steps, month and day names,
 * `@daily`-style macros) and finds its next run times in a time zone, so the editor can say "next: Mon 10:00, …" while it
 * is typed. The server's parser (schedule-cron.ts) decides; this one only has to agree on ordinary expressions (a local
 * time skipped by a daylight-saving jump is not shown, while the server fires it just after the jump).
 */

export interface CronFields {
  minutes: Set<number>;
  hours: Set<number>;
  days: Set<number>;
  months: Set<number>;
  weekdays: Set<number>;
  daysRestricted: boolean;
  weekdaysRestricted: boolean;
}

const MACROS: Record<string, string> = {
  '@hourly': '0 * * * *',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@weekly': '0 0 * * 0',
  '@monthly': '0 0 1 * *',
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
};
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const RANGES: Array<[number, number, string[] | null, number]> = [
  [0, 59, null, 0],
  [0, 23, null, 0],
  [1, 31, null, 0],
  [1, 12, MONTHS, 1],
  [0, 7, DAYS, 0],
];

function value(token: string, names: string[] | null, base: number): number {
  const i = names ? names.indexOf(token.toLowerCase()) : -1;
  if (i >= 0) return i + base;
  if (!/^\d+$/.test(token)) return Number.NaN;
  return Number(token);
}

function parseField(text: string, [min, max, names, base]: (typeof RANGES)[number]): Set<number> | null {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const [range, stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!range || !Number.isInteger(step) || step < 1) return null;
    let from: number;
    let to: number;
    if (range === '*') [from, to] = [min, max];
    else {
      const [a, b] = range.split('-');
      from = value(a ?? '', names, base);
      to = b === undefined ? (stepText === undefined ? from : max) : value(b, names, base);
    }
    if (!(from >= min && to <= max && from <= to)) return null;
    for (let v = from; v <= to; v += step) out.add(v);
  }
  return out;
}

/** The expression's fields, or null when it is not a valid five-field expression. */
export function parseCronExpression(expression: string): CronFields | null {
  const text = MACROS[expression.trim().toLowerCase()] ?? expression.trim();
  const parts = text.split(/\s+/);
  if (parts.length !== 5) return null;
  const sets = parts.map((p, i) => parseField(p, RANGES[i]!));
  if (sets.some((s) => s === null)) return null;
  const [minutes, hours, days, months, weekdays] = sets as Set<number>[];
  if (weekdays!.has(7)) weekdays!.add(0);
  return {
    minutes: minutes!,
    hours: hours!,
    days: days!,
    months: months!,
    weekdays: weekdays!,
    daysRestricted: parts[2] !== '*',
    weekdaysRestricted: parts[4] !== '*',
  };
}

interface LocalParts {
  month: number;
  day: number;
  weekday: number;
  hour: number;
  minute: number;
}

function localReader(zone: string): (d: Date) => LocalParts {
  const f = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    month: 'numeric',
    day: 'numeric',
    weekday: 'short',
    hour: 'numeric',
    minute: 'numeric',
  });
  return (d) => {
    const p = Object.fromEntries(f.formatToParts(d).map((x) => [x.type, x.value]));
    return {
      month: Number(p.month),
      day: Number(p.day),
      weekday: DAYS.indexOf(String(p.weekday).toLowerCase().slice(0, 3)),
      hour: Number(p.hour),
      minute: Number(p.minute),
    };
  };
}

function dayMatches(c: CronFields, p: LocalParts): boolean {
  if (!c.months.has(p.month)) return false;
  const byDay = c.days.has(p.day);
  const byWeekday = c.weekdays.has(p.weekday);
  if (c.daysRestricted && c.weekdaysRestricted) return byDay || byWeekday;
  return byDay && byWeekday;
}

const MINUTE = 60_000;

/**
 * The next `count` run times after `from` (exclusive), searching at most `horizonDays` ahead: days and hours that cannot
 * match are skipped whole, so a year without a run takes a few hundred steps.
 */
export function nextRuns(
  expression: string,
  zone: string,
  from: Date,
  count = 3,
  horizonDays = 400,
): Date[] | null {
  const cron = parseCronExpression(expression);
  if (!cron) return null;
  let read: (d: Date) => LocalParts;
  try {
    read = localReader(zone);
  } catch {
    return null;
  }
  const out: Date[] = [];
  let t = Math.floor(from.getTime() / MINUTE) * MINUTE + MINUTE;
  const end = from.getTime() + horizonDays * 86_400_000;
  while (out.length < count && t <= end) {
    const p = read(new Date(t));
    if (!dayMatches(cron, p)) {
      // To the next local midnight (a 25-hour day lands an hour early and is checked once more).
      t += ((23 - p.hour) * 60 + (60 - p.minute)) * MINUTE;
      continue;
    }
    if (!cron.hours.has(p.hour)) {
      t += (60 - p.minute) * MINUTE;
      continue;
    }
    if (cron.minutes.has(p.minute)) out.push(new Date(t));
    t += MINUTE;
  }
  return out;
}
