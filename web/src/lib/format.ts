import type { Locale } from './types.ts';

/** Date, number and duration formatting per locale and the user's time zone, through Intl. */
export interface Formatter {
  dateTime(iso: string): string;
  time(iso: string): string;
  number(n: number): string;
  /** A duration in seconds, coarse ("5 min", "3 h", "2 d"), for waiting times. */
  duration(seconds: number): string;
  /** A file size in kB or MB. */
  fileSize(bytes: number): string;
}

const DAY = 86_400;

/** A formatter for a locale and IANA time zone (an invalid zone falls back to the browser's). */
export function createFormatter(locale: Locale, timeZone?: string | null): Formatter {
  const zone = validZone(timeZone) ? timeZone! : undefined;
  const dateTime = new Intl.DateTimeFormat(locale, {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: zone,
  });
  const time = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', timeZone: zone });
  const number = new Intl.NumberFormat(locale);
  const unit = (u: 'minute' | 'hour' | 'day' | 'kilobyte' | 'megabyte', n: number) =>
    new Intl.NumberFormat(locale, { style: 'unit', unit: u, unitDisplay: 'short' }).format(n);
  return {
    dateTime: (iso) => dateTime.format(new Date(iso)),
    time: (iso) => time.format(new Date(iso)),
    number: (n) => number.format(n),
    duration: (seconds) => {
      const s = Math.max(0, seconds);
      if (s < 3600) return unit('minute', Math.max(1, Math.floor(s / 60)));
      if (s < DAY) return unit('hour', Math.floor(s / 3600));
      return unit('day', Math.floor(s / DAY));
    },
    fileSize: (bytes) =>
      bytes < 1_000_000
        ? unit('kilobyte', Math.max(1, Math.round(bytes / 1000)))
        : unit('megabyte', Math.round(bytes / 100_000) / 10),
  };
}

/** Whether Intl knows this IANA zone. */
export function validZone(zone: string | null | undefined): boolean {
  if (!zone) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
