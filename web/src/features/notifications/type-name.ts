import type { Locale } from '../../lib/types.ts';

/**
 * A type's name in the reader's language: built-ins (and anyone following their convention) are named
 * "Русское / English", and each reader sees their half, as contacts do on their preference page.
 */
export function localName(name: string, locale: Locale): string {
  const halves = name.split(' / ');
  if (halves.length !== 2 || !halves[0]!.trim() || !halves[1]!.trim()) return name;
  return (locale === 'ru' ? halves[0]! : halves[1]!).trim();
}
