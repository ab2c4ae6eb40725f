import type { WebhookInfo } from 'grammy/types';
import { redactBotToken } from '../channels/errors.ts';
import { callTelegram, telegramApi } from '../channels/telegram/telegram.client.ts';
import { DEFAULT_RATE_POLICY } from '../channels/telegram/telegram.limiter.ts';
import { effectiveRatePerSecond } from '../channels/telegram/telegram.settings.ts';
import type { Channel } from '../db/schema.ts';
import { NotFoundError } from '../lib/errors.ts';
import type { PollLeaseHolder, UpdateBacklog } from '../repositories/channel-health.repository.ts';
import type { RateState } from '../repositories/telegram-rate.repository.ts';
import type { ChannelsService } from './channels.service.ts';
import type { ServiceContext } from './context.ts';

/** A health view must answer even when Telegram does not: getWebhookInfo gets this long, then the view says why it has none. */
const WEBHOOK_INFO_TIMEOUT_SECONDS = 5;

/** What Telegram says about the webhook (getWebhookInfo), in our naming. */
export interface WebhookHealth {
  url: string;
  pendingUpdateCount: number;
  lastErrorDate: Date | null;
  lastErrorMessage: string | null;
  maxConnections: number | null;
}

/** Everything the channel health view shows; see docs/api.md "Channel health". */
export interface ChannelHealth {
  channel: Channel;
  updates: UpdateBacklog;
  /** Webhook mode only; null with `webhookInfoError` set when Telegram could not be asked. */
  webhook: WebhookHealth | null;
  webhookInfoError: string | null;
  /** Polling mode only. */
  polling: { offset: number | null; lease: PollLeaseHolder | null } | null;
  sending: RateState & { rateLimitPerSecond: number; paidBroadcasts: boolean };
  checkedAt: Date;
}

/** The channel health view: receiving (updates, webhook or poller) and sending (rate budget, 429 pause) in one read. */
export class ChannelHealthService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly channels: ChannelsService,
    /** The Bot API factory; tests may swap it. */
    private readonly api: typeof telegramApi = telegramApi,
  ) {}

  async get(channelId: string): Promise<ChannelHealth> {
    const channel = await this.ctx.repos.channels.get(channelId);
    if (!channel) throw new NotFoundError('Channel', channelId);
    const { repos } = this.ctx;
    const [updates, rate, webhook, lease] = await Promise.all([
      repos.channelHealth.updateBacklog(channelId),
      repos.telegramRate.state(channelId),
      channel.mode === 'webhook' ? this.webhookInfo(channel) : null,
      channel.mode === 'polling' ? repos.channelHealth.pollLeaseHolder(channelId) : null,
    ]);
    const settings = channel.settings ?? {};
    return {
      channel,
      updates,
      webhook: webhook?.info ?? null,
      webhookInfoError: webhook?.error ?? null,
      polling: channel.mode === 'polling' ? { offset: channel.pollOffset, lease } : null,
      sending: {
        ...rate,
        rateLimitPerSecond: effectiveRatePerSecond(settings, DEFAULT_RATE_POLICY.defaultPerSecond),
        paidBroadcasts: settings.paidBroadcasts === true,
      },
      checkedAt: new Date(),
    };
  }

  /** Never throws: a Telegram failure (down, slow, token revoked) is part of the health it reports. */
  private async webhookInfo(channel: Channel): Promise<{ info?: WebhookHealth; error?: string }> {
    if (!channel.secretSealed) return { error: 'the channel has no bot token' };
    try {
      const api = this.api(this.channels.tokenOf(channel), this.channels.apiRootOf(channel), {
        timeoutSeconds: WEBHOOK_INFO_TIMEOUT_SECONDS,
      });
      return { info: webhookHealth(await callTelegram(() => api.getWebhookInfo())) };
    } catch (err) {
      return {
        error: redactBotToken(`getWebhookInfo failed: ${err instanceof Error ? err.message : String(err)}`),
      };
    }
  }
}

function webhookHealth(info: WebhookInfo): WebhookHealth {
  return {
    url: info.url ?? '',
    pendingUpdateCount: info.pending_update_count,
    lastErrorDate: info.last_error_date ? new Date(info.last_error_date * 1000) : null,
    lastErrorMessage: info.last_error_message ?? null,
    maxConnections: info.max_connections ?? null,
  };
}
