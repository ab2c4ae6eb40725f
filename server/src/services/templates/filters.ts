import type { Context } from 'liquidjs';

/**
 * Filters that format for the recipient: dates in their time zone and language, money, plural forms.
 * The render call puts the recipient's locale and zone in a context register (templates cannot read registers).
 * Bad data never throws here: a value that is not a date or a number is shown as given.
 */

/** The register the renderer fills for every render call. */
export const LOCALE_REGISTER = 'switchboard.locale';

/** Recipient settings the filters format for. */
export interface FormatLocale {
  /** BCP 47 tag of the body being rendered (ru, en, pt-BR). */
  language: string;
  /** IANA zone: the contact's, else the workspace's. */
  timezone: string;
}

type FilterThis = { context: Context };

function localeOf(self: FilterThis): FormatLocale {
  return self.context.getRegister<FormatLocale>(LOCALE_REGISTER, { language: 'en', timezone: 'UTC' });
}

/** Intl formatters are costly to build and rendering is per recipient: keep them by (kind, locale, zone, options). */
const formatterCache = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();
function cached<T extends Intl.DateTimeFormat | Intl.NumberFormat>(key: string, make: () => T): T {
  let f = formatterCache.get(key) as T | undefined;
  if (!f) {
    if (formatterCache.size > 2000) formatterCache.clear();
    f = make();
    formatterCache.set(key, f);
  }
  return f;
}

/** Named date styles for `local_date`. */
const DATE_STYLES: Record<string, Intl.DateTimeFormatOptions> = {
  short: { dateStyle: 'short', timeStyle: 'short' },
  medium: { dateStyle: 'medium', timeStyle: 'short' },
  long: { dateStyle: 'long', timeStyle: 'short' },
  full: { dateStyle: 'full', timeStyle: 'short' },
  date: { dateStyle: 'long' },
  date_short: { dateStyle: 'short' },
  date_full: { dateStyle: 'full' },
  time: { timeStyle: 'short' },
  day_month: { day: 'numeric', month: 'long' },
  month_year: { month: 'long', year: 'numeric' },
  weekday: { weekday: 'long' },
};
export const DATE_STYLE_NAMES = Object.keys(DATE_STYLES);
const TIME_PARTS = new Set(['short', 'medium', 'long', 'full', 'time']);

/** A calendar date without a time (a birthday): formatted as that day wherever the recipient is. */
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** Reads a date the way Liquid does: a Date, ISO text, "now"/"today", or a number of seconds since 1970. */
export function toDate(v: unknown, now = () => new Date()): Date | null {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v;
  if (typeof v === 'number') return Number.isFinite(v) ? new Date(v * 1000) : null;
  if (typeof v !== 'string') return null;
  const s = v.trim();
  if (s === 'now' || s === 'today') return now();
  if (/^\d+$/.test(s)) return new Date(Number(s) * 1000);
  if (DATE_ONLY.test(s)) return new Date(`${s}T00:00:00Z`);
  // Only ISO-like text: Date.parse's guesses on free text differ between engines.
  if (!/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(s)) return null;
  const d = new Date(s.replace(' ', 'T'));
  return Number.isNaN(d.getTime()) ? null : d;
}

/** `{{ data.lessonAt | local_date: "long" }}` → "22 ноября 2026 г. в 10:00" (ru), "November 22, 2026 at 10:00 AM" (en). */
export function localDate(this: FilterThis, v: unknown, style: unknown = 'long', zone?: unknown): string {
  const d = toDate(v);
  if (!d) return v == null ? '' : String(v);
  const name = typeof style === 'string' && Object.hasOwn(DATE_STYLES, style) ? style : 'long';
  const loc = localeOf(this);
  // A date without a time is a calendar day: show it as that day (UTC), and never with a time.
  const dateOnly = typeof v === 'string' && DATE_ONLY.test(v.trim());
  const useName = dateOnly && TIME_PARTS.has(name) ? 'date' : name;
  const timeZone = dateOnly ? 'UTC' : typeof zone === 'string' && zone ? zone : loc.timezone;
  const fmt = cached(`d|${loc.language}|${timeZone}|${useName}`, () => {
    try {
      return new Intl.DateTimeFormat(loc.language, { ...DATE_STYLES[useName], timeZone });
    } catch {
      return new Intl.DateTimeFormat(loc.language, { ...DATE_STYLES[useName], timeZone: loc.timezone });
    }
  });
  return fmt.format(d);
}

/** Reads a number from a number or numeric text ("1990", "1 990,50"); null when it is not one. */
export function toNumber(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v !== 'string') return null;
  const s = v.replace(/[\s\u00a0\u202f]/g, '').replace(',', '.');
  if (!/^-?\d+(\.\d+)?$/.test(s)) return null;
  return Number(s);
}

/** `{{ data.amount | money: "RUB" }}` → "1 990 ₽" (ru), "₽1,990" (en); kopecks shown only when there are some. */
export function money(this: FilterThis, v: unknown, currency: unknown = 'RUB'): string {
  const n = toNumber(v);
  if (n === null) return v == null ? '' : String(v);
  const code =
    typeof currency === 'string' && /^[A-Za-z]{3}$/.test(currency) ? currency.toUpperCase() : 'RUB';
  const { language } = localeOf(this);
  const whole = Number.isInteger(n);
  const fmt = cached(
    `m|${language}|${code}|${whole}`,
    () =>
      new Intl.NumberFormat(language, {
        style: 'currency',
        currency: code,
        currencyDisplay: 'narrowSymbol',
        minimumFractionDigits: whole ? 0 : 2,
        maximumFractionDigits: 2,
      }),
  );
  return fmt.format(n);
}

/** `{{ 12345.5 | number }}` → "12 345,5" (ru), "12,345.5" (en). */
export function number(this: FilterThis, v: unknown, maxFractionDigits: unknown = 2): string {
  const n = toNumber(v);
  if (n === null) return v == null ? '' : String(v);
  const digits = typeof maxFractionDigits === 'number' ? Math.min(Math.max(0, maxFractionDigits), 6) : 2;
  const { language } = localeOf(this);
  return cached(
    `n|${language}|${digits}`,
    () => new Intl.NumberFormat(language, { maximumFractionDigits: digits }),
  ).format(n);
}

const pluralRules = new Map<string, Intl.PluralRules>();

/**
 * `{{ n | plural: "урок", "урока", "уроков" }}` → the word form for n (not n itself) by the language's rules.
 * Forms are given as one, few, many[, other] (Russian) or one, other (English): CLDR "few" and "many"
 * fall back to the last form given, "other" (fractions in Russian) to the second.
 */
export function plural(this: FilterThis, v: unknown, ...forms: unknown[]): string {
  const words = forms.map((f) => (f == null ? '' : String(f)));
  if (words.length === 0) return '';
  const n = toNumber(v) ?? 0;
  const { language } = localeOf(this);
  let rules = pluralRules.get(language);
  if (!rules) {
    rules = new Intl.PluralRules(language);
    pluralRules.set(language, rules);
  }
  const last = words.length - 1;
  switch (rules.select(n)) {
    case 'one':
      return words[0]!;
    case 'two':
    case 'few':
      return words[Math.min(1, last)]!;
    case 'many':
      return words[Math.min(2, last)]!;
    default:
      return words[3] ?? words[Math.min(1, last)]!;
  }
}

/** The filters added to Liquid's standard ones, by name. */
export const customFilters = { local_date: localDate, money, number, plural } as const;
