import { describe, expect, it } from 'vitest';
import {
  isEmail,
  isTimezone,
  normalizeBirthday,
  normalizeContactFields,
  normalizeLanguage,
  normalizePhone,
  normalizeTags,
  normalizeTimezone,
} from './contact-fields.ts';

describe('normalizePhone', () => {
  it.each([
    ['+7 999 123-45-67', '+79991234567'],
    ['89991234567', '+79991234567'],
    ['8 (999) 123 45 67', '+79991234567'],
    ['8-999-123-45-67', '+79991234567'],
    ['9991234567', '+79991234567'],
    ['79991234567', '+79991234567'],
    ['8 800 555 35 35', '+78005553535'],
    ['  +7 (999) 123-45-67  ', '+79991234567'],
  ])('reads the Russian number %j as %s', (raw, e164) => {
    expect(normalizePhone(raw)).toBe(e164);
  });

  it.each([
    ['+1 212 555 0123', '+12125550123'],
    ['+44 20 7946 0958', '+442079460958'],
    ['0044 20 7946 0958', '+442079460958'],
    ['+380 44 123 4567', '+380441234567'],
    ['+86 138 0013 8000', '+8613800138000'],
    ['+49 30 123456', '+4930123456'],
  ])('keeps the foreign number %j in its own country: %s', (raw, e164) => {
    expect(normalizePhone(raw)).toBe(e164);
  });

  it('keeps an unparseable but plausible number as its digits with a +', () => {
    expect(normalizePhone('12345')).toBe('+12345');
  });

  it.each(['', '   ', 'abc', 'call me', '1234', '+12', '12345678901234567', 'n/a'])(
    'refuses the junk %j',
    (raw) => {
      expect(normalizePhone(raw)).toBeNull();
    },
  );
});

describe('isEmail', () => {
  it.each(['a@b.co', 'anna.k+tag@example.com', 'x@sub.domain.ru'])('accepts %s', (s) => {
    expect(isEmail(s)).toBe(true);
  });
  it.each(['', 'plain', 'a@b', '@b.co', 'a@.', 'a b@c.de', 'a@b c.de', `${'a'.repeat(320)}@b.co`])(
    'refuses %j',
    (s) => {
      expect(isEmail(s)).toBe(false);
    },
  );
});

describe('normalizeLanguage', () => {
  it.each([
    ['ru', 'ru'],
    ['EN', 'en'],
    ['pt-br', 'pt-BR'],
    ['pt_BR', 'pt-BR'],
    [' uk ', 'uk'],
    ['kaz', 'kaz'],
  ])('reads %j as %s', (raw, code) => {
    expect(normalizeLanguage(raw)).toBe(code);
  });
  it.each(['', 'r', 'russian', 'ru-RUS', 'e1', 'ru-', 'en-US-x'])('refuses %j', (raw) => {
    expect(normalizeLanguage(raw)).toBeNull();
  });
});

describe('timezones', () => {
  it('knows IANA zones and UTC', () => {
    for (const tz of ['Europe/Moscow', 'Asia/Vladivostok', 'America/New_York', 'UTC', 'Etc/UTC'])
      expect(isTimezone(tz)).toBe(true);
  });
  it('refuses unknown zones and offsets', () => {
    for (const tz of ['Mars/Olympus', 'Moscow', 'MSK+3', '', 'Europe/Moscow/Extra'])
      expect(isTimezone(tz)).toBe(false);
  });
  it('fixes the spelling of a zone written in the wrong case', () => {
    expect(normalizeTimezone('europe/moscow')).toBe('Europe/Moscow');
    expect(normalizeTimezone('utc')).toBe('UTC');
    expect(normalizeTimezone('Europe/Moscow')).toBe('Europe/Moscow');
    expect(normalizeTimezone('Nowhere/Town')).toBeNull();
  });
});

describe('normalizeBirthday', () => {
  it('accepts ISO and Russian day-first dates', () => {
    expect(normalizeBirthday('1990-05-17')).toBe('1990-05-17');
    expect(normalizeBirthday('17.05.1990')).toBe('1990-05-17');
    expect(normalizeBirthday(' 01.01.1900 ')).toBe('1900-01-01');
  });
  it('accepts 29 February only in leap years', () => {
    expect(normalizeBirthday('29.02.2000')).toBe('2000-02-29');
    expect(normalizeBirthday('2024-02-29')).toBe('2024-02-29');
    expect(normalizeBirthday('29.02.2023')).toBeNull();
    expect(normalizeBirthday('1900-02-29')).toBeNull();
  });
  it.each(['31.04.1990', '1990-13-01', '1990-00-10', '00.01.1990', '1899-12-31'])(
    'refuses the impossible date %s',
    (s) => {
      expect(normalizeBirthday(s)).toBeNull();
    },
  );
  it('refuses dates in the future', () => {
    const nextYear = new Date().getUTCFullYear() + 1;
    expect(normalizeBirthday(`${nextYear}-01-01`)).toBeNull();
    expect(normalizeBirthday('01.01.2999')).toBeNull();
  });
  it.each(['17/05/1990', '1990-5-17', '17.5.1990', 'yesterday', '19900517', '1990-05-17T00:00:00Z'])(
    'refuses the format %j',
    (s) => {
      expect(normalizeBirthday(s)).toBeNull();
    },
  );
});

describe('normalizeTags', () => {
  it('trims, lowercases, deduplicates, drops blanks and sorts', () => {
    expect(normalizeTags([' VIP ', 'vip', 'Moscow', '', '  ', 'b2b'])).toEqual(['b2b', 'moscow', 'vip']);
  });
  it('keeps an empty list empty', () => {
    expect(normalizeTags([])).toEqual([]);
  });
});

describe('normalizeContactFields', () => {
  it('normalises every field and turns blanks into null', () => {
    const { value, problems } = normalizeContactFields({
      name: '  Anna  ',
      email: 'Anna@Example.COM',
      phone: '89991234567',
      username: '@anna',
      language: 'RU',
      timezone: 'europe/moscow',
      birthday: '29.02.1992',
      externalId: '   ',
      tags: ['B', 'a'],
    });
    expect(problems).toEqual([]);
    expect(value).toEqual({
      name: 'Anna',
      email: 'anna@example.com',
      phone: '+79991234567',
      username: 'anna',
      language: 'ru',
      timezone: 'Europe/Moscow',
      birthday: '1992-02-29',
      externalId: null,
      tags: ['a', 'b'],
    });
  });

  it('turns a username of only @ into null', () => {
    expect(normalizeContactFields({ username: '@' }).value.username).toBeNull();
  });

  it('leaves absent fields absent, so a partial change touches nothing else', () => {
    expect(normalizeContactFields({ name: 'x' }).value).toEqual({ name: 'x' });
  });

  it('reports every bad field at once, each by its path', () => {
    const { problems } = normalizeContactFields({
      email: 'nope',
      phone: 'nope',
      language: 'nope',
      timezone: 'nope',
      birthday: 'nope',
      tags: ['t'.repeat(65)],
    });
    expect(problems.map((p) => p.path)).toEqual([
      '/email',
      '/phone',
      '/language',
      '/timezone',
      '/birthday',
      '/tags',
    ]);
    for (const p of problems) expect(p.message.length).toBeGreaterThan(0);
  });
});
