import type { Clock } from './clock.ts';

/**
 * Token buckets keyed by caller: `capacity` tokens, refilled continuously at capacity per minute.
 * In memory, per process (like most API gateways): with N api processes a caller gets up to N× the rate.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly clock: Clock) {}

  /** Takes one token; returns 0 when allowed, else the seconds until one is available. */
  take(key: string, perMinute: number): number {
    const now = this.clock.now().getTime();
    const b = this.buckets.get(key) ?? { tokens: perMinute, at: now };
    // A clock stepping backwards (NTP) must not drain the bucket nor refill it twice later.
    b.tokens = Math.min(perMinute, b.tokens + (Math.max(0, now - b.at) / 60_000) * perMinute);
    b.at = Math.max(b.at, now);
    this.buckets.set(key, b);
    if (this.buckets.size > 100_000) this.sweep(now);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    // The epsilon keeps float noise (20.000000000000004) from adding a second; a refusal always waits at least 1 s.
    return Math.max(1, Math.ceil(((1 - b.tokens) / perMinute) * 60 - 1e-9));
  }

  /** Forgets buckets that have been full for a while, so memory stays bounded. */
  private sweep(now: number): void {
    for (const [k, b] of this.buckets) if (now - b.at > 120_000) this.buckets.delete(k);
  }
}
