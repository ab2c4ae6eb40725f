import type { ChannelHealth } from './types.ts';

export type HealthVerdict = 'ok' | 'paused' | 'rateLimited' | 'problem';

/**
 * One word for a channel's health, worst first: paused by an admin; a 429 pause from Telegram still running; a receiving
 * problem (the webhook's last error, getWebhookInfo failing, no poller holding the bot, updates that gave up); else ok.
 * A last error older than the last update received is history, not a problem now.
 */
export function healthVerdict(h: ChannelHealth, now = Date.now()): HealthVerdict {
  if (h.status === 'paused') return 'paused';
  if (h.sending.pausedUntil && Date.parse(h.sending.pausedUntil) > now) return 'rateLimited';
  const errorIsCurrent =
    h.lastError !== null &&
    (!h.lastUpdateAt || !h.lastErrorAt || Date.parse(h.lastErrorAt) >= Date.parse(h.lastUpdateAt));
  // Telegram keeps reporting a webhook's last error after it recovered; an update received since then settles it.
  const webhookErrorIsCurrent =
    h.webhook?.lastErrorMessage != null &&
    (!h.lastUpdateAt || !h.webhook.lastErrorDate || h.webhook.lastErrorDate >= h.lastUpdateAt);
  const webhookBroken =
    h.mode === 'webhook' && (h.webhookInfoError !== null || h.webhook?.url === '' || webhookErrorIsCurrent);
  const pollerMissing = h.mode === 'polling' && h.polling !== null && h.polling.lease === null;
  if (errorIsCurrent || webhookBroken || pollerMissing || h.updates.lastProcessingError) return 'problem';
  return 'ok';
}
