import { describe, expect, it } from 'vitest';
import { renderTemplate } from './render.ts';
import type { RenderContact } from './types.ts';

const workspace = { name: 'Школа', timezone: 'Europe/Moscow', locale: 'ru' };
/** Intl separates groups and units with no-break spaces; tests read them as plain spaces. */
const spaces = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

function render(
  body: string,
  data: Record<string, unknown>,
  contact: RenderContact = {},
  format = 'text' as const,
) {
  return spaces(
    renderTemplate({ format, body, variants: { ru: body, en: body } }, { contact, workspace, data }).html,
  );
}

describe('plural', () => {
  const ru = '{{ data.n }} {{ data.n | plural: "урок", "урока", "уроков" }}';
  it.each([
    [1, '1 урок'],
    [2, '2 урока'],
    [5, '5 уроков'],
    [11, '11 уроков'],
    [21, '21 урок'],
    [22, '22 урока'],
    [0, '0 уроков'],
    [111, '111 уроков'],
  ])('picks the Russian form for %i', (n, expected) => {
    expect(render(ru, { n }, { language: 'ru' })).toBe(expected);
  });

  it('uses the form for fractions ("other") in Russian', () => {
    expect(render(ru, { n: 1.5 }, { language: 'ru' })).toBe('1.5 урока');
  });

  it.each([
    [1, '1 lesson'],
    [2, '2 lessons'],
    [5, '5 lessons'],
    [11, '11 lessons'],
    [21, '21 lessons'],
    [0, '0 lessons'],
  ])('picks the English form for %i', (n, expected) => {
    expect(render('{{ data.n }} {{ data.n | plural: "lesson", "lessons" }}', { n }, { language: 'en' })).toBe(
      expected,
    );
  });

  it('reads numbers given as text', () => {
    expect(render(ru, { n: '21' }, { language: 'ru' })).toBe('21 урок');
  });
});

describe('money', () => {
  it('formats roubles the Russian way, without kopecks for whole amounts', () => {
    expect(render('{{ data.amount | money: "RUB" }}', { amount: 1990 }, { language: 'ru' })).toBe('1 990 ₽');
  });
  it('formats roubles for English readers', () => {
    expect(render('{{ data.amount | money: "RUB" }}', { amount: 1990 }, { language: 'en' })).toBe('₽1,990');
  });
  it('shows cents when there are some', () => {
    expect(render('{{ data.amount | money: "USD" }}', { amount: '1990.5' }, { language: 'en' })).toBe(
      '$1,990.50',
    );
    expect(render('{{ data.amount | money: "USD" }}', { amount: 1990.5 }, { language: 'ru' })).toBe(
      '1 990,50 $',
    );
  });
  it('defaults to roubles and shows a non-number as given', () => {
    expect(render('{{ data.amount | money }}', { amount: 100 }, { language: 'ru' })).toBe('100 ₽');
    expect(render('{{ data.amount | money }}', { amount: 'free' }, { language: 'ru' })).toBe('free');
  });
});

describe('local_date', () => {
  const at = '2026-11-22T07:00:00Z';
  it('shows the time in the contact’s time zone and language', () => {
    expect(
      render(
        '{{ data.at | local_date: "long" }}',
        { at },
        { language: 'ru', timezone: 'Asia/Yekaterinburg' },
      ),
    ).toBe('22 ноября 2026 г. в 12:00');
    expect(
      render('{{ data.at | local_date: "long" }}', { at }, { language: 'en', timezone: 'America/New_York' }),
    ).toBe('November 22, 2026 at 2:00 AM');
  });
  it('falls back to the workspace time zone', () => {
    expect(render('{{ data.at | local_date: "time" }}', { at }, { language: 'ru' })).toBe('10:00');
  });
  it('crosses the date line with the zone', () => {
    expect(
      render(
        '{{ data.at | local_date: "date" }}',
        { at: '2026-11-22T20:30:00Z' },
        { language: 'en', timezone: 'Asia/Tokyo' },
      ),
    ).toBe('November 23, 2026');
  });
  it('shows a calendar date (a birthday) as that day in any zone, without a time', () => {
    expect(
      render(
        '{{ contact.birthday | local_date: "day_month" }}',
        {},
        { language: 'ru', birthday: '1990-05-17', timezone: 'America/Los_Angeles' },
      ),
    ).toBe('17 мая');
    expect(
      render(
        '{{ contact.birthday | local_date: "long" }}',
        {},
        { language: 'en', birthday: '1990-05-17', timezone: 'Pacific/Kiritimati' },
      ),
    ).toBe('May 17, 1990');
  });
  it('shows text that is not a date as given', () => {
    expect(render('{{ data.at | local_date }}', { at: 'next Tuesday' }, { language: 'en' })).toBe(
      'next Tuesday',
    );
  });
  it('runs the standard strftime date filter in the contact’s zone', () => {
    expect(render('{{ data.at | date: "%d.%m.%Y %H:%M" }}', { at }, { timezone: 'Asia/Tokyo' })).toBe(
      '22.11.2026 16:00',
    );
  });
});

describe('number and default', () => {
  it('groups digits for the language', () => {
    expect(render('{{ data.n | number }}', { n: 12345.5 }, { language: 'ru' })).toBe('12 345,5');
    expect(render('{{ data.n | number }}', { n: 12345.5 }, { language: 'en' })).toBe('12,345.5');
  });
  it('keeps Liquid’s default filter for missing values', () => {
    expect(render('{{ contact.firstName | default: "друг" }}', {}, { language: 'ru' })).toBe('друг');
  });
});
