/**
 * Wall-clock times in an IANA time zone turned into instants. One conversion for every page that reads a date or a time typed
 * in the user's zone (a broadcast's start, a log's day range), so they agree on DST days.
 */

/**
 * The wall-clock time `local` (`YYYY-MM-DDTHH:MM`, seconds optional) in the IANA zone `zone` as an ISO instant, or null when
 * `local` is not a date and time. Two passes of "guess, measure the zone's offset there, correct" land on the right instant
 * also on a day the clocks change.
 */
export function zonedTimeToIso(local: string, zone: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local);
  if (!m) return null;
  const [y, mo, d, h, mi, sec] = m.slice(1).map((v) => Number(v ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const wall = Date.UTC(y, mo - 1, d, h, mi, sec);
  if (Number.isNaN(wall)) return null;
  let instant = wall;
  for (let i = 0; i < 2; i++) instant = wall - offsetMs(instant, zone);
  return new Date(instant).toISOString();
}

/** Midnight starting the calendar day `day` (`YYYY-MM-DD`) in `zone`, as an ISO instant; null when `day` is not a date. */
export function startOfDay(day: string, zone: string): string | null {
  return zonedTimeToIso(`${day}T00:00`, zone);
}

/**
 * The other way: what the clocks in `zone` show at the instant `iso`, as `YYYY-MM-DDTHH:MM:SS` (a datetime-local input's
 * value with seconds), or null when `iso` is not an instant. `zonedTimeToIso` of the answer gives the instant back.
 */
export function isoToZonedTime(iso: string, zone: string): string | null {
  const instant = Date.parse(iso);
  if (Number.isNaN(instant)) return null;
  return new Date(Math.floor(instant / 1000) * 1000 + offsetMs(instant, zone)).toISOString().slice(0, 19);
}

/** How far ahead of UTC the zone's clocks are at `instant`, in milliseconds. */
function offsetMs(instant: number, zone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
  // Intl drops the milliseconds, so compare against the instant truncated to the second.
  return asUtc - Math.floor(instant / 1000) * 1000;
}
