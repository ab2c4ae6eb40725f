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
  {
    task: 'assignment.sweep',
    identifier: 'assignment.sweep',
    match: '* * * * *',
    // Safety net behind the event triggers (new message, agent online, unassign): a waiting queue is retried each minute.
    options: { backfillPeriod: 0, maxAttempts: 1, jobKey: 'assignment.sweep' },
  },
  {
    task: 'presence.expire',
    identifier: 'presence.expire',
    match: '* * * * *',
    // Presence rows of crashed api processes: their users are announced offline within about two minutes.
    options: { backfillPeriod: 0, maxAttempts: 1, jobKey: 'presence.expire' },
  },
  {
    task: 'conversations.snooze_sweep',
    identifier: 'conversations.snooze_sweep',
    match: '* * * * *',
    // Each snooze has its own wake job; this sweep only catches ones that were lost, so missed ticks need no backfill.
    options: { backfillPeriod: 0, maxAttempts: 1, jobKey: 'conversations.snooze_sweep' },
  },
  {
    task: 'notifications.drain',
    identifier: 'notifications.drain',
    match: '* * * * *',
    // A safety net, not the way notifications go: triggers (NOTIFY) and timers wake the drains themselves; this catches
    // rows a crashed drain left behind (due, or `sending` past the lease) and any wake-up that went missing.
    options: { backfillPeriod: 0, maxAttempts: 1, jobKey: 'notifications.drain' },
  },
  {
    task: 'notifications.prune_keys',
    identifier: 'notifications.prune_keys',
    match: '30 * * * *',
    // Expired idempotency keys only take space (an expired key is taken over anyway); hourly is plenty.
    options: { backfillPeriod: 0, maxAttempts: 1, jobKey: 'notifications.prune_keys' },
  },
  {
    task: 'staff_alerts.sweep',
    identifier: 'staff_alerts.sweep',
    match: '* * * * *',
    // Each waiting period is alerted once (staff_alerts_sent), so a missed tick is caught by the next one.
    options: { backfillPeriod: 0, maxAttempts: 1, jobKey: 'staff_alerts.sweep' },
  },
  {
    task: 'automations.sweep',
    identifier: 'automations.sweep',
    match: '* * * * *',
    // Waits and waiting checks have their own jobs; this only catches lost ones, so missed ticks need no backfill.
    options: { backfillPeriod: 0, maxAttempts: 1, jobKey: 'automations.sweep' },
  },
  {
    task: 'automations.calendar_pass',
    identifier: 'automations.calendar_pass',
    match: '* * * * *',
    // Each rule's pass covers everything since its own last pass (up to a day), so a missed tick is caught by the next.
    options: { backfillPeriod: 0, maxAttempts: 1, jobKey: 'automations.calendar_pass' },
  },
  {
    task: 'automations.segment_pass',
    identifier: 'automations.segment_pass',
    match: '*/5 * * * *',
    // Evaluates each segment-entry rule's segment over all contacts: every 5 minutes is timely enough and cheap.
    options: { backfillPeriod: 0, maxAttempts: 1, jobKey: 'automations.segment_pass' },
  },
];

export function cronItems(): ParsedCronItem[] {
  return parseCronItems(CRON_ITEMS);
}
