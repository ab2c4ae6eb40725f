import { describe, expect, it } from 'vitest';
import { type BusinessHours, isWithinBusinessHours, localTime, minutesOf } from './business-hours.ts';

const weekdays = (from: string, to: string) =>
  Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [{ from, to }]]));

describe('business hours', () => {
  it('parses HH:MM, accepting 24:00 and refusing nonsense', () => {
    expect(minutesOf('09:30')).toBe(570);
    expect(minutesOf('24:00')).toBe(1440);
    expect(minutesOf('24:30')).toBeNaN();
    expect(minutesOf('9:30')).toBeNaN();
  });

  it('is always open when disabled', () => {
    const hours: BusinessHours = { enabled: false, timezone: 'Europe/Moscow', week: {} };
    expect(isWithinBusinessHours(hours, new Date('2026-11-22T03:00:00Z'))).toBe(true);
  });

  it('uses the wall clock of the channel time zone (Moscow is UTC+3)', () => {
    const hours: BusinessHours = {
      enabled: true,
      timezone: 'Europe/Moscow',
      week: weekdays('09:00', '18:00'),
    };
    // Monday 2026-11-23: 05:59Z = 08:59 MSK, 06:00Z = 09:00 MSK, 14:59Z = 17:59, 15:00Z = 18:00 (end is exclusive).
    expect(isWithinBusinessHours(hours, new Date('2026-11-23T05:59:00Z'))).toBe(false);
    expect(isWithinBusinessHours(hours, new Date('2026-11-23T06:00:00Z'))).toBe(true);
    expect(isWithinBusinessHours(hours, new Date('2026-11-23T14:59:00Z'))).toBe(true);
    expect(isWithinBusinessHours(hours, new Date('2026-11-23T15:00:00Z'))).toBe(false);
    // Sunday has no ranges.
    expect(isWithinBusinessHours(hours, new Date('2026-11-22T10:00:00Z'))).toBe(false);
  });

  it('follows daylight saving time: 09:00 in New York is 14:00Z in winter and 13:00Z in summer', () => {
    const hours: BusinessHours = {
      enabled: true,
      timezone: 'America/New_York',
      week: weekdays('09:00', '17:00'),
    };
    // Friday 2026-01-09 (EST, UTC-5) and Friday 2026-07-10 (EDT, UTC-4).
    expect(isWithinBusinessHours(hours, new Date('2026-01-09T13:30:00Z'))).toBe(false);
    expect(isWithinBusinessHours(hours, new Date('2026-01-09T14:00:00Z'))).toBe(true);
    expect(isWithinBusinessHours(hours, new Date('2026-07-10T13:00:00Z'))).toBe(true);
    expect(isWithinBusinessHours(hours, new Date('2026-07-10T12:59:00Z'))).toBe(false);
    // The Sunday DST switch (2026-03-08, 02:00 → 03:00): local time after the jump is read correctly.
    expect(localTime(new Date('2026-03-08T07:30:00Z'), 'America/New_York')).toEqual({
      day: 'sun',
      minute: 180 + 30,
    });
  });

  it('counts a range crossing midnight on its start day until 24:00 and on the next day until its end', () => {
    // Friday night shift 22:00–02:00 in Moscow.
    const hours: BusinessHours = {
      enabled: true,
      timezone: 'Europe/Moscow',
      week: { fri: [{ from: '22:00', to: '02:00' }] },
    };
    expect(isWithinBusinessHours(hours, new Date('2026-11-27T18:59:00Z'))).toBe(false); // Fri 21:59
    expect(isWithinBusinessHours(hours, new Date('2026-11-27T19:00:00Z'))).toBe(true); // Fri 22:00
    expect(isWithinBusinessHours(hours, new Date('2026-11-27T22:30:00Z'))).toBe(true); // Sat 01:30
    expect(isWithinBusinessHours(hours, new Date('2026-11-27T23:00:00Z'))).toBe(false); // Sat 02:00
    // Thursday night is not open: the range belongs to Friday only.
    expect(isWithinBusinessHours(hours, new Date('2026-11-26T22:30:00Z'))).toBe(false); // Fri 01:30 after Thu
  });

  it('treats from = to as the whole day and allows several ranges a day', () => {
    const hours: BusinessHours = {
      enabled: true,
      timezone: 'UTC',
      week: {
        sat: [{ from: '00:00', to: '00:00' }],
        mon: [
          { from: '09:00', to: '12:00' },
          { from: '13:00', to: '24:00' },
        ],
      },
    };
    expect(isWithinBusinessHours(hours, new Date('2026-11-28T03:00:00Z'))).toBe(true);
    expect(isWithinBusinessHours(hours, new Date('2026-11-23T12:30:00Z'))).toBe(false);
    expect(isWithinBusinessHours(hours, new Date('2026-11-23T23:59:00Z'))).toBe(true);
  });
});
