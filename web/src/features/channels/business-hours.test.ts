import { describe, expect, it } from 'vitest';
import {
  addRange,
  copyDay,
  crossesMidnight,
  MAX_RANGES,
  rangeProblems,
  removeRange,
  setRange,
  type Week,
  weekIsValid,
} from './business-hours.ts';

const nine = { from: '09:00', to: '18:00' };
const week = (): Week => ({ mon: [nine], tue: [nine], wed: [], thu: [], fri: [], sat: [], sun: [] });

describe('business hours editor', () => {
  it('gives a closed day a usual working day, and a working day an evening range after its last one', () => {
    const w = addRange(week(), 'wed');
    expect(w.wed).toEqual([{ from: '09:00', to: '18:00' }]);
    expect(addRange(w, 'wed').wed).toEqual([nine, { from: '18:00', to: '23:00' }]);
  });

  it('stops at the ten ranges a day the API keeps', () => {
    let w = week();
    for (let i = 0; i < 15; i++) w = addRange(w, 'sat');
    expect(w.sat).toHaveLength(MAX_RANGES);
  });

  it('changes and removes one range without touching the other days', () => {
    const before = week();
    const changed = setRange(before, 'mon', 0, { to: '17:00' });
    expect(changed.mon).toEqual([{ from: '09:00', to: '17:00' }]);
    expect(before.mon).toEqual([nine]);
    expect(changed.tue).toBe(before.tue);
    expect(removeRange(changed, 'mon', 0).mon).toEqual([]);
  });

  it('copies Monday to the other weekdays as separate copies', () => {
    const w = copyDay(setRange(week(), 'mon', 0, { from: '10:00' }), 'mon', ['tue', 'wed', 'thu', 'fri']);
    expect(w.fri).toEqual([{ from: '10:00', to: '18:00' }]);
    expect(w.sat).toEqual([]);
    const edited = setRange(w, 'fri', 0, { to: '16:00' });
    expect(edited.mon[0]!.to).toBe('18:00');
  });

  it('reads a range ending before it starts as running past midnight', () => {
    expect(crossesMidnight({ from: '22:00', to: '06:00' })).toBe(true);
    expect(crossesMidnight(nine)).toBe(false);
  });

  it('flags what the API would refuse and overlapping ranges, by position', () => {
    const problems = rangeProblems([
      { from: '09:00', to: '13:00' },
      { from: '12:00', to: '18:00' },
      { from: '9:00', to: '10:00' },
      { from: '20:00', to: '20:00' },
      { from: '22:00', to: '02:00' },
    ]);
    expect([...problems.entries()]).toEqual([
      [2, 'time'],
      [3, 'same'],
      [1, 'overlap'],
    ]);
    expect(weekIsValid(week())).toBe(true);
    expect(weekIsValid({ ...week(), sun: [{ from: '10:00', to: '10:00' }] })).toBe(false);
  });
});
