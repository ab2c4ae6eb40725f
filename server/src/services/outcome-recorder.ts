import type {
  AttemptRow,
  BulkDeliveriesRepository,
  OutcomeRow,
} from '../repositories/bulk-deliveries.repository.ts';

/** Everything recorded about one claimed message: its final state, its attempts, and the identity it found unreachable. */
export interface RecordedOutcome {
  readonly outcome: OutcomeRow;
  readonly attempts: AttemptRow[];
  readonly unreachableChat?: { chatExternalId: string; error: string };
}

interface Entry {
  readonly item: RecordedOutcome;
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * Write-behind recording for the bulk sender: outcomes handed in are written many at a time, one statement per flush
 * (BulkDeliveriesRepository.record). A flush starts as soon as the previous one ends (group commit: whatever arrived
 * meanwhile goes in the next), so there is no timer and no added latency when idle. `add` resolves once its outcome is
 * committed; `backlog` (handed in, not yet committed) is the sender's bound on the window of doubt.
 */
export class OutcomeRecorder {
  private pending: Entry[] = [];
  private flushing: Promise<void> | null = null;
  private inFlush = 0;
  /** The first failed flush's error (its outcomes are not recorded; their rows stay 'sending' until the lease ends). */
  error: unknown = null;

  constructor(
    private readonly repo: Pick<BulkDeliveriesRepository, 'record'>,
    private readonly channelId: string,
    /** Most outcomes per statement (bounds a statement's size; the rest wait for the next flush). */
    private readonly maxPerFlush = 500,
    /** A flush waits this long for more outcomes unless a full statement's worth is already waiting (0: next turn). */
    private readonly gatherMs = 0,
  ) {}

  /** Outcomes handed in and not yet committed. */
  get backlog(): number {
    return this.pending.length + this.inFlush;
  }

  /** Queues an outcome; resolves when it is committed, rejects when its flush failed. */
  add(item: RecordedOutcome): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (!this.flushing) this.flushing = this.loop();
    });
  }

  /** Resolves when everything handed in so far is committed (or failed). */
  async drained(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private async loop(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        // Outcomes settled meanwhile go in the same statement: the next turn of the event loop, or up to gatherMs.
        if (this.pending.length < this.maxPerFlush)
          await new Promise<void>((r) =>
            this.gatherMs > 0 ? setTimeout(r, this.gatherMs) : setImmediate(r),
          );
        const batch = this.pending.splice(0, this.maxPerFlush);
        this.inFlush = batch.length;
        try {
          await this.repo.record(
            this.channelId,
            batch.map((e) => e.item.outcome),
            batch.flatMap((e) => e.item.attempts),
            batch.flatMap((e) => (e.item.unreachableChat ? [e.item.unreachableChat] : [])),
          );
          for (const e of batch) e.resolve();
        } catch (err) {
          this.error ??= err;
          for (const e of batch) e.reject(err);
        } finally {
          this.inFlush = 0;
        }
      }
    } finally {
      this.flushing = null;
    }
  }
}
