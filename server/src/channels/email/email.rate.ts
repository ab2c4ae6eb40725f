import type { Clock } from '../../lib/clock.ts';

/**
 * Messages per second to one SMTP server: a token bucket holding one second's worth (the burst), refilled continuously.
 * In memory and per process, like listmonk's per-server rate: with N worker processes a server sees up to N× the rate.
 * lib/token-bucket.ts is per minute and answers in whole seconds (an API throttle); sending needs millisecond waits.
 */
export class SendRateLimiter {
  private tokens: number;
  private at: number;

  constructor(
    readonly perSecond: number,
    private readonly clock: Clock,
    private readonly sleep: (ms: number) => Promise<void> = (ms) =>
      new Promise((resolve) => setTimeout(resolve, ms)),
  ) {
    if (!(perSecond > 0)) throw new Error(`rate must be positive, got ${perSecond}`);
    this.tokens = this.capacity;
    this.at = clock.now().getTime();
  }

  /** The burst: one second's worth, at least one message. */
  get capacity(): number {
    return Math.max(1, this.perSecond);
  }

  /** Takes a token when one is there (returns 0), else returns the milliseconds until one will be. */
  tryTake(): number {
    const now = this.clock.now().getTime();
    // A clock stepping backwards (NTP) must neither drain the bucket nor refill it twice later.
    this.tokens = Math.min(this.capacity, this.tokens + (Math.max(0, now - this.at) / 1000) * this.perSecond);
    this.at = Math.max(this.at, now);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil(((1 - this.tokens) / this.perSecond) * 1000));
  }

  /** Waits for a token. Callers queue in no particular order; each one gets a token before it sends. */
  async acquire(): Promise<void> {
    for (;;) {
      const waitMs = this.tryTake();
      if (waitMs === 0) return;
      await this.sleep(waitMs);
    }
  }
}
