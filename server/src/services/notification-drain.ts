import { GroupCommitWriter } from '../lib/group-commit.ts';
import type { DeliveryOutcome } from '../repositories/notification-drain.repository.ts';
import { inTransaction, type ServiceContext } from './context.ts';
import {
  DONE,
  drainAt,
  type NotificationDelivery,
  type Plan,
  type Sent,
  type SharedReads,
} from './notification-delivery.ts';

/**
 * Delivers due notifications, many at a time. Each claim takes up to BATCH due rows (`for update skip locked`, so drains
 * in several worker processes share the work), reads everything their rules need in that one statement, decides each by
 * the same rules as ever and marks what is to be sent `sending` in one statement, all in one transaction; the claimed rows
 * are sent SEND_CONCURRENCY at a time, and the next claim is made while they are still being sent (once fewer wait than
 * the slots can take), so a row committed meanwhile waits for one claim, not for a whole round to end. Outcomes are recorded write-behind, many per statement. A crash between
 * `sending` and the outcome leaves rows `sending`: past the lease a later drain fails them as interrupted, never resends
 * (the same per-row window of doubt as before).
 *
 * Two ways to run: a pass (`run()`: the `notifications.drain` job, tests) ends after a claim that found less than it asked
 * for; a woken drain (`run({ wakes })`: the worker process's NotificationPump) goes on while wake-ups keep coming.
 */

/** Rows claimed per statement at most: one statement reads them all, and a claim's transaction cost is shared by them. */
const BATCH = 200;
/** Sends in flight per drain: enough to hide a send's round trip, few enough for the SMTP pools and Bot API limits. */
const SEND_CONCURRENCY = 64;
/** Outcomes waiting to be written before a drain stops claiming more (what a crash could leave `sending`). */
const MAX_BACKLOG = 2000;

/** Where a woken drain learns that rows were committed since its last claim (notification-pump.ts). */
export interface WakeSource {
  /** A wake-up came since the last `take`. */
  readonly pending: boolean;
  /** Clears `pending`: called right before a claim, whose snapshot sees every row announced until then. */
  take(): void;
  /** Resolves at the next wake-up (at once when one is pending). */
  next(): Promise<void>;
}

export class NotificationDrain {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly delivery: NotificationDelivery,
  ) {}

  async run(opts: { signal?: AbortSignal; wakes?: WakeSource } = {}): Promise<void> {
    const { signal, wakes } = opts;
    const writer = new GroupCommitWriter<DeliveryOutcome>((batch) => this.record(batch), {
      maxPerFlush: 500,
      gatherMs: 0,
    });
    const inFlight = new Set<Promise<void>>();
    // Claimed and marked `sending`, waiting for a slot: sent in claim order, SEND_CONCURRENCY at a time.
    const queue: Plan[] = [];
    const fill = () => {
      while (inFlight.size < SEND_CONCURRENCY && queue.length) start(queue.shift()!);
    };
    const start = (plan: Plan) => {
      const p: Promise<void> = this.delivery
        .send(plan)
        // Not awaited one by one: a failed flush is reported by the writer (below) and its rows stay `sending`.
        .then(({ outcome }) => void writer.add(outcome).catch(() => {}))
        // `send` records its failures as outcomes; anything else leaves the row `sending` for the lease to settle.
        .catch((err) => this.ctx.log.error({ err, notificationId: plan.n.id }, 'notification send failed'))
        .finally(() => {
          inFlight.delete(p);
          fill();
        });
      inFlight.add(p);
    };
    try {
      while (!signal?.aborted) {
        if (writer.backlog > MAX_BACKLOG) await writer.drained();
        if (writer.error) break;
        // The next claim is made while the last ones are still being sent, once fewer are waiting than the slots can take.
        while (queue.length >= SEND_CONCURRENCY) await Promise.race(inFlight);
        wakes?.take();
        const { claimed, plans } = await this.claim(BATCH);
        queue.push(...plans);
        fill();
        if (claimed === BATCH) continue;
        // A short claim took everything due at its snapshot. A pass ends here: a row committed since came with a NOTIFY
        // that wakes the pump, or with its own timed job. A woken drain claims again at the next wake-up while its sends
        // are out, and ends with them when none came (the pump starts it again on the next one).
        if (!wakes) break;
        while (!wakes.pending && inFlight.size > 0) await Promise.race([wakes.next(), ...inFlight]);
        if (!wakes.pending) break;
      }
    } finally {
      // Everything claimed is sent, stopping or not: a claimed row left unsent would be failed as interrupted.
      while (inFlight.size > 0) await Promise.race(inFlight);
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

  /** One claim and its decisions, in one transaction: how many rows it took, and the plans to send. */
  private claim(limit: number): Promise<{ claimed: number; plans: Plan[] }> {
    return inTransaction(this.ctx, async (r) => {
      const now = this.ctx.clock.now();
      const reads = await r.notificationDrain.claimDue(now, limit);
      const plans: Plan[] = [];
      const shared: SharedReads = {};
      for (const read of reads) {
        const plan = await this.delivery.decide(r, read, now);
        if (plan) plans.push({ ...plan, shared });
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
