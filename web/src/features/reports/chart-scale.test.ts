import { describe, expect, it } from 'vitest';
import { barSlots, durationScale, labelStep, niceScale, segments } from './chart-scale.ts';
import { addDays, periodDays, periodProblem, presetPeriod, todayIn } from './period.ts';

describe('chart scale', () => {
  it('rounds the axis up to a round step', () => {
    expect(niceScale(7)).toEqual({ max: 8, ticks: [0, 2, 4, 6, 8] });
    expect(niceScale(93)).toEqual({ max: 100, ticks: [0, 25, 50, 75, 100] });
    expect(niceScale(1)).toEqual({ max: 1, ticks: [0, 0.25, 0.5, 0.75, 1] });
    expect(niceScale(4000)).toEqual({ max: 4000, ticks: [0, 1000, 2000, 3000, 4000] });
  });

  it('keeps count axes on whole numbers', () => {
    expect(niceScale(1, 4, true)).toEqual({ max: 1, ticks: [0, 1] });
    expect(niceScale(3, 4, true)).toEqual({ max: 3, ticks: [0, 1, 2, 3] });
    expect(niceScale(9, 4, true)).toEqual({ max: 9, ticks: [0, 3, 6, 9] });
  });

  it('puts time axes on round clock amounts', () => {
    expect(durationScale(600)).toEqual({ max: 600, ticks: [0, 300, 600] });
    expect(durationScale(610)).toEqual({ max: 900, ticks: [0, 300, 600, 900] });
    expect(durationScale(5 * 3600)).toEqual({ max: 21_600, ticks: [0, 7200, 14_400, 21_600] });
  });

  it('draws an empty chart on a 0..1 axis', () => {
    expect(niceScale(0)).toEqual({ max: 1, ticks: [0, 1] });
  });

  it('thins category labels to the room there is', () => {
    expect(labelStep(7, 12)).toBe(1);
    expect(labelStep(30, 12)).toBe(3);
    expect(labelStep(90, 12)).toBe(8);
  });

  it('places grouped bars side by side inside the band', () => {
    expect(barSlots(10, 2)).toEqual({ offsets: [1, 5], width: 4 });
  });

  it('breaks lines at missing values', () => {
    expect(segments([1, null, 2, 3, null])).toEqual([
      [{ index: 0, value: 1 }],
      [
        { index: 2, value: 2 },
        { index: 3, value: 3 },
      ],
    ]);
  });
});

describe('report periods', () => {
  it('ends a preset today and counts today in', () => {
    expect(presetPeriod(7, '2026-12-07')).toEqual({ from: '2026-12-01', to: '2026-12-07' });
    expect(periodDays(presetPeriod(30, '2026-03-01'))).toBe(30);
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
  });

  it('takes today in the user’s zone, not the browser’s', () => {
    const late = new Date('2026-12-07T22:30:00Z');
    expect(todayIn('Asia/Tokyo', late)).toBe('2026-12-08');
    expect(todayIn('America/New_York', late)).toBe('2026-12-07');
  });

  it('names what is wrong with a custom period', () => {
    expect(periodProblem({ from: '2026-12-01', to: '2026-12-07' })).toBeNull();
    expect(periodProblem({ from: '', to: '2026-12-07' })).toBe('missing');
    expect(periodProblem({ from: '2026-12-08', to: '2026-12-07' })).toBe('order');
    expect(periodProblem({ from: '2025-01-01', to: '2026-12-07' })).toBe('tooLong');
  });
});
