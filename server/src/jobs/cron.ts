import { type CronItem, type ParsedCronItem, parseCronItems } from 'graphile-worker';
import type { JobName } from './job-map.ts';

/**
 * Recurring jobs. graphile-worker's cron runs in every worker process but queues each tick once per deployment (it records the
 * last tick per identifier in its `known_crontabs` table under a lock), so N workers still mean one run a minute.
 */
const CRON_ITEMS: Array<CronItem & { task: JobName }> = [
  {
    task: 'telegram.rate_prune',
    identifier: 'telegram.rate_prune',
    match: '* * * * *',
    // Missed ticks (all workers down) are not worth catching up: the next run deletes everything stale anyway.
    options: { backfillPeriod: 0, maxAttempts: 1, jobKey: 'telegram.rate_prune' },
  },
  {
    task: 'files.prune_uploads',
    identifier: 'files.prune_uploads',
    match: '0 * * * *',
    // Uploads that never went out in a message; an hourly sweep is plenty and a missed one is caught by the next.
    options: { backfillPeriod: 0, maxAttempts: 1, jobKey: 'files.prune_uploads' },
  },
];

export function cronItems(): ParsedCronItem[] {
  return parseCronItems(CRON_ITEMS);
}
