/** Formatting the dashboard needs beyond the app's formatter: calendar days (no time zone shift) and shares. */

/** A report day (YYYY-MM-DD, already a calendar day in the report's zone) as a short local date: "7 Dec", "7 дек.". */
export function dayLabel(locale: string, day: string): string {
  return new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(
    new Date(`${day}T00:00:00Z`),
  );
}

/** A share (0..1) as a local percentage with at most one decimal; a dash when there is none. */
export function percent(locale: string, share: number | null): string {
  if (share === null) return '—';
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(share);
}

/** Seconds as the largest fitting unit with one decimal ("1.5 h", "12 min", "40 s"), for response times. */
export function seconds(locale: string, s: number): string {
  const unit = (u: 'second' | 'minute' | 'hour' | 'day', n: number) =>
    new Intl.NumberFormat(locale, {
      style: 'unit',
      unit: u,
      unitDisplay: 'short',
      maximumFractionDigits: 1,
    }).format(n);
  if (s < 60) return unit('second', s);
  if (s < 3600) return unit('minute', s / 60);
  if (s < 86_400) return unit('hour', s / 3600);
  return unit('day', s / 86_400);
}
