import { describe, expect, it } from 'vitest';
import { ValidationError } from '../lib/errors.ts';
import { DEFAULT_INBOX_SETTINGS, inboxSettingsOf, validateInboxSettings } from './inbox-settings.ts';

const paths = (patch: unknown) => {
  try {
    validateInboxSettings(DEFAULT_INBOX_SETTINGS, patch);
  } catch (e) {
    if (e instanceof ValidationError) return e.details.map((d) => d.path);
    throw e;
  }
  return [];
};

describe('inbox settings', () => {
  it('fills defaults under stored keys, nested objects merged', () => {
    const s = inboxSettingsOf({ inboxSettings: { reopenWindowHours: 6, autoAssign: { enabled: true } } });
    expect(s.reopenWindowHours).toBe(6);
    expect(s.autoAssign).toEqual({
      enabled: true,
      order: 'longest_waiting',
      maxPerAgent: null,
      fairLimit: null,
    });
    expect(s.csat).toEqual({
      enabled: false,
      windowHours: 24,
      question: { ru: '', en: '' },
      thanks: { ru: '', en: '' },
      commentPrompt: { ru: '', en: '' },
    });
    expect(inboxSettingsOf({ inboxSettings: {} })).toEqual(DEFAULT_INBOX_SETTINGS);
  });

  it('replaces lists and null, and accepts ranges crossing midnight', () => {
    const s = validateInboxSettings(DEFAULT_INBOX_SETTINGS, {
      autoAssign: { maxPerAgent: 3, fairLimit: { count: 2, windowMinutes: 30 } },
      businessHours: {
        enabled: true,
        timezone: 'Asia/Yekaterinburg',
        week: { fri: [{ from: '20:00', to: '02:00' }] },
      },
    });
    expect(s.businessHours.week.fri).toEqual([{ from: '20:00', to: '02:00' }]);
    expect(s.businessHours.week.mon).toEqual([{ from: '09:00', to: '18:00' }]);
    expect(validateInboxSettings(s, { autoAssign: { fairLimit: null } }).autoAssign.fairLimit).toBeNull();
  });

  it('names every bad field', () => {
    expect(paths({ reopenWindowHours: 'x' })).toEqual(['/reopenWindowHours']);
    expect(paths({ autoReply: { message: { ru: '' } } })).toEqual(['/autoReply/message/ru']);
    expect(paths({ autoReply: { message: { de: 'Hallo' } } })).toEqual(['/autoReply/message/de']);
    expect(paths({ businessHours: { week: { mon: [{ from: '10:00', to: '10:00' }], xyz: [] } } })).toEqual([
      '/businessHours/week/xyz',
      '/businessHours/week/mon/0',
    ]);
    expect(paths({ autoAssign: { fairLimit: { count: 0 } } })).toEqual([
      '/autoAssign/fairLimit/count',
      '/autoAssign/fairLimit/windowMinutes',
    ]);
    expect(paths([])).toEqual(['']);
  });

  it('takes CSAT texts per language, empty meaning the built-in one, and refuses long or unknown ones', () => {
    const s = validateInboxSettings(DEFAULT_INBOX_SETTINGS, { csat: { question: { ru: 'Оцените нас' } } });
    expect(s.csat.question).toEqual({ ru: 'Оцените нас', en: '' });
    expect(validateInboxSettings(s, { csat: { question: { ru: '' } } }).csat.question.ru).toBe('');
    expect(paths({ csat: { thanks: { en: 'x'.repeat(1025) } } })).toEqual(['/csat/thanks/en']);
    expect(paths({ csat: { commentPrompt: { ru: 5 } } })).toEqual(['/csat/commentPrompt/ru']);
    expect(paths({ csat: { question: { de: 'Wie war es?' }, farewell: { ru: 'Пока' } } })).toEqual([
      '/csat/farewell',
      '/csat/question/de',
    ]);
  });
});
