import type { Channel } from '../../db/schema.ts';
import { safeEqual } from '../../lib/tokens.ts';
import type { Repos } from '../../repositories/index.ts';
import type { UpdateRoute } from '../../repositories/telegram-updates.repository.ts';
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
 * How many drain queues a channel's chats are spread over: a chat's updates always go to the same one (its order holds),
 * while up to this many drains of one bot run in parallel. One queue per bot measured ~6 updates/s when every update was
 * a job of its own; with drains the cost of a queue is paid per batch, not per update.
 */
export const DRAIN_SHARDS = 8;

/**
 * Stores updates and wakes their shards' drains, in the caller's transaction or, for one update, as one statement of its
 * own; redeliveries are no-ops. See TelegramUpdatesRepository.store for why coalescing loses nothing.
 */
export async function storeUpdates(r: Repos, channelId: string, updates: RawUpdate[]): Promise<number> {
  let stored = 0;
  for (const update of updates) {
    const id = await r.telegramUpdates.store(channelId, update.update_id, update, routeOf(update));
    if (id !== null) stored += 1;
  }
  return stored;
}

/** The chat an update belongs to (the person, for button taps) and the drain shard that owns the chat. */
export function routeOf(update: RawUpdate): UpdateRoute {
  const chatKey = chatKeyOf(update);
  return { chatKey, shard: shardOf(chatKey) };
}

function chatKeyOf(update: RawUpdate): string {
  for (const kind of ['message', 'edited_message', 'my_chat_member'] as const) {
    const chat = (update[kind] as { chat?: { id?: unknown } } | undefined)?.chat?.id;
    if (typeof chat === 'number' || typeof chat === 'string') return String(chat);
  }
  const from = (update.callback_query as { from?: { id?: unknown } } | undefined)?.from?.id;
  return typeof from === 'number' || typeof from === 'string' ? String(from) : 'other';
}

/** FNV-1a over the chat key: stable across processes and releases (a stored row keeps its shard). */
function shardOf(chatKey: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < chatKey.length; i++) {
    h ^= chatKey.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % DRAIN_SHARDS;
}

/** What the webhook route should answer. */
export type WebhookOutcome = 'stored' | 'duplicate' | 'unauthorized' | 'unknown' | 'paused';

/** Telegram's receive side: accepting webhook deliveries and processing stored updates. */
export class TelegramReceiver {
  /** When this process last wrote a channel's last_update_at (ms): the health view needs it to the second, not per update. */
  private readonly markedAt = new Map<string, number>();
  /** Per channel, the webhook secret this process last verified a request against, opened, with its sealed form. */
  private readonly webhookSecrets = new Map<string, { sealed: string; secret: string }>();

  constructor(
    private readonly ctx: ServiceContext,
    private readonly channels: ChannelsService,
    private readonly receive: ReceiveService,
  ) {}

  /**
   * Checks the secret header, then stores the update and wakes its drain. The usual request is ONE statement: the secret
   * is checked against the one this process last verified for the channel (kept opened, with its sealed form), and the
   * statement stores only while the channel is still active with that same sealed secret (storeIfAccepted), returning
   * the current row otherwise; then the channel is read and checked afresh, as on the first request.
   */
  async acceptWebhook(
    channelId: string,
    secret: string | undefined,
    update: RawUpdate,
  ): Promise<WebhookOutcome> {
    if (secret === undefined) return (await this.checkChannel(channelId, secret)).outcome;
    const known = this.webhookSecrets.get(channelId);
    let sealed = known && safeEqual(secret, known.secret) ? known.sealed : null;
    if (sealed === null) {
      const checked = await this.checkChannel(channelId, secret);
      if (checked.outcome !== 'stored') return checked.outcome;
      sealed = checked.sealed;
    }
    // The health view's "last update" (to the second): Telegram reached us with a secret verified for this channel,
    // whether or not the update is new. Written first, so the answer follows the store at once.
    if (this.shouldMark(channelId)) await this.ctx.repos.channels.markUpdateReceived(channelId);
    const repo = this.ctx.repos.telegramUpdates;
    let result = await repo.storeIfAccepted(channelId, sealed, update.update_id, update, routeOf(update));
    if (result && result.id === null && result.sealed !== sealed) {
      // The secret changed since it was verified here: verify again against the current one, and store if it matches.
      const checked = await this.checkChannel(channelId, secret);
      if (checked.outcome !== 'stored') return checked.outcome;
      result = await repo.storeIfAccepted(
        channelId,
        checked.sealed,
        update.update_id,
        update,
        routeOf(update),
      );
    }
    if (!result || result.sealed === null) return 'unknown';
    if (result.status !== 'active') return 'paused';
    return result.id !== null ? 'stored' : 'duplicate';
  }

