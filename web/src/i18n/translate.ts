import type { Locale } from '../lib/types.ts';
import { en, type MessageKey } from './en.ts';
import { ru } from './ru.ts';

/** Every catalog by locale. */
export const CATALOGS: Record<Locale, Record<MessageKey, string>> = { ru, en };

/** The text for a key with `{name}` placeholders filled in. */
export function translate(
  locale: Locale,
  key: MessageKey,
  vars: Record<string, string | number> = {},
): string {
  const text = CATALOGS[locale][key] ?? en[key];
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

/** The first of the browser's languages the app speaks; English for any other (it reads wider than Russian). */
export function browserLocale(languages: readonly string[]): Locale {
  for (const tag of languages) {
    const primary = tag.toLowerCase().split('-')[0];
    if (primary === 'ru' || primary === 'en') return primary;
  }
  return 'en';
}
