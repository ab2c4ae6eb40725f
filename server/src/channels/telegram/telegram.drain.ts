import { drainQueue } from '../../repositories/telegram-updates.repository.ts';
import type { ServiceContext } from '../../services/context.ts';
import type { TelegramReceiver } from './telegram.receiver.ts';

/** How the drain paces itself; production keeps the defaults. */
export interface DrainOptions {
  /** Updates processed per transaction. Default 20: bounds how long a batch's first update waits for its commit. */
  batch?: number;
  /** After this long a drain queues its successor and ends, so one busy shard cannot hold a worker slot forever. Default 10 s. */
  budgetMs?: number;
  /** Failed attempts of one update before it is given up (error written). Default 25, graphile-worker's own. */
  maxAttempts?: number;
}

/**
 * Processes a shard's stored updates in batches: one job (`telegram.updates_pending`, coalesced per shard) claims the
 * pending rows in arrival order, a batch per transaction, until none is left. This replaces a graphile-worker job per
 * update (add, fetch, complete and a named-queue lock each time) and a transaction per update.
 *
 * Exactly once: an update is marked processed in the transaction that applies it, so a drain that dies mid-batch leaves
 * the batch pending for the next one (the job is retried; committed batches are not seen again). Order: one drain per
 * shard at a time (the job's queue) and arrival order within it. A failing update holds back only its own chat: the
 * batch is redone one update at a time, the failing update gets a retry time, and its chat's later updates wait for it.
 */
export class TelegramDrain {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly receiver: TelegramReceiver,
    private readonly opts: DrainOptions = {},
  ) {}

  /** Drains one shard until it is empty (held chats aside) or its time budget is spent (then a successor is queued). */
  async drain(channelId: string, shard: number): Promise<{ processed: number; failed: number }> {
    const batch = this.opts.batch ?? 20;
    const deadline = Date.now() + (this.opts.budgetMs ?? 10_000);
    const totals = { processed: 0, failed: 0 };
    for (;;) {
      let claimed: number;
      try {
        claimed = await this.receiver.processBatch(channelId, shard, batch);
        totals.processed += claimed;
      } catch (err) {
        this.ctx.log.debug({ err, channelId, shard }, 'batch failed; processing it one update at a time');
        claimed = await this.oneByOne(channelId, shard, batch, totals);
      }
      if (claimed === 0) break;
      if (Date.now() > deadline) {
        const queue = drainQueue(channelId, shard);
        // Our job is running, so this inserts a successor (graphile-worker detaches the key from a locked job).
        await this.ctx.repos.jobs.add(
          'telegram.updates_pending',
          { channelId, shard },
          { queueName: queue, jobKey: queue },
        );
        break;
      }
    }
    return totals;
  }

  /**
   * The failed batch again, one transaction per update, up to the first failure. Returns how many updates it settled
   * (processed, or failed and held back), so the drain goes on while there is progress.
   */
  private async oneByOne(
    channelId: string,
    shard: number,
    batch: number,
    totals: { processed: number; failed: number },
  ): Promise<number> {
    const repo = this.ctx.repos.telegramUpdates;
    let settled = 0;
    for (const id of await repo.listPending(channelId, shard, batch)) {
      try {
        if (await this.receiver.processStored(id)) totals.processed += 1;
        settled += 1;
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        this.ctx.log.warn(
          { err: message, channelId, updateRowId: id },
          'processing a Telegram update failed',
        );
        // Sets retry_at (at least e seconds ahead) or gives the update up: either way later scans leave its chat out,
        // while the rest of this list may hold that chat's later updates. So: stop here, never overtake it.
        await repo.recordFailure(id, message, this.opts.maxAttempts ?? 25);
        totals.failed += 1;
        return settled + 1;
      }
    }
    return settled;
  }
}
