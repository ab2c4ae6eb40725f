import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { ServiceContext } from '../context.ts';
import type { ActionHandler } from './types.ts';

const DAY_MS = 86_400_000;
/** Rows per delete statement: a few milliseconds of row locks on old rows, never long enough for a writer to notice. */
export const RETENTION_BATCH = 5000;

/** Rows deleted per kind by one cleanup. */
export interface RetentionSummary {
  telegramUpdates: number;
  broadcastDeliveries: number;
  notifications: number;
  emailInbound: number;
}

/**
 * The retention cleanup: deletes raw Telegram updates, delivery rows of finished broadcasts, finished notifications (with
 * their log) and raw incoming mail older than the configured periods (config.retentionDays; 0 = keep). Every batch is one
 * short statement in its own transaction on the pool, so the work can stop between any two batches (the abort signal of a
 * shutting-down worker) and the next run picks up where it stopped.
 */
export class RetentionService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly batch = RETENTION_BATCH,
  ) {}

  async cleanup(opts: { signal?: AbortSignal } = {}): Promise<RetentionSummary> {
    const days = this.ctx.config.retentionDays;
    const now = this.ctx.clock.now().getTime();
    const cutoff = (d: number) => new Date(now - d * DAY_MS);
    const repo = this.ctx.repos.retention;
    const summary: RetentionSummary = {
      telegramUpdates: 0,
      broadcastDeliveries: 0,
      notifications: 0,
      emailInbound: 0,
    };
    const drain = async (kind: keyof RetentionSummary, step: () => Promise<number>) => {
      for (;;) {
        if (opts.signal?.aborted) return;
        const n = await step();
        summary[kind] += n;
        if (n < this.batch) return;
        // Let other work on this process (and its pool) in between batches.
        await yieldToLoop();
      }
    };
    if (days.telegramUpdates > 0)
      await drain('telegramUpdates', () =>
        repo.deleteTelegramUpdates(cutoff(days.telegramUpdates), this.batch),
      );
    if (days.broadcastDeliveries > 0) {
      for (const id of await repo.finishedBroadcastsWithDeliveries(cutoff(days.broadcastDeliveries)))
        await drain('broadcastDeliveries', () => repo.deleteBroadcastDeliveries(id, this.batch));
    }
    if (days.notifications > 0)
      await drain('notifications', () => repo.deleteNotifications(cutoff(days.notifications), this.batch));
    if (days.emailInbound > 0)
      await drain('emailInbound', () => repo.deleteEmailInbound(cutoff(days.emailInbound), this.batch));
    this.ctx.log.info({ deleted: summary }, 'retention cleanup done');
    return summary;
  }
}

/**
 * The `retention_cleanup` action: queues the cleanup as its own job (`automations.retention_cleanup`, one at a time by
 * its job key) rather than running it inside the step's transaction, whose open snapshot would keep VACUUM from
 * reclaiming the very rows being deleted for as long as the cleanup takes.
 */
export const retentionCleanupAction: ActionHandler<{ type: 'retention_cleanup' }> = {
  async run({ repos, run }) {
    await repos.jobs.add(
      'automations.retention_cleanup',
      { runId: String(run.id) },
      {
        jobKey: 'automations.retention_cleanup',
        maxAttempts: 3,
      },
    );
    return { kind: 'next', detail: { queued: 'automations.retention_cleanup' } };
  },
  async describe({ run }) {
    return {
      step: run.step,
      type: 'retention_cleanup',
      summary:
        'Deletes raw updates, delivery rows, notifications and raw mail older than the retention periods',
    };
  },
};
