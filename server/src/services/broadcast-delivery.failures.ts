/** When a broadcast is failing too much to go on: more than `share` failures among the last `window` outcomes. */
export interface FailureGuardOptions {
  readonly window: number;
  readonly share: number;
  /** No verdict on fewer outcomes than this: three failures among the first ten say little about a list of 100,000. */
  readonly minOutcomes: number;
}

export const DEFAULT_FAILURE_GUARD: FailureGuardOptions = Object.freeze({
  window: 500,
  share: 0.1,
  minOutcomes: 100,
});

/**
 * A sliding window of final outcomes (sent or failed; blocked recipients, skips, holds and retries are not the
 * broadcast's fault and are not counted), kept per run in a ring buffer.
 */
export class FailureGuard {
  private readonly ring: boolean[] = [];
  private next = 0;
  private failures = 0;

  constructor(private readonly opts: FailureGuardOptions = DEFAULT_FAILURE_GUARD) {}

  /** Adds an outcome; returns the reason to pause when the share is crossed, else null. */
  add(failed: boolean): string | null {
    if (this.ring.length < this.opts.window) this.ring.push(failed);
    else {
      if (this.ring[this.next]) this.failures -= 1;
      this.ring[this.next] = failed;
      this.next = (this.next + 1) % this.opts.window;
    }
    if (failed) this.failures += 1;
    const n = this.ring.length;
    if (n < Math.min(this.opts.minOutcomes, this.opts.window) || this.failures / n <= this.opts.share)
      return null;
    return `auto-paused: ${this.failures} of the last ${n} messages failed (more than ${Math.round(this.opts.share * 100)}%)`;
  }
}
