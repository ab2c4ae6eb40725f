import type { ParsedCronItem } from 'graphile-worker';

const MINUTE = 60_000;
/** A year and a day of minutes: every valid crontab (even `0 0 29 2 *` needs a leap year, so it may say null) is found. */
const HORIZON_MINUTES = 366 * 24 * 60 + 1;

/**
 * The next minute after `now` at which graphile-worker would queue this cron item. Its scheduler digests each minute in
 * UTC (minute, hour, date, month, weekday) and asks the item's own matcher, so walking minutes with the same matcher
 * gives exactly its answer without re-implementing crontab syntax. Null when nothing matches within a year.
 */
export function nextCronRun(item: Pick<ParsedCronItem, 'match'>, now: Date): Date | null {
  let t = Math.floor(now.getTime() / MINUTE) * MINUTE + MINUTE;
  for (let i = 0; i < HORIZON_MINUTES; i++, t += MINUTE) {
    const d = new Date(t);
    const digest = {
      min: d.getUTCMinutes(),
      hour: d.getUTCHours(),
      date: d.getUTCDate(),
      month: d.getUTCMonth() + 1,
      dow: d.getUTCDay(),
    };
    if (item.match(digest)) return d;
  }
  return null;
}
