import { ChannelRejectedError, ChannelUnavailableError } from '../channels/errors.ts';
import type { AttemptOutcome } from '../db/schema.ts';
import { backoffMs, type RetryPolicy } from './outbound.retry.ts';

/**
 * What a failed send means for the message, the same for the per-message job and the bulk sender (docs/architecture.md,
 * "Retries and failures"): `fail` for good (the identity too when `unreachable`), `retry` later, or `internal` (our own error).
 */
export type FailureVerdict =
  | {
      readonly action: 'fail';
      readonly outcome: AttemptOutcome;
      readonly errorCode: number | null;
      readonly description: string;
      /** Blocked, deactivated, chat not found: the private chat's identity becomes unreachable. */
      readonly unreachable: boolean;
    }
  | {
      readonly action: 'retry';
      readonly outcome: AttemptOutcome;
      readonly errorCode: number | null;
      readonly description: string;
      /** The message's error while it waits ("retrying: …"). */
      readonly reason: string;
      readonly delayMs: number;
    }
  | { readonly action: 'internal' };

/**
 * Classifies a send failure. `priorRetries` counts the message's earlier retryable attempts (unavailable, rate limited); it
 * matters only for ChannelUnavailableError, so callers may pass 0 otherwise (see `needsRetryCount`).
 */
export function judgeFailure(err: unknown, priorRetries: number, retry: RetryPolicy): FailureVerdict {
  if (err instanceof ChannelRejectedError)
    return {
      action: 'fail',
      outcome: err.recipientUnreachable ? 'unreachable' : 'rejected',
      errorCode: err.errorCode,
      description: err.description,
      unreachable: err.recipientUnreachable,
    };
  if (err instanceof ChannelUnavailableError) {
    const outcome: AttemptOutcome = err.errorCode === 429 ? 'rate_limited' : 'unavailable';
    const attempt = priorRetries + 1;
    if (attempt >= retry.maxAttempts)
      return {
        action: 'fail',
        outcome,
        errorCode: err.errorCode,
        description: `gave up after ${attempt} attempts: ${err.message}`,
        unreachable: false,
      };
    return {
      action: 'retry',
      outcome,
      errorCode: err.errorCode,
      description: err.message,
      reason: `retrying: ${err.message}`,
      delayMs: backoffMs(attempt, retry),
    };
  }
  return { action: 'internal' };
}

/** Whether judgeFailure needs the count of earlier retryable attempts for this error. */
export function needsRetryCount(err: unknown): boolean {
  return err instanceof ChannelUnavailableError;
}

/** Outcomes that count toward the retry limit. */
export const RETRYABLE_OUTCOMES: AttemptOutcome[] = ['unavailable', 'rate_limited'];

/** The reason shown for a message whose run died mid-request (the window of doubt). */
export function interruptedReason(part = ''): string {
  return `interrupted while sending${part}; it may have reached the recipient, so it was not sent again automatically`;
}

/** The reason shown for a message to an identity already known to be unreachable (no request is made). */
export function unreachableReason(lastError: string | null): string {
  return `not sent: the recipient is unreachable (${lastError ?? 'blocked the bot'})`;
}
