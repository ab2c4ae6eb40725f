import { describe, expect, it } from 'vitest';
import { isoToZonedTime, startOfDay, zonedTimeToIso } from './zoned-time.ts';

describe('a wall-clock time in a time zone', () => {
  it('becomes the instant that zone shows it, in winter and in summer', () => {
    expect(zonedTimeToIso('2026-01-15T10:00', 'Europe/Moscow')).toBe('2026-01-15T07:00:00.000Z');
    expect(zonedTimeToIso('2026-07-15T10:00', 'America/New_York')).toBe('2026-07-15T14:00:00.000Z');
    expect(zonedTimeToIso('2026-01-15T10:00', 'America/New_York')).toBe('2026-01-15T15:00:00.000Z');
    expect(zonedTimeToIso('2026-01-15T10:00', 'UTC')).toBe('2026-01-15T10:00:00.000Z');
  });

  it('lands right on the day the clocks go forward', () => {
    // Berlin switches to summer time at 02:00 UTC+1 on 29 March 2026; 03:30 that morning is already UTC+2.
    expect(zonedTimeToIso('2026-03-29T03:30', 'Europe/Berlin')).toBe('2026-03-29T01:30:00.000Z');
    expect(zonedTimeToIso('2026-03-29T01:30', 'Europe/Berlin')).toBe('2026-03-29T00:30:00.000Z');
  });

  it('lands right on the day the clocks go back', () => {
    // Berlin returns to UTC+1 at 03:00 UTC+2 on 25 October 2026.
    expect(zonedTimeToIso('2026-10-25T12:00', 'Europe/Berlin')).toBe('2026-10-25T11:00:00.000Z');
  });

  it('handles zones east of UTC with half hours and the far side of the date line', () => {
    expect(zonedTimeToIso('2026-06-01T00:00', 'Asia/Kolkata')).toBe('2026-05-31T18:30:00.000Z');
    expect(zonedTimeToIso('2026-06-01T00:00', 'Pacific/Auckland')).toBe('2026-05-31T12:00:00.000Z');
  });

  it('keeps the seconds a precise start was given with', () => {
    expect(zonedTimeToIso('2026-01-15T10:00:07', 'Europe/Moscow')).toBe('2026-01-15T07:00:07.000Z');
  });

  it('refuses what is not a date and time', () => {
    expect(zonedTimeToIso('tomorrow', 'UTC')).toBeNull();
    expect(zonedTimeToIso('2026-01-15', 'UTC')).toBeNull();
  });
});

describe('the start of a calendar day in a time zone', () => {
  it('is local midnight, also when the clocks change that night', () => {
    // New York leaves summer time on 1 November 2026 at 02:00; midnight is still UTC-4, the next one UTC-5.
    expect(startOfDay('2026-11-01', 'America/New_York')).toBe('2026-11-01T04:00:00.000Z');
    expect(startOfDay('2026-11-02', 'America/New_York')).toBe('2026-11-02T05:00:00.000Z');
    expect(startOfDay('2026-12-01', 'Europe/Moscow')).toBe('2026-11-30T21:00:00.000Z');
  });

  it('refuses what is not a day', () => {
    expect(startOfDay('yesterday', 'UTC')).toBeNull();
  });
});

describe('an instant read on the clocks of a time zone', () => {
  it('is the wall-clock time there, with seconds', () => {
    expect(isoToZonedTime('2026-01-15T07:00:07.000Z', 'Europe/Moscow')).toBe('2026-01-15T10:00:07');
    expect(isoToZonedTime('2026-07-15T14:00:00Z', 'America/New_York')).toBe('2026-07-15T10:00:00');
    expect(isoToZonedTime('2026-05-31T18:30:00Z', 'Asia/Kolkata')).toBe('2026-06-01T00:00:00');
  });

  it('goes back to the same instant, also across a change of the clocks', () => {
    for (const iso of ['2026-03-29T01:30:00.000Z', '2026-10-25T11:00:00.000Z', '2026-11-01T04:00:00.000Z'])
      for (const zone of ['Europe/Berlin', 'America/New_York', 'UTC'])
        expect(zonedTimeToIso(isoToZonedTime(iso, zone)!, zone)).toBe(iso);
  });

  it('refuses what is not an instant', () => {
    expect(isoToZonedTime('soon', 'UTC')).toBeNull();
  });
});