  /** Reads the channel and checks a request's secret against it; remembers the verified secret (see acceptWebhook). */
  private async checkChannel(
    channelId: string,
    secret: string | undefined,
  ): Promise<{ outcome: Exclude<WebhookOutcome, 'duplicate'>; sealed: string }> {
    const channel = await this.ctx.repos.channels.get(channelId);
    if (channel?.type !== 'telegram' || !channel.webhookSecretSealed)
      return { outcome: 'unknown', sealed: '' };
    const sealed = channel.webhookSecretSealed;
    const expected = this.ctx.secretBox.open(sealed);
    if (secret === undefined || !safeEqual(secret, expected)) return { outcome: 'unauthorized', sealed };
    this.webhookSecrets.set(channelId, { sealed, secret: expected });
    if (channel.status !== 'active') return { outcome: 'paused', sealed };
    return { outcome: 'stored', sealed };
  }

  private shouldMark(channelId: string): boolean {
    const now = Date.now();
    if (now - (this.markedAt.get(channelId) ?? 0) < 1000) return false;
    this.markedAt.set(channelId, now);
    return true;
  }

  /**
   * Processes one stored update once: map, receive, mark processed, all in one transaction; then answers buttons.
   * The per-update job of updates stored before the drains (migration 0032) runs this. On the job's last attempt a failure is written on the row and the channel's health before it is rethrown.
   */
  async process(rowId: number, opts: { lastAttempt?: boolean } = {}): Promise<void> {
    try {
      await this.processStored(rowId);
    } catch (err) {
      if (opts.lastAttempt) {
        const message = err instanceof Error ? err.message : String(err);
        await this.ctx.repos.telegramUpdates.recordError(rowId, message);
      }
      throw err;
    }
  }

  /**
   * Processes one stored update if it is still unprocessed (map, receive, mark processed, in one transaction), then
   * answers a button tap. Returns false when there was nothing to do (processed already). Throws what processing threw.
   */
  async processStored(rowId: number): Promise<boolean> {
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
    return done !== null;
  }

  /**
   * Processes the next pending updates of one drain shard (at most `limit`) in ONE transaction: claimed and marked
   * together, applied in arrival order (ReceiveService.applyMany: plain messages set-based), committed once, then button
   * taps answered. Returns how many were claimed (0: the
   * shard is drained). One commit per batch instead of per update saves its begin, claim and commit round trips and a WAL
   * flush each. Any failure rolls the whole batch back (nothing of it happened, marks included) and is rethrown: the drain
   * then goes through the same updates one at a time (processStored) to isolate the failing one.
   */
  async processBatch(channelId: string, shard: number, limit: number): Promise<number> {
    const done = await inTransaction(this.ctx, async (r) => {
      const rows = await r.telegramUpdates.claimPending(channelId, shard, limit);
      // Updates we ignore map to null; the rest are received together (set-based for plain messages), in order.
      const events = rows.map((row) => mapUpdate(row.payload)).filter((e) => e !== null);
      const results = await this.receive.applyMany(r, channelId, events);
      const taps: { callbackQueryId: string; answer: CallbackAnswer }[] = [];
      events.forEach((event, k) => {
        if (event.type === 'callback')
          taps.push({ callbackQueryId: event.callbackQueryId, answer: results[k]?.callbackAnswer ?? {} });
      });
      return { claimed: rows.length, taps };
    });
    for (const tap of done.taps) await this.answerCallback(channelId, tap.callbackQueryId, tap.answer);
    return done.claimed;
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
