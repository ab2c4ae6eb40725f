import type { Repos } from '../repositories/index.ts';

export type ReplyLanguage = 'ru' | 'en';

/**
 * The language of a message the product writes to a contact (auto-reply, CSAT): Russian or English by the contact's
 * language (Telegram's language_code), else the workspace's default language, else Russian.
 */
export async function replyLanguage(
  r: Repos,
  contactLanguage: string | null | undefined,
): Promise<ReplyLanguage> {
  const primary = contactLanguage?.toLowerCase().split(/[-_]/)[0];
  if (primary === 'ru' || primary === 'en') return primary;
  return (await r.settings.get('default_language')) === 'en' ? 'en' : 'ru';
}
