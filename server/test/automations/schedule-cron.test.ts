import { describe, expect, it } from 'vitest';
import { cronProblem, parseCron, ticksBetween } from '../../src/services/automations/schedule-cron.ts';

const at = (iso: string) => new Date(iso);
const ticks = (cron: string, tz: string, from: string, to: string) =>
  ticksBetween(parseCron(cron), tz, at(from), at(to)).map((t) => [t.at.toISOString(), t.local]);

describe('cron in a time zone', () => {
  it('fires at the local time, which moves in UTC across the spring-forward change (America/New_York)', () => {
    // 2027-03-14: clocks go from 02:00 EST to 03:00 EDT. 09:00 local is 14:00 UTC before, 13:00 UTC after.
    expect(ticks('0 9 * * *', 'America/New_York', '2027-03-12T15:00:00Z', '2027-03-15T18:00:00Z')).toEqual([
      ['2027-03-13T14:00:00.000Z', '2027-03-13T09:00'],
      ['2027-03-14T13:00:00.000Z', '2027-03-14T09:00'],
      ['2027-03-15T13:00:00.000Z', '2027-03-15T09:00'],
    ]);
  });

  it('runs a time skipped by the spring-forward jump at the first minute after it', () => {
    // 02:30 does not exist on 2027-03-14 in New York; 07:00 UTC is 03:00 EDT.
    expect(ticks('30 2 * * *', 'America/New_York', '2027-03-13T00:00:00Z', '2027-03-15T00:00:00Z')).toEqual([
      ['2027-03-13T07:30:00.000Z', '2027-03-13T02:30'],
      ['2027-03-14T07:00:00.000Z', '2027-03-14T02:30'],
    ]);
  });

  it('runs a time repeated by the fall-back change once', () => {
    // 2027-11-07: 01:30 EDT (05:30 UTC) and 01:30 EST (06:30 UTC) are the same local minute.
    expect(ticks('30 1 * * *', 'America/New_York', '2027-11-07T00:00:00Z', '2027-11-08T00:00:00Z')).toEqual([
      ['2027-11-07T05:30:00.000Z', '2027-11-07T01:30'],
    ]);
  });

  it('matches weekdays by name, lists, ranges and steps, and day-of-month or weekday when both are given', () => {
    // Mondays at 10:00 Berlin (CET = UTC+1 in January).
    expect(ticks('0 10 * * mon', 'Europe/Berlin', '2027-01-01T00:00:00Z', '2027-01-15T00:00:00Z')).toEqual([
      ['2027-01-04T09:00:00.000Z', '2027-01-04T10:00'],
      ['2027-01-11T09:00:00.000Z', '2027-01-11T10:00'],
    ]);
    expect(ticks('*/20 8-9 * * *', 'UTC', '2027-01-01T07:59:00Z', '2027-01-01T09:45:00Z').length).toBe(6);
    // The 1st of the month or any Friday (2027-01-01 is a Friday, the 8th too).
    expect(
      ticks('0 0 1 * 5', 'UTC', '2026-12-31T12:00:00Z', '2027-01-09T00:00:00Z').map((t) => t[1]),
    ).toEqual(['2027-01-01T00:00', '2027-01-08T00:00']);
  });

  it('counts only ticks after `since` and up to `until` inclusive', () => {
    expect(ticks('0 * * * *', 'UTC', '2027-01-01T10:00:00Z', '2027-01-01T11:00:00Z')).toEqual([
      ['2027-01-01T11:00:00.000Z', '2027-01-01T11:00'],
    ]);
  });

  it('names the field at fault in a bad expression', () => {
    expect(cronProblem('0 25 * * *')).toMatch(/hour/);
    expect(cronProblem('0 9 * *')).toMatch(/five fields/);
    expect(cronProblem('0 9 * * funday')).toMatch(/day of week/);
    expect(cronProblem('@weekly')).toBeNull();
  });
});
