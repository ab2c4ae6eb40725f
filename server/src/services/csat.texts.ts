import type { CsatTextKey, InboxSettings } from './inbox-settings.ts';
import type { ReplyLanguage } from './reply-language.ts';

type BuiltInKey = CsatTextKey | 'changed' | 'closed' | 'unknown';

/**
 * The product's own survey texts. A channel may replace the question, the thanks and the comment prompt per language
 * (inbox settings `csat.*`); the button toasts stay these.
 */
export const CSAT_BUILT_IN_TEXTS: Record<ReplyLanguage, Record<BuiltInKey, string>> = {
  ru: {
    question: 'Пожалуйста, оцените, как мы вам помогли: от 1 (плохо) до 5 (отлично).',
    thanks: 'Спасибо за оценку!',
    commentPrompt: 'Если хотите, напишите в ответ, что нам стоит улучшить.',
    changed: 'Оценка изменена',
    closed: 'Опрос уже закрыт',
    unknown: 'Опрос не найден',
  },
  en: {
    question: 'How would you rate our help? From 1 (poor) to 5 (excellent).',
    thanks: 'Thank you for your rating!',
    commentPrompt: 'If you like, reply with what we could do better.',
    changed: 'Rating updated',
    closed: 'This survey has closed',
    unknown: 'Survey not found',
  },
};

/** Telegram's limit on a callback answer's toast. */
const MAX_TOAST = 200;

/** A survey text as the customer reads it: the channel's own when set (not blank), else the built-in one. Plain text. */
export function csatText(settings: InboxSettings, key: CsatTextKey, lang: ReplyLanguage): string {
  const custom = settings.csat[key][lang].trim();
  return custom || CSAT_BUILT_IN_TEXTS[lang][key];
}

/** The message after a first rating: the thanks, then the invitation to comment (answered as the comment). */
export function csatThanksMessage(settings: InboxSettings, lang: ReplyLanguage): string {
  return `${csatText(settings, 'thanks', lang)} ${csatText(settings, 'commentPrompt', lang)}`;
}

/** The toast of a first rating: the thanks when it fits a toast, else the built-in one. */
export function csatThanksToast(settings: InboxSettings, lang: ReplyLanguage): string {
  const thanks = csatText(settings, 'thanks', lang);
  return thanks.length <= MAX_TOAST ? thanks : CSAT_BUILT_IN_TEXTS[lang].thanks;
}
