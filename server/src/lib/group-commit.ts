interface Entry<T> {
  readonly item: T;
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * Write-behind with group commit: items handed in are written many per call of `write` (one statement), and a flush starts
 * as soon as the previous one ends, so whatever arrived meanwhile goes in the next; there is no timer and no added latency
 * when idle (past `gatherMs`). `add` resolves once its item is written and rejects if its flush failed; `backlog` (handed
 * in, not yet written) is what a crash could lose, so callers bound it. Used by the bulk sender and the broadcast delivery
 * manager to record send outcomes.
 */
export class GroupCommitWriter<T> {
  private pending: Entry<T>[] = [];
  private flushing: Promise<void> | null = null;
  private inFlush = 0;
  /** The first failed flush's error (its items are not written). */
  error: unknown = null;

  constructor(
    private readonly write: (batch: T[]) => Promise<unknown>,
    private readonly opts: {
      /** Most items per call (bounds a statement's size; the rest wait for the next flush). */
      maxPerFlush: number;
      /** A flush waits this long for more items unless a full batch is already waiting (0: the next turn). */
      gatherMs: number;
    },
  ) {}

  /** Items handed in and not yet written. */
  get backlog(): number {
    return this.pending.length + this.inFlush;
  }

  /** Queues an item; resolves when it is written, rejects when its flush failed. */
  add(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (!this.flushing) this.flushing = this.loop();
    });
  }

  /** Resolves when everything handed in so far is written (or failed). */
  async drained(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private async loop(): Promise<void> {
    const { maxPerFlush, gatherMs } = this.opts;
    try {
      while (this.pending.length > 0) {
        if (this.pending.length < maxPerFlush)
          await new Promise<void>((r) => (gatherMs > 0 ? setTimeout(r, gatherMs) : setImmediate(r)));
        const batch = this.pending.splice(0, maxPerFlush);
        this.inFlush = batch.length;
        try {
          await this.write(batch.map((e) => e.item));
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
