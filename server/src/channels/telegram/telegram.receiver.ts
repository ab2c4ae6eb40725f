import type { Channel } from '../../db/schema.ts';
import { safeEqual } from '../../lib/tokens.ts';
import type { Repos } from '../../repositories/index.ts';
import type { CallbackAnswer } from '../../services/callback-router.ts';
import type { ChannelsService } from '../../services/channels.service.ts';
import { inTransaction, type ServiceContext } from '../../services/context.ts';
import type { ReceiveService } from '../../services/receive.service.ts';
import { callTelegram, telegramApi } from './telegram.client.ts';
import { mapUpdate } from './telegram.incoming.ts';

/** The update kinds we ask Telegram for, on webhooks and getUpdates alike. */
export const ALLOWED_UPDATES = ['message', 'edited_message', 'callback_query', 'my_chat_member'] as const;

/** A Telegram update as it arrives: any object with an integer update_id. */
export type RawUpdate = { update_id: number } & Record<string, unknown>;

/**
 * Stores updates and queues their processing in the caller's transaction; redeliveries are no-ops.
 * One job queue per chat keeps a chat's updates in order (blocked then unblocked must not swap) while different
 * chats are processed in parallel: a single queue per bot measured ~6 updates/s, one per chat ~70/s (bench/telegram-receive.ts).
 */
export async function storeUpdates(r: Repos, channelId: string, updates: RawUpdate[]): Promise<number> {
  let stored = 0;
  for (const update of updates) {
    const id = await r.telegramUpdates.insert(channelId, update.update_id, update);
    if (id === null) continue;
    stored += 1;
    await r.jobs.add(
      'telegram.update_received',
      { id },
      { queueName: `telegram:${channelId}:${chatKey(update)}` },
    );
  }
  return stored;
}

/** The chat an update belongs to (the person, for button taps), so its updates share one ordered queue. */
function chatKey(update: RawUpdate): string {
  for (const kind of ['message', 'edited_message', 'my_chat_member'] as const) {
    const chat = (update[kind] as { chat?: { id?: unknown } } | undefined)?.chat?.id;
    if (typeof chat === 'number' || typeof chat === 'string') return String(chat);
  }
  const from = (update.callback_query as { from?: { id?: unknown } } | undefined)?.from?.id;
  return typeof from === 'number' || typeof from === 'string' ? String(from) : 'other';
}

/** What the webhook route should answer. */
export type WebhookOutcome = 'stored' | 'duplicate' | 'unauthorized' | 'unknown' | 'paused';

/** Telegram's receive side: accepting webhook deliveries and processing stored updates. */
export class TelegramReceiver {
  /** When this process last wrote a channel's last_update_at (ms): the health view needs it to the second, not per update. */
  private readonly markedAt = new Map<string, number>();

  constructor(
    private readonly ctx: ServiceContext,
    private readonly channels: ChannelsService,
    private readonly receive: ReceiveService,
  ) {}

  /** Checks the secret header, then stores the update and queues its processing in one transaction. */
  async acceptWebhook(
    channelId: string,
    secret: string | undefined,
    update: RawUpdate,
  ): Promise<WebhookOutcome> {
    const channel = await this.ctx.repos.channels.get(channelId);
    if (channel?.type !== 'telegram' || !channel.webhookSecretSealed) return 'unknown';
    const expected = this.ctx.secretBox.open(channel.webhookSecretSealed);
    if (secret === undefined || !safeEqual(secret, expected)) return 'unauthorized';
    if (channel.status !== 'active') return 'paused';
    const stored = await inTransaction(this.ctx, async (r) => {
      const n = await storeUpdates(r, channelId, [update]);
      if (n > 0 && this.shouldMark(channelId)) await r.channels.markUpdateReceived(channelId);
      return n;
    });
    return stored > 0 ? 'stored' : 'duplicate';
  }

  private shouldMark(channelId: string): boolean {
    const now = Date.now();
    if (now - (this.markedAt.get(channelId) ?? 0) < 1000) return false;
    this.markedAt.set(channelId, now);
    return true;
  }

  /**
   * Processes one stored update once: map, receive, mark processed, all in one transaction; then answers buttons.
   * On the job's last attempt a failure is written on the row and the channel's health before it is rethrown.
   */
  async process(rowId: number, opts: { lastAttempt?: boolean } = {}): Promise<void> {
    try {
      await this.processOnce(rowId);
    } catch (err) {
      if (opts.lastAttempt) {
        const message = err instanceof Error ? err.message : String(err);
        await this.ctx.repos.telegramUpdates.recordError(rowId, message);
      }
      throw err;
    }
  }

  private async processOnce(rowId: number): Promise<void> {
    const run = () =>
      inTransaction(this.ctx, async (r) => {
        const row = await r.telegramUpdates.claimForProcessing(rowId);
        if (!row) return null;
        const event = mapUpdate(row.payload);
        const result = event ? await this.receive.apply(r, row.channelId, event) : null;
        return { event, channelId: row.channelId, answer: result?.callbackAnswer };
      });
    let done: Awaited<ReturnType<typeof run>>;
    try {
      done = await run();
    } catch (err) {
      // Two updates of a new person processed at once both try to create the identity: the loser retries and finds it.
      if ((err as { code?: string }).code !== '23505') throw err;
      done = await run();
    }
    if (done?.event?.type === 'callback')
      await this.answerCallback(done.channelId, done.event.callbackQueryId, done.answer ?? {});
  }

  /**
   * Stops the button's spinner, showing the owner's answer (toast, or alert) if it gave one.
   * A failure is logged, not retried: Telegram refuses answers older than 15 minutes.
   */
  private async answerCallback(
    channelId: string,
    callbackQueryId: string,
    answer: CallbackAnswer,
  ): Promise<void> {
    const channel = await this.ctx.repos.channels.get(channelId);
    if (!channel?.secretSealed) return;
    // Telegram shows at most 200 characters of an answer.
    const text = answer.text ? answer.text.slice(0, 200) : undefined;
    const other = text ? { text, ...(answer.showAlert ? { show_alert: true } : {}) } : undefined;
    try {
      await callTelegram(() => this.api(channel).answerCallbackQuery(callbackQueryId, other));
    } catch (err) {
      this.ctx.log.warn({ err, channelId }, 'answerCallbackQuery failed');
    }
  }

  private api(channel: Channel) {
    return telegramApi(this.channels.tokenOf(channel), this.channels.apiRootOf(channel), {
      timeoutSeconds: 10,
    });
  }
}
