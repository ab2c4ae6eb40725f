import { describe, expect, it } from 'vitest';
import { createFormatter, validZone } from './format.ts';

describe('locale formatting', () => {
  it('formats dates in the user time zone, not the machine one', () => {
    const iso = '2026-12-07T21:30:00Z';
    expect(createFormatter('en', 'Europe/Moscow').time(iso)).toMatch(/^12:30\s?AM$/);
    expect(createFormatter('ru', 'Europe/Moscow').time(iso)).toBe('00:30');
    expect(createFormatter('ru', 'Asia/Vladivostok').dateTime(iso)).toMatch(/8 дек\. 2026 г\., 07:30/);
  });

  it('formats numbers, durations and sizes per locale', () => {
    expect(createFormatter('ru').number(12345.5)).toBe('12\u00a0345,5');
    expect(createFormatter('en').number(12345.5)).toBe('12,345.5');
    expect(createFormatter('en').duration(90)).toBe('1 min');
    expect(createFormatter('ru').duration(3 * 3600 + 5)).toBe('3 ч');
    expect(createFormatter('en').duration(2 * 86_400)).toBe('2 days');
    expect(createFormatter('en').fileSize(2_500_000)).toBe('2.5 MB');
  });

  it('falls back to the browser zone for an unknown one', () => {
    expect(validZone('Europe/Moscow')).toBe(true);
    expect(validZone('Mars/Olympus')).toBe(false);
    expect(() => createFormatter('en', 'Mars/Olympus').time('2026-01-01T00:00:00Z')).not.toThrow();
  });
});
