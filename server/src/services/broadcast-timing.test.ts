import { describe, expect, it } from 'vitest';
import {
  clockMinutes,
  isClockTime,
  nextLocalTime,
  quietHoldUntil,
  zonedInstant,
} from './broadcast-timing.ts';

const at = (iso: string) => new Date(iso);
const NIGHT = { from: '22:00', to: '09:00' };

describe('clock times', () => {
  it('accepts HH:MM on a 24-hour clock and nothing else', () => {
    expect(['00:00', '09:30', '23:59'].every(isClockTime)).toBe(true);
    expect(['24:00', '9:30', '09:60', '0930', '', 930, null].some(isClockTime)).toBe(false);
    expect(clockMinutes('10:15')).toBe(615);
    expect(() => clockMinutes('25:00')).toThrow(RangeError);
  });
});

describe('zonedInstant', () => {
  it('finds the instant of a local time in zones on both sides of UTC', () => {
    expect(zonedInstant(2026, 12, 7, 600, 'Europe/Moscow').toISOString()).toBe('2026-12-07T07:00:00.000Z');
    expect(zonedInstant(2026, 12, 7, 600, 'Asia/Vladivostok').toISOString()).toBe('2026-12-07T00:00:00.000Z');
    expect(zonedInstant(2026, 12, 7, 600, 'America/New_York').toISOString()).toBe('2026-12-07T15:00:00.000Z');
  });

  it('resolves DST in Berlin like PostgreSQL: skipped times move past the jump, repeated ones are the later', () => {
    // 2026-03-29: 02:00 CET jumps to 03:00 CEST; 02:30 does not exist and reads as 03:30 CEST.
    expect(zonedInstant(2026, 3, 29, 150, 'Europe/Berlin').toISOString()).toBe('2026-03-29T01:30:00.000Z');
    expect(zonedInstant(2026, 3, 29, 600, 'Europe/Berlin').toISOString()).toBe('2026-03-29T08:00:00.000Z');
    // 2026-10-25: 03:00 CEST falls back to 02:00 CET; 02:30 happens twice, the later (CET) one is taken.
    expect(zonedInstant(2026, 10, 25, 150, 'Europe/Berlin').toISOString()).toBe('2026-10-25T01:30:00.000Z');
    expect(zonedInstant(2026, 10, 25, 600, 'Europe/Berlin').toISOString()).toBe('2026-10-25T09:00:00.000Z');
  });
});

describe('nextLocalTime', () => {
  it("is today's time when it has not passed there yet, else tomorrow's", () => {
    // 06:00 in Moscow: 10:00 is still ahead today.
    expect(nextLocalTime(at('2026-12-07T03:00:00Z'), 'Europe/Moscow', '10:00').toISOString()).toBe(
      '2026-12-07T07:00:00.000Z',
    );
    // 12:00 in Moscow: 10:00 has passed, so tomorrow's.
    expect(nextLocalTime(at('2026-12-07T09:00:00Z'), 'Europe/Moscow', '10:00').toISOString()).toBe(
      '2026-12-08T07:00:00.000Z',
    );
  });

  it('counts exactly that minute as now, not tomorrow', () => {
    expect(nextLocalTime(at('2026-12-07T07:00:00Z'), 'Europe/Moscow', '10:00').toISOString()).toBe(
      '2026-12-07T07:00:00.000Z',
    );
  });

  it('uses the local date, which differs from the UTC date east of UTC', () => {
    // 23:30 UTC on the 6th is 09:30 on the 7th in Vladivostok (+10): 10:00 there is 30 minutes away.
    expect(nextLocalTime(at('2026-12-06T23:30:00Z'), 'Asia/Vladivostok', '10:00').toISOString()).toBe(
      '2026-12-07T00:00:00.000Z',
    );
  });

  it('keeps the wall-clock time across a DST change in Berlin (one hour less of UTC in summer)', () => {
    // Saturday 28 March 12:00 CET: the next 10:00 is Sunday, already summer time (08:00 UTC, not 09:00).
    expect(nextLocalTime(at('2026-03-28T11:00:00Z'), 'Europe/Berlin', '10:00').toISOString()).toBe(
      '2026-03-29T08:00:00.000Z',
    );
  });
});

describe('quietHoldUntil', () => {
  it('is null in the daytime', () => {
    expect(quietHoldUntil(at('2026-12-07T09:00:00Z'), 'Europe/Moscow', NIGHT)).toBeNull(); // 12:00 local
    expect(quietHoldUntil(at('2026-12-07T06:00:00Z'), 'Europe/Moscow', NIGHT)).toBeNull(); // 09:00 local: `to` is open
  });

  it('holds late evening until the next morning (crossing midnight)', () => {
    // 23:00 in Moscow on the 7th → 09:00 on the 8th.
    expect(quietHoldUntil(at('2026-12-07T20:00:00Z'), 'Europe/Moscow', NIGHT)?.toISOString()).toBe(
      '2026-12-08T06:00:00.000Z',
    );
    // 22:00 exactly is quiet (`from` is inclusive).
    expect(quietHoldUntil(at('2026-12-07T19:00:00Z'), 'Europe/Moscow', NIGHT)?.toISOString()).toBe(
      '2026-12-08T06:00:00.000Z',
    );
  });

  it('holds early morning until the same morning', () => {
    // 03:00 in Moscow on the 8th → 09:00 that day.
    expect(quietHoldUntil(at('2026-12-08T00:00:00Z'), 'Europe/Moscow', NIGHT)?.toISOString()).toBe(
      '2026-12-08T06:00:00.000Z',
    );
  });

  it('judges by the recipient zone: the same instant is night in one place and day in another', () => {
    const instant = at('2026-12-07T20:00:00Z'); // 23:00 Moscow, 15:00 New York, 06:00 (8th) Vladivostok
    expect(quietHoldUntil(instant, 'Europe/Moscow', NIGHT)).not.toBeNull();
    expect(quietHoldUntil(instant, 'America/New_York', NIGHT)).toBeNull();
    expect(quietHoldUntil(instant, 'Asia/Vladivostok', NIGHT)?.toISOString()).toBe(
      '2026-12-07T23:00:00.000Z',
    );
  });

  it('supports a window inside one day', () => {
    const lunch = { from: '13:00', to: '14:00' };
    expect(quietHoldUntil(at('2026-12-07T10:30:00Z'), 'Europe/Moscow', lunch)?.toISOString()).toBe(
      '2026-12-07T11:00:00.000Z',
    );
    expect(quietHoldUntil(at('2026-12-07T11:00:00Z'), 'Europe/Moscow', lunch)).toBeNull();
  });

  it('treats from = to as no quiet hours', () => {
    expect(
      quietHoldUntil(at('2026-12-07T20:00:00Z'), 'Europe/Moscow', { from: '22:00', to: '22:00' }),
    ).toBeNull();
  });

  it('ends the hold at the local morning on the night Berlin changes to summer time', () => {
    // 23:30 CET on 28 March; 09:00 on the 29th is CEST, i.e. 07:00 UTC.
    expect(quietHoldUntil(at('2026-03-28T22:30:00Z'), 'Europe/Berlin', NIGHT)?.toISOString()).toBe(
      '2026-03-29T07:00:00.000Z',
    );
    // And back to winter time in October: 09:00 CET on the 25th is 08:00 UTC.
    expect(quietHoldUntil(at('2026-10-24T21:30:00Z'), 'Europe/Berlin', NIGHT)?.toISOString()).toBe(
      '2026-10-25T08:00:00.000Z',
    );
  });
});
