import type { FieldProblem } from '../../lib/errors.ts';
import { DEFAULT_RATE_POLICY } from './telegram.limiter.ts';

/** Telegram's documented ceiling for a bot's broadcasts, and the one with paid broadcasts enabled (Stars). */
export const FREE_MAX_PER_SECOND = 30;
export const PAID_MAX_PER_SECOND = 1000;

/** The keys a Telegram channel's `settings` may hold; anything else is refused so a typo never silently does nothing. */
export const TELEGRAM_SETTING_KEYS = ['rateLimitPerSecond', 'paidBroadcasts'] as const;

/**
 * Checks a Telegram channel's whole `settings` object (PATCH replaces it, so the pair is always checked together).
 * Returns every problem with its JSON path under the body, empty when valid.
 */
export function checkTelegramSettings(settings: Record<string, unknown>): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const key of Object.keys(settings))
    if (!(TELEGRAM_SETTING_KEYS as readonly string[]).includes(key))
      problems.push({
        path: `/settings/${key}`,
        message: `unknown setting for a Telegram channel; known settings: ${TELEGRAM_SETTING_KEYS.join(', ')}`,
      });
  const paid = settings.paidBroadcasts;
  if (paid !== undefined && typeof paid !== 'boolean')
    problems.push({ path: '/settings/paidBroadcasts', message: 'must be true or false' });
  const rate = settings.rateLimitPerSecond;
  if (rate !== undefined) {
    const max = paid === true ? PAID_MAX_PER_SECOND : FREE_MAX_PER_SECOND;
    if (typeof rate !== 'number' || !Number.isInteger(rate) || rate < 1)
      problems.push({
        path: '/settings/rateLimitPerSecond',
        message: `must be a whole number of messages per second from 1 to ${max}`,
      });
    else if (rate > max)
      problems.push({
        path: '/settings/rateLimitPerSecond',
        message:
          paid === true
            ? `must be at most ${PAID_MAX_PER_SECOND} (Telegram's ceiling with paid broadcasts)`
            : `must be at most ${FREE_MAX_PER_SECOND}: Telegram allows more only with paid broadcasts; set paidBroadcasts: true to go up to ${PAID_MAX_PER_SECOND}`,
      });
  }
  return problems;
}

/** The sending rate the limiter applies; mirrors telegram_rate_acquire() (migration 0006), which also clamps stored values. */
export function effectiveRatePerSecond(
  settings: Record<string, unknown>,
  defaultPerSecond: number = DEFAULT_RATE_POLICY.defaultPerSecond,
): number {
  const configured = settings.rateLimitPerSecond;
  const rate = typeof configured === 'number' && Number.isFinite(configured) ? configured : defaultPerSecond;
  const max = settings.paidBroadcasts === true ? PAID_MAX_PER_SECOND : FREE_MAX_PER_SECOND;
  return Math.min(Math.max(rate, 1), max);
}
