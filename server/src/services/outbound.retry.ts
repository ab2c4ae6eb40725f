/** When a send that Telegram could not take (5xx, network, timeout) is tried again, and when it is given up. */
export interface RetryPolicy {
  /** The first retry waits up to this long; each further one doubles the ceiling. */
  readonly baseMs: number;
  /** No retry waits longer than this. */
  readonly capMs: number;
  /** Attempts (the first included) before the message is marked failed. */
  readonly maxAttempts: number;
}

/** 2 s, 4 s, 8 s, 16 s, 32 s ceilings: six attempts spread over about a minute, then failed. */
export const DEFAULT_RETRY: RetryPolicy = Object.freeze({ baseMs: 2_000, capMs: 5 * 60_000, maxAttempts: 6 });

/**
 * Exponential backoff with full jitter (a uniform wait between 0 and the ceiling): after an outage every worker's retries
 * spread out instead of arriving together. `attempt` is the number of the attempt that just failed (1 for the first).
 */
export function backoffMs(
  attempt: number,
  policy: RetryPolicy = DEFAULT_RETRY,
  random = Math.random,
): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}
