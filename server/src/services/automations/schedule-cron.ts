/**
 * Cron expressions evaluated in a time zone. graphile-worker's crontab is UTC-only, so schedule rules ("Mondays at 10:00
 * Europe/Berlin") are matched here against local wall-clock minutes, one UTC minute at a time.
 *
 * Daylight saving, like Vixie cron: a local time skipped by the spring-forward jump fires at the first minute after the
 * jump; a local time repeated by the fall-back fires once (the occurrence key is the local wall-clock minute, so the second
 * pass through it is the same occurrence).
 */

/** A parsed five-field expression: the allowed values per field. */
export interface CronSpec {
  minutes: Set<number>;
  hours: Set<number>;
  days: Set<number>;
  months: Set<number>;
  weekdays: Set<number>;
  /** Classic cron: when both day fields are restricted, a day matches if either does. */
  daysRestricted: boolean;
  weekdaysRestricted: boolean;
}

/** One matching minute: when it happens (UTC) and which local wall-clock minute it stands for (`YYYY-MM-DDTHH:MM`). */
export interface CronTick {
  at: Date;
  local: string;
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
const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
interface Field {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
  base?: number;
}
const FIELDS: readonly Field[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTH_NAMES, base: 1 },
  // 7 is Sunday too (folded into 0 below).
  { name: 'day of week', min: 0, max: 7, names: DAY_NAMES, base: 0 },
];

/** Parses `m h dom mon dow` (lists, ranges, steps, names, `@daily`-style macros); throws with the field at fault. */
export function parseCron(expression: string): CronSpec {
  const text = MACROS[expression.trim().toLowerCase()] ?? expression.trim();
  const parts = text.split(/\s+/);
  if (parts.length !== 5)
    throw new Error('a cron expression has five fields: minute hour day-of-month month day-of-week');
  const sets = parts.map((part, i) => parseField(part, FIELDS[i]!));
  const weekdays = sets[4]!;
  if (weekdays.delete(7)) weekdays.add(0);
  return {
    minutes: sets[0]!,
    hours: sets[1]!,
    days: sets[2]!,
    months: sets[3]!,
    weekdays,
    daysRestricted: parts[2] !== '*',
    weekdaysRestricted: parts[4] !== '*',
  };
}

/** The problem with an expression, or null when it parses (for input validation). */
export function cronProblem(expression: string): string | null {
  try {
    parseCron(expression);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

function parseField(part: string, f: Field): Set<number> {
  const out = new Set<number>();
  const value = (s: string): number => {
    const named = f.names ? f.names.indexOf(s.toLowerCase()) : -1;
    const n = named >= 0 ? named + (f.base ?? 0) : /^\d+$/.test(s) ? Number(s) : Number.NaN;
    if (!(n >= f.min && n <= f.max)) throw new Error(`${f.name}: "${s}" is not in ${f.min}-${f.max}`);
    return n;
  };
  for (const item of part.split(',')) {
    const [range, stepText] = item.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new Error(`${f.name}: bad step in "${item}"`);
    let from: number;
    let to: number;
    if (range === '*') [from, to] = [f.min, f.max];
    else if (range?.includes('-')) {
      const [a, b] = range.split('-');
      [from, to] = [value(a ?? ''), value(b ?? '')];
      if (from > to) throw new Error(`${f.name}: range "${range}" runs backwards`);
    } else {
      from = value(range ?? '');
      // `5/15` means from 5 to the end in steps of 15.
      to = stepText === undefined ? from : f.max;
    }
    for (let n = from; n <= to; n += step) out.add(n);
  }
  return out;
}

interface Wall {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
  wd: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/** The local wall-clock minute of an instant in a zone. */
function wallOf(at: Date, timeZone: string): Wall {
  let fmt = formatters.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      weekday: 'short',
    });
    formatters.set(timeZone, fmt);
  }
  const p: Record<string, string> = {};
  for (const part of fmt.formatToParts(at)) p[part.type] = part.value;
  return {
    y: Number(p.year),
    mo: Number(p.month),
    d: Number(p.day),
    h: Number(p.hour),
    mi: Number(p.minute),
    wd: WEEKDAYS[p.weekday ?? ''] ?? 0,
  };
}

/** Wall-clock minute as a number line (ms as if the zone were UTC), to step through local minutes. */
const wallMs = (w: Wall) => Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi);
function wallFromMs(ms: number): Wall {
  const d = new Date(ms);
  return {
    y: d.getUTCFullYear(),
    mo: d.getUTCMonth() + 1,
    d: d.getUTCDate(),
    h: d.getUTCHours(),
    mi: d.getUTCMinutes(),
    wd: d.getUTCDay(),
  };
}
const pad = (n: number) => String(n).padStart(2, '0');
const wallKey = (w: Wall) => `${w.y}-${pad(w.mo)}-${pad(w.d)}T${pad(w.h)}:${pad(w.mi)}`;

/** Whether a local wall-clock minute matches. */
export function matches(spec: CronSpec, w: Wall): boolean {
  if (!spec.minutes.has(w.mi) || !spec.hours.has(w.h) || !spec.months.has(w.mo)) return false;
  const day = spec.days.has(w.d);
  const weekday = spec.weekdays.has(w.wd);
  if (spec.daysRestricted && spec.weekdaysRestricted) return day || weekday;
  return day && weekday;
}

const MINUTE = 60_000;

/**
 * Ticks in (since, until] in the zone, oldest first, one per local wall-clock minute. Walks UTC minutes, so the cost is
 * the window's length in minutes: callers keep windows short (a pass a minute, catch-up capped at a day).
 */
export function ticksBetween(spec: CronSpec, timeZone: string, since: Date, until: Date): CronTick[] {
  const out: CronTick[] = [];
  const seen = new Set<string>();
  let t = Math.floor(since.getTime() / MINUTE) * MINUTE + MINUTE;
  let prev = wallOf(new Date(t - MINUTE), timeZone);
  for (; t <= until.getTime(); t += MINUTE) {
    const at = new Date(t);
    const wall = wallOf(at, timeZone);
    // A forward jump (spring forward): the skipped local minutes fire now.
    for (let skipped = wallMs(prev) + MINUTE; skipped < wallMs(wall); skipped += MINUTE) {
      const w = wallFromMs(skipped);
      if (matches(spec, w) && !seen.has(wallKey(w))) {
        seen.add(wallKey(w));
        out.push({ at, local: wallKey(w) });
      }
    }
    if (matches(spec, wall) && !seen.has(wallKey(wall))) {
      seen.add(wallKey(wall));
      out.push({ at, local: wallKey(wall) });
    }
    prev = wall;
  }
  return out;
}
