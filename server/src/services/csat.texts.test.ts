import { describe, expect, it } from 'vitest';
import { CSAT_BUILT_IN_TEXTS, csatText, csatThanksMessage, csatThanksToast } from './csat.texts.ts';
import { DEFAULT_INBOX_SETTINGS, validateInboxSettings } from './inbox-settings.ts';

const withTexts = (csat: Record<string, unknown>) => validateInboxSettings(DEFAULT_INBOX_SETTINGS, { csat });

describe('CSAT texts', () => {
  it('uses the channel text in its language and the built-in one where it is empty or blank', () => {
    const s = withTexts({ question: { ru: ' Как вам наш ответ? ', en: '   ' } });
    expect(csatText(s, 'question', 'ru')).toBe('Как вам наш ответ?');
    expect(csatText(s, 'question', 'en')).toBe(CSAT_BUILT_IN_TEXTS.en.question);
  });

  it('keeps the built-in thanks message as it was, and joins custom thanks and prompt', () => {
    expect(csatThanksMessage(DEFAULT_INBOX_SETTINGS, 'ru')).toBe(
      'Спасибо за оценку! Если хотите, напишите в ответ, что нам стоит улучшить.',
    );
    const s = withTexts({ thanks: { en: 'Thanks!' }, commentPrompt: { en: 'Tell us more?' } });
    expect(csatThanksMessage(s, 'en')).toBe('Thanks! Tell us more?');
  });

  it('toasts the custom thanks only when it fits Telegram’s 200 characters', () => {
    expect(csatThanksToast(withTexts({ thanks: { ru: 'Благодарим!' } }), 'ru')).toBe('Благодарим!');
    expect(csatThanksToast(withTexts({ thanks: { ru: 'Я'.repeat(201) } }), 'ru')).toBe('Спасибо за оценку!');
  });
});
