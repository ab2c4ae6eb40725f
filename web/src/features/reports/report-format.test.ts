import { describe, expect, it } from 'vitest';
import { dayLabel, percent, seconds } from './report-format.ts';

describe('report formatting', () => {
  it('shows a report day as that calendar day in any browser zone', () => {
    expect(dayLabel('en', '2026-12-07')).toBe('Dec 7');
    expect(dayLabel('ru', '2026-12-07')).toBe('7 дек.');
  });

  it('shows shares as percentages and a dash for none', () => {
    expect(percent('en', 0.6667)).toBe('66.7%');
    expect(percent('en', null)).toBe('—');
  });

  it('picks the unit of a duration', () => {
    expect(seconds('en', 40)).toBe('40 sec');
    expect(seconds('en', 90)).toBe('1.5 min');
    expect(seconds('en', 5400)).toBe('1.5 hr');
  });
});
