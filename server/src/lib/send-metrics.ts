import type { AttemptOutcome } from '../db/schema.ts';

/**
 * What the send path reports for metrics, without knowing Prometheus. app.ts puts the real one (lib/metrics.ts) on the
 * service context as `ctx.sendMetrics`; code built without it (unit tests, benches) uses `noSendMetrics`.
 */
export interface SendMetrics {
  /** One call per delivery attempt, with the outcome recorded in delivery_attempts ('sent', 'rejected', 'unavailable', …). */
  attempt(channelType: string, outcome: AttemptOutcome): void;
  /** A bot was paused after a 429 (wired to TelegramLimiter's `onPause`; the limiter calls it, senders need not). */
  telegramPaused(channelId: string, seconds: number): void;
}

export const noSendMetrics: SendMetrics = Object.freeze({
  attempt() {},
  telegramPaused() {},
});
