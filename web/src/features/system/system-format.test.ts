import { describe, expect, it } from 'vitest';
import { byteSize, everyMinutes, uptimeParts } from './system-format.ts';

describe('system page formatting', () => {
  it('splits uptime into days, hours and minutes', () => {
    expect(uptimeParts(90_061)).toEqual({ days: 1, hours: 1, minutes: 1 });
    expect(uptimeParts(59)).toEqual({ days: 0, hours: 0, minutes: 0 });
  });

  it('picks the binary unit of a database size', () => {
    expect(byteSize(512)).toEqual({ value: 512, unit: 'byte' });
    expect(byteSize(8_912_896)).toEqual({ value: 8.5, unit: 'megabyte' });
    expect(byteSize(3 * 1024 ** 3)).toEqual({ value: 3, unit: 'gigabyte' });
  });

  it('reads a recurring job’s cadence from its next two runs', () => {
    expect(everyMinutes('2026-12-07T18:25:00Z', '2026-12-07T18:26:00Z')).toBe(1);
    expect(everyMinutes('2026-12-07T18:30:00Z', '2026-12-07T19:30:00Z')).toBe(60);
    expect(everyMinutes('2026-12-07T18:30:00Z', null)).toBeNull();
  });
});
