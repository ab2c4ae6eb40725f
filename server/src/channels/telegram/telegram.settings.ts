import type { FieldProblem } from '../../lib/errors.ts';
import { DEFAULT_RATE_POLICY } from './telegram.limiter.ts';

/** Telegram's documented ceiling for a bot's broadcasts, and the one with paid broadcasts enabled (Stars). */
export const FREE_MAX_PER_SECOND = 30;
export const PAID_MAX_PER_SECOND = 1000;

/** The keys a Telegram channel's `settings` may hold; anything else is refused so a typo never silently does nothing. */
export const TELEGRAM_SETTING_KEYS = [
  'rateLimitPerSecond',
  'paidBroadcasts',
  'settingsCommand',
  'stopCommand',
] as const;

/** Telegram's rule for command names: 1–32 lowercase letters, digits and underscores. */
const COMMAND_NAME = /^[a-z0-9_]{1,32}$/;

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
  for (const key of ['settingsCommand', 'stopCommand'] as const) {
    const name = settings[key];
    if (name === undefined) continue;
    if (typeof name !== 'string' || !COMMAND_NAME.test(name))
      problems.push({
        path: `/settings/${key}`,
        message: 'must be a command name without the slash: 1–32 lowercase letters, digits or underscores',
      });
    else if (name === 'start')
      problems.push({ path: `/settings/${key}`, message: '"start" belongs to Telegram (it opens the chat)' });
  }
  const names = preferenceCommandNames(settings);
  if (names.settings === names.stop)
    problems.push({
      path: settings.stopCommand !== undefined ? '/settings/stopCommand' : '/settings/settingsCommand',
      message: 'the settings and stop commands must differ',
    });
  return problems;
}

/** The commands customers send for their notification preferences (services/preference-commands.ts), defaults filled in. */
export function preferenceCommandNames(settings: Record<string, unknown>): {
  settings: string;
  stop: string;
} {
  const name = (v: unknown, fallback: string) =>
    typeof v === 'string' && COMMAND_NAME.test(v) ? v : fallback;
  return { settings: name(settings.settingsCommand, 'settings'), stop: name(settings.stopCommand, 'stop') };
}

/** The sending rate the limiter applies; mirrors telegram_rate_acquire_many() (migration 0033), which also clamps stored values. */
export function effectiveRatePerSecond(
  settings: Record<string, unknown>,
  defaultPerSecond: number = DEFAULT_RATE_POLICY.defaultPerSecond,
): number {
  const configured = settings.rateLimitPerSecond;
  const rate = typeof configured === 'number' && Number.isFinite(configured) ? configured : defaultPerSecond;
  const max = settings.paidBroadcasts === true ? PAID_MAX_PER_SECOND : FREE_MAX_PER_SECOND;
  return Math.min(Math.max(rate, 1), max);
}
