import { parseCronItems } from 'graphile-worker';
import { describe, expect, it } from 'vitest';
import { nextCronRun } from './cron-next-run.ts';

const item = (match: string) => parseCronItems([{ task: 't', identifier: match, match }])[0]!;
const at = (iso: string) => new Date(iso);

describe('next cron run', () => {
  it('is the next whole minute for an every-minute item, never the current one', () => {
    expect(nextCronRun(item('* * * * *'), at('2026-12-07T18:24:00Z'))).toEqual(at('2026-12-07T18:25:00Z'));
    expect(nextCronRun(item('* * * * *'), at('2026-12-07T18:24:59.900Z'))).toEqual(
      at('2026-12-07T18:25:00Z'),
    );
  });

  it('finds the next matching minute of an hourly item across the hour', () => {
    expect(nextCronRun(item('30 * * * *'), at('2026-12-07T18:31:00Z'))).toEqual(at('2026-12-07T19:30:00Z'));
    expect(nextCronRun(item('0 * * * *'), at('2026-12-07T23:10:00Z'))).toEqual(at('2026-12-08T00:00:00Z'));
  });

  it('reads the crontab in UTC, like graphile-worker, including weekdays and months', () => {
    // 2026-12-07 is a Monday; the next Sunday 03:15 UTC is Dec 13.
    expect(nextCronRun(item('15 3 * * 0'), at('2026-12-07T18:00:00Z'))).toEqual(at('2026-12-13T03:15:00Z'));
    expect(nextCronRun(item('0 0 1 1 *'), at('2026-12-07T18:00:00Z'))).toEqual(at('2027-01-01T00:00:00Z'));
  });
});
