import type { ChannelsService } from '../../services/channels.service.ts';
import type { ServiceContext } from '../../services/context.ts';
import { callTelegram, telegramApi } from './telegram.client.ts';
import { ALLOWED_UPDATES } from './telegram.receiver.ts';

/** The URL Telegram posts a channel's updates to. */
export function webhookUrl(publicUrl: string, channelId: string): string {
  return `${publicUrl}/webhooks/telegram/${channelId}`;
}

/**
 * Brings Telegram's webhook in line with the channel row: set while active in webhook mode, deleted otherwise.
 * Runs as a job (queued with the channel change) so a slow Telegram never holds a request, and failures retry.
 * deleteWebhook keeps pending updates: pausing must not lose what people said meanwhile.
 */
export class TelegramWebhooks {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly channels: ChannelsService,
  ) {}

  async sync(channelId: string): Promise<'set' | 'deleted' | 'skipped'> {
    const channel = await this.ctx.repos.channels.get(channelId);
    if (channel?.type !== 'telegram' || !channel.secretSealed) return 'skipped';
    const api = telegramApi(this.channels.tokenOf(channel), this.channels.apiRootOf(channel), {
      timeoutSeconds: 15,
    });
    if (channel.status === 'active' && channel.mode === 'webhook' && channel.webhookSecretSealed) {
      await callTelegram(() =>
        api.setWebhook(webhookUrl(this.ctx.config.publicUrl, channel.id), {
          secret_token: this.ctx.secretBox.open(channel.webhookSecretSealed!),
          allowed_updates: [...ALLOWED_UPDATES],
          drop_pending_updates: false,
        }),
      );
      return 'set';
    }
    await callTelegram(() => api.deleteWebhook({ drop_pending_updates: false }));
    return 'deleted';
  }
}
