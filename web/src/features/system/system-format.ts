/** Pure formatting for the System page. */

/** Seconds of uptime as days, hours and minutes parts, largest first, zeros left out (at least minutes). */
export function uptimeParts(seconds: number): { days: number; hours: number; minutes: number } {
  const s = Math.max(0, Math.floor(seconds));
  return {
    days: Math.floor(s / 86_400),
    hours: Math.floor((s % 86_400) / 3600),
    minutes: Math.floor((s % 3600) / 60),
  };
}

/** Bytes as the largest binary unit that keeps the number at or above 1 (what `pg_size_pretty` shows). */
export function byteSize(bytes: number): {
  value: number;
  unit: 'byte' | 'kilobyte' | 'megabyte' | 'gigabyte';
} {
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const;
  let value = bytes;
  let i = 0;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i += 1;
  }
  return { value: Math.round(value * 10) / 10, unit: units[i]! };
}

/** The cadence of a recurring job in minutes, from its next two runs (null when it has no second run). */
export function everyMinutes(next: string | null, following: string | null): number | null {
  if (!next || !following) return null;
  return Math.round((Date.parse(following) - Date.parse(next)) / 60_000);
}
