import type { MessageKey } from '../../../i18n/en.ts';
import type { Segment } from '../api.ts';

/** Built-in segments ship with English names; the app shows them in the reader's language by their key. */
const BUILT_IN: Record<string, { name: MessageKey; description: MessageKey }> = {
  subscribed: { name: 'segments.builtin.subscribed', description: 'segments.builtin.subscribed.about' },
  active_30d: { name: 'segments.builtin.active_30d', description: 'segments.builtin.active_30d.about' },
  recent_buyers: {
    name: 'segments.builtin.recent_buyers',
    description: 'segments.builtin.recent_buyers.about',
  },
  never_bought: { name: 'segments.builtin.never_bought', description: 'segments.builtin.never_bought.about' },
  language_ru: { name: 'segments.builtin.language_ru', description: 'segments.builtin.language_ru.about' },
  language_en: { name: 'segments.builtin.language_en', description: 'segments.builtin.language_en.about' },
};

/** A segment's name and description as shown: translated for known built-ins, as saved otherwise. */
export function segmentLabel(
  s: Pick<Segment, 'name' | 'description' | 'builtInKey'>,
  t: (key: MessageKey) => string,
): { name: string; description: string | null } {
  const known = s.builtInKey ? BUILT_IN[s.builtInKey] : undefined;
  return known
    ? { name: t(known.name), description: t(known.description) }
    : { name: s.name, description: s.description };
}
