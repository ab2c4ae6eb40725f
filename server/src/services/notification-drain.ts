import { GroupCommitWriter } from '../lib/group-commit.ts';
import type { DeliveryOutcome } from '../repositories/notification-drain.repository.ts';
import { inTransaction, type ServiceContext } from './context.ts';
import { DONE, drainAt, type NotificationDelivery, type Plan, type Sent } from './notification-delivery.ts';

/**
 * The `notifications.drain` job: delivers every due notification, many at a time, then ends after a round that was not
 * full (the next trigger wakes it again). Each round claims up to BATCH due rows (`for update skip locked`, so drains in several worker processes share
 * the work), reads everything their rules need in that one statement, decides each by the same rules as ever and marks
 * what is to be sent `sending` in one statement, all in one transaction; then sends with bounded concurrency and records
 * outcomes write-behind, many per statement. A crash between `sending` and the outcome leaves rows `sending`: past the
 * lease a later drain fails them as interrupted, never resends (the same per-row window of doubt as before).
 */

/** Rows claimed per round: one statement reads them all; more would hold their locks longer than a round's sends. */
const BATCH = 200;
/** Sends in flight per drain: enough to hide a send's round trip, few enough for the SMTP pools and Bot API limits. */
const SEND_CONCURRENCY = 64;
/** Outcomes waiting to be written before a drain stops claiming more (what a crash could leave `sending`). */
const MAX_BACKLOG = 2000;

export class NotificationDrain {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly delivery: NotificationDelivery,
  ) {}

  async run(opts: { signal?: AbortSignal } = {}): Promise<void> {
    const writer = new GroupCommitWriter<DeliveryOutcome>((batch) => this.record(batch), {
      maxPerFlush: 500,
      gatherMs: 0,
    });
    try {
      while (!opts.signal?.aborted) {
        if (writer.backlog > MAX_BACKLOG) await writer.drained();
        if (writer.error) break;
        const { claimed, plans } = await this.claim();
        if (claimed === 0) break;
        await eachConcurrently(plans, SEND_CONCURRENCY, async (plan) => {
          const { outcome } = await this.delivery.send(plan);
          // Not awaited one by one: a failed flush is reported by the writer (below) and its rows stay `sending`.
          writer.add(outcome).catch(() => {});
        });
        // A short round means nothing else was due when it was claimed; a row committed since then came with a trigger that
        // queued a fresh drain job (this one is locked, so graphile-worker adds a new job rather than updating this one), and
        // a trigger still holding this job's row could not have let a worker start it. So no empty round is needed to end.
        if (claimed < BATCH) break;
      }
    } finally {
      await writer.drained();
    }
    if (writer.error) throw writer.error;
  }

  /** One notification now, whatever its time (a delivery job queued before the drain, and tests). */
  async deliverOne(id: string, opts: { lastAttempt?: boolean } = {}): Promise<void> {
    const plan = await inTransaction(this.ctx, async (r) => {
      const now = this.ctx.clock.now();
      const read = await r.notifications.forDelivery(id);
      if (!read || DONE.has(read.n.status)) return null;
      const plan = await this.delivery.decide(r, read, now, opts);
      if (plan && !plan.marked) await r.notificationDrain.markSending([id], now);
      return plan;
    });
    if (!plan) return;
    const sent: Sent = await this.delivery.send(plan);
    await this.record([sent.outcome]);
    // A retry is recorded (and its drain queued); the caller learns why this attempt failed.
    if (sent.error && sent.outcome.status === 'queued') throw sent.error;
  }

  /** One round's claim and decisions, in one transaction: how many rows it took, and the plans to send. */
  private claim(): Promise<{ claimed: number; plans: Plan[] }> {
    return inTransaction(this.ctx, async (r) => {
      const now = this.ctx.clock.now();
      const reads = await r.notificationDrain.claimDue(now, BATCH);
      const plans: Plan[] = [];
      for (const read of reads) {
        const plan = await this.delivery.decide(r, read, now);
        if (plan) plans.push(plan);
      }
      await r.notificationDrain.markSending(
        plans.filter((p) => !p.marked).map((p) => p.n.id),
        now,
      );
      return { claimed: reads.length, plans };
    });
  }

  /** Outcomes in one statement; with retries among them, drains to take them up are queued in the same transaction. */
  private async record(outcomes: DeliveryOutcome[]): Promise<void> {
    const retries = new Map<string, Date>();
    for (const o of outcomes)
      if (o.status === 'queued') retries.set(drainAt(o.nextAttemptAt).jobKey, o.nextAttemptAt);
    if (!retries.size) return this.ctx.repos.notificationDrain.record(outcomes);
    await inTransaction(this.ctx, async (r) => {
      await r.notificationDrain.record(outcomes);
      // One per second of retry time (the job key coalesces the rest): retries are few, each needs its own wake-up.
      for (const at of retries.values()) await r.jobs.add('notifications.drain', {}, drainAt(at));
    });
  }
}

/** Runs `fn` over `items`, at most `limit` at once. */
async function eachConcurrently<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
