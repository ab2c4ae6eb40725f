import type { Logger } from 'pino';
import type { ChannelsService } from '../../services/channels.service.ts';
import { inTransaction, type ServiceContext } from '../../services/context.ts';
import { advisoryLockSession, ChannelLeases } from '../channel-leases.ts';
import { ChannelRejectedError } from '../errors.ts';
import { callTelegram, telegramApi } from './telegram.client.ts';
import { ALLOWED_UPDATES, type RawUpdate, storeUpdates } from './telegram.receiver.ts';

/** Timing of the pollers; tests shorten nothing, production may tune. */
export interface PollingOptions {
  /** How often each worker looks for channels nobody polls (bounds takeover after a crash). Default 2000 ms. */
  reconcileMs?: number;
  /** getUpdates long-poll timeout in seconds. Default 25. */
  timeoutSeconds?: number;
}

const MAX_BACKOFF_MS = 30_000;

/**
 * Long polling for every active polling-mode Telegram channel, exactly one process per bot.
 * The lease is ChannelLeases (channels/channel-leases.ts): a Postgres session advisory lock per channel, held on one
 * dedicated connection: if the process dies, its connection closes, the locks go with it, and another worker's next
 * reconcile takes the bot over.
 * Updates and the advanced offset commit in one transaction, so a restart neither loses nor repeats an update.
 */
export class TelegramPolling {
  private readonly leases: ChannelLeases;
  private readonly counts = { stored: 0, duplicates: 0 };
  private readonly log: Logger;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly channels: ChannelsService,
    databaseUrl: string,
    private readonly opts: PollingOptions = {},
  ) {
    this.log = ctx.log.child({ component: 'telegram-polling' });
    this.leases = new ChannelLeases({
      prefix: 'telegram.poll',
      reconcileMs: opts.reconcileMs ?? 2000,
      wanted: async () => (await ctx.repos.channels.listPolling()).map((c) => ({ id: c.id })),
      run: (id, signal) => this.poll(id, signal),
      log: this.log,
      messages: {
        started: 'polling Telegram',
        died: 'poller died',
        reconcileFailed: 'polling reconcile failed',
        lost: 'polling lease connection lost; stopping pollers',
      },
      connect: advisoryLockSession(databaseUrl, 'switchboard-poll-lease'),
    });
  }

  /** Updates this process fetched and stored, fetched again although already stored (should stay 0), and passes done. */
  get stats(): { stored: number; duplicates: number; reconciles: number } {
    return { ...this.counts, reconciles: this.leases.reconciles };
  }

  /** Channel ids this process polls now. */
  get polling(): string[] {
    return this.leases.holding;
  }

  async start(): Promise<void> {
    await this.leases.start();
  }

  /** Stops every poller (aborting its long poll), then releases the locks by closing their connection. */
  async stop(): Promise<void> {
    await this.leases.stop();
  }

  /** One bot's loop: getUpdates from the stored offset, store and advance in one transaction, repeat. */
  private async poll(channelId: string, signal: AbortSignal): Promise<void> {
    const timeout = this.opts.timeoutSeconds ?? 25;
    let failures = 0;
    while (!signal.aborted) {
      const channel = await this.ctx.repos.channels.get(channelId);
      if (channel?.status !== 'active' || channel.mode !== 'polling' || !channel.secretSealed) return;
      const api = telegramApi(this.channels.tokenOf(channel), this.channels.apiRootOf(channel), {
        timeoutSeconds: timeout + 15,
      });
      try {
        const updates = await callTelegram(() =>
          api.getUpdates(
            { offset: channel.pollOffset ?? undefined, timeout, allowed_updates: [...ALLOWED_UPDATES] },
            // grammY types the signal with the abort-controller polyfill; Node's native one is what it uses at run time.
            signal as never,
          ),
        );
        if (signal.aborted) return;
        if (updates.length > 0) {
          const next = Math.max(...updates.map((u) => u.update_id)) + 1;
          const stored = await inTransaction(this.ctx, async (r) => {
            const n = await storeUpdates(r, channelId, updates as unknown as RawUpdate[]);
            await r.channels.advancePollOffset(channelId, next);
            return n;
          });
          this.counts.stored += stored;
          this.counts.duplicates += updates.length - stored;
        }
        failures = 0;
      } catch (err) {
        if (signal.aborted) return;
        if (
          err instanceof ChannelRejectedError &&
          err.errorCode === 409 &&
          /webhook is active/.test(err.description)
        ) {
          // Left over from webhook mode: polling needs it gone (pending updates are kept). Re-read first: if the
          // channel just switched to webhook mode, this webhook is the new one and must stay.
          const now = await this.ctx.repos.channels.get(channelId);
          if (now?.status === 'active' && now.mode === 'polling')
            await callTelegram(() => api.deleteWebhook({ drop_pending_updates: false })).catch(() => {});
          continue;
        }
        failures += 1;
        const message = err instanceof Error ? err.message : String(err);
        this.log.warn({ channelId, err: message, failures }, 'getUpdates failed');
        await this.ctx.repos.channels.recordError(channelId, `getUpdates: ${message}`).catch(() => {});
        await sleep(Math.min(MAX_BACKOFF_MS, 500 * 2 ** failures) * (0.5 + Math.random() / 2), signal);
      }
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}
