import type { Api } from 'grammy';
import { ChannelRejectedError } from '../channels/errors.ts';
import { type RateGate, TelegramAdapter } from '../channels/telegram/telegram.adapter.ts';
import { telegramApi } from '../channels/telegram/telegram.client.ts';
import { effectiveRatePerSecond } from '../channels/telegram/telegram.settings.ts';
import type { Channel } from '../db/schema.ts';
import type { FileStorage } from '../storage/file-storage.ts';
import type { ChannelsService } from './channels.service.ts';

/**
 * Telegram adapters per channel for the outbound path. The grammY Api (its token and HTTP agent) is cached per channel and
 * rebuilt when the sealed token or the API root changes (rotation); `forget` drops it when the channel is gone.
 */
export class TelegramAdapters {
  private readonly apis = new Map<string, { key: string; api: Api }>();

  constructor(
    private readonly channels: Pick<ChannelsService, 'tokenOf' | 'apiRootOf'>,
    private readonly limiter: RateGate,
    private readonly storage: () => FileStorage | null,
    private readonly apiFactory: typeof telegramApi = telegramApi,
  ) {}

  /** The adapter sending through this channel's bot at the given priority. */
  forChannel(channel: Channel, priority: 'interactive' | 'bulk'): TelegramAdapter {
    if (channel.type !== 'telegram' || !channel.secretSealed)
      throw new ChannelRejectedError(`channel ${channel.id} has no Telegram bot token`, 401, 'send');
    const root = this.channels.apiRootOf(channel);
    const key = `${channel.secretSealed ?? ''}|${root}`;
    let entry = this.apis.get(channel.id);
    if (!entry || entry.key !== key) {
      entry = { key, api: this.apiFactory(this.channels.tokenOf(channel), root) };
      this.apis.set(channel.id, entry);
    }
    return new TelegramAdapter(
      entry.api,
      this.limiter,
      channel.id,
      this.storage(),
      priority,
      effectiveRatePerSecond(channel.settings as Record<string, unknown>),
    );
  }

  /** Drops a deleted channel's client. */
  forget(channelId: string): void {
    this.apis.delete(channelId);
  }
}
