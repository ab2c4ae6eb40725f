import { parsePhoneNumberFromString } from 'libphonenumber-js/min';
import type { FieldProblem } from '../lib/errors.ts';

/** Pure checks and normalisation of contact fields, shared by the API and CSV import so both accept the same. */

const TIMEZONES = new Set(Intl.supportedValuesOf('timeZone').concat(['UTC', 'Etc/UTC']));
// Lowercase name → canonical spelling, so `europe/moscow` is stored as `Europe/Moscow`.
const TIMEZONE_CASE = new Map([...TIMEZONES].map((tz) => [tz.toLowerCase(), tz]));

/** Phones become E.164 when they parse (national numbers default to Russia); otherwise kept as digits with a +. */
export function normalizePhone(raw: string, defaultCountry: 'RU' = 'RU'): string | null {
  const trimmed = raw.trim();
  if (trimmed === '') return null;
  const digitsOnly = trimmed.replace(/\D/g, '');
  // Russian numbers are often written 8XXXXXXXXXX: the 8 is the trunk prefix, not a country code.
  // 00 is the international prefix in most of the world; parsed as Russian it would become +700….
  const candidate = trimmed.startsWith('+')
    ? trimmed
    : /^8\d{10}$/.test(digitsOnly)
      ? `+7${digitsOnly.slice(1)}`
      : trimmed.startsWith('00') && /^00[1-9]/.test(digitsOnly)
        ? `+${digitsOnly.slice(2)}`
        : trimmed;
  const parsed = parsePhoneNumberFromString(candidate, defaultCountry);
  if (parsed?.isPossible()) return parsed.number;
  const digits = candidate.replace(/\D/g, '');
  return digits.length >= 5 && digits.length <= 15 ? `+${digits}` : null;
}

/** The IANA zone in its canonical spelling (`europe/moscow` → `Europe/Moscow`), or null when unknown. */
export function normalizeTimezone(tz: string): string | null {
  if (TIMEZONES.has(tz)) return tz;
  const known = TIMEZONE_CASE.get(tz.toLowerCase());
  if (known) return known;
  if (!isTimezone(tz)) return null;
  // Aliases ICU accepts but does not list (Asia/Calcutta, EST) keep their name, only the spelling is fixed.
  const resolved = new Intl.DateTimeFormat('en', { timeZone: tz }).resolvedOptions().timeZone;
  return resolved.toLowerCase() === tz.toLowerCase() ? resolved : tz;
}

/** Whether the runtime knows this IANA zone (aliases included). */
export function isTimezone(tz: string): boolean {
  if (TIMEZONES.has(tz)) return true;
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** A plausible address (the mail server has the last word). */
export function isEmail(s: string): boolean {
  return s.length <= 320 && EMAIL.test(s);
}

/** ISO 639-1 code, optionally with a region: ru, en, uk, kk, pt-BR. */
export function normalizeLanguage(s: string): string | null {
  const m = /^([a-zA-Z]{2,3})(?:[-_]([a-zA-Z]{2}))?$/.exec(s.trim());
  if (!m) return null;
  return m[2] ? `${m[1]!.toLowerCase()}-${m[2].toUpperCase()}` : m[1]!.toLowerCase();
}

/** Birthdays as YYYY-MM-DD; also accepts DD.MM.YYYY, the usual Russian form. Rejects impossible dates. */
export function normalizeBirthday(s: string): string | null {
  const t = s.trim();
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t);
  const ru = /^(\d{2})\.(\d{2})\.(\d{4})$/.exec(t);
  if (!iso && !ru) return null;
  const [y, mo, d] = iso
    ? [Number(iso[1]), Number(iso[2]), Number(iso[3])]
    : [Number(ru![3]), Number(ru![2]), Number(ru![1])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  if (y < 1900 || date.getTime() > Date.now()) return null;
  return `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** Tags are trimmed, lowercased, deduplicated, at most 64 chars each. */
export function normalizeTags(tags: string[]): string[] {
  return [...new Set(tags.map((t) => t.trim().toLowerCase()).filter((t) => t.length > 0))].sort();
}

/** Fields as a client or a CSV row gives them (all optional strings except tags/attributes). */
export interface RawContactFields {
  externalId?: string | null;
  name?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  username?: string | null;
  phone?: string | null;
  email?: string | null;
  language?: string | null;
  timezone?: string | null;
  birthday?: string | null;
  tags?: string[];
}

/**
 * Validates and normalises; problems are reported per field (path like `/email`) instead of thrown,
 * so the API can answer them all at once and import can reject the row with a reason.
 */
export function normalizeContactFields<T extends RawContactFields>(
  input: T,
): { value: T; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const value = { ...input };
  const blankToNull = (k: keyof RawContactFields) => {
    const v = value[k];
    if (typeof v === 'string' && v.trim() === '') (value as Record<string, unknown>)[k] = null;
    else if (typeof v === 'string') (value as Record<string, unknown>)[k] = v.trim();
  };
  for (const k of [
    'externalId',
    'name',
    'firstName',
    'lastName',
    'username',
    'phone',
    'email',
    'language',
    'timezone',
    'birthday',
  ] as const) {
    blankToNull(k);
  }
  if (value.username) value.username = value.username.replace(/^@/, '') || null;
  if (value.email) {
    value.email = value.email.toLowerCase();
    if (!isEmail(value.email))
      problems.push({ path: '/email', message: `not an email address: "${value.email}"` });
  }
  if (value.phone) {
    const p = normalizePhone(value.phone);
    if (p === null) problems.push({ path: '/phone', message: `not a phone number: "${value.phone}"` });
    else value.phone = p;
  }
  if (value.language) {
    const l = normalizeLanguage(value.language);
    if (l === null)
      problems.push({ path: '/language', message: `not a language code (ru, en, …): "${value.language}"` });
    else value.language = l;
  }
  if (value.timezone) {
    const tz = normalizeTimezone(value.timezone);
    if (tz === null)
      problems.push({
        path: '/timezone',
        message: `not an IANA time zone (Europe/Moscow, …): "${value.timezone}"`,
      });
    else value.timezone = tz;
  }
  if (value.birthday) {
    const b = normalizeBirthday(value.birthday);
    if (b === null)
      problems.push({
        path: '/birthday',
        message: `not a past date as YYYY-MM-DD or DD.MM.YYYY: "${value.birthday}"`,
      });
    else value.birthday = b;
  }
  if (value.tags) {
    value.tags = normalizeTags(value.tags);
    const long = value.tags.find((t) => t.length > 64);
    if (long)
      problems.push({ path: '/tags', message: `tag longer than 64 characters: "${long.slice(0, 20)}…"` });
  }
  return { value, problems };
}
