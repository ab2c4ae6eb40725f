import pg from 'pg';
import type { Logger } from 'pino';
import type { ChannelsService } from '../../services/channels.service.ts';
import { inTransaction, type ServiceContext } from '../../services/context.ts';
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
 * The lease is a Postgres session advisory lock per channel, held on one dedicated connection: if the process
 * dies, its connection closes, the locks go with it, and another worker's next reconcile takes the bot over.
 * Updates and the advanced offset commit in one transaction, so a restart neither loses nor repeats an update.
 */
export class TelegramPolling {
  private lockClient: pg.Client | null = null;
  private readonly pollers = new Map<
    string,
    { abort: AbortController; done: Promise<void>; finished: boolean }
  >();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private readonly log: Logger;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly channels: ChannelsService,
    private readonly databaseUrl: string,
    private readonly opts: PollingOptions = {},
  ) {
    this.log = ctx.log.child({ component: 'telegram-polling' });
  }

  /** Updates this process fetched and stored, and fetched again although already stored (should stay 0). */
  readonly stats = { stored: 0, duplicates: 0, reconciles: 0 };

  /** Channel ids this process polls now. */
  get polling(): string[] {
    return [...this.pollers.keys()];
  }

  async start(): Promise<void> {
    await this.tick();
  }

  /** Stops every poller (aborting its long poll), then releases the locks by closing their connection. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    await Promise.all([...this.pollers.keys()].map((id) => this.stopPoller(id)));
    await this.lockClient?.end().catch(() => {});
    this.lockClient = null;
  }

  private async tick(): Promise<void> {
    this.running = this.reconcile()
      .then(() => {
        this.stats.reconciles += 1;
      })
      .catch((err) => this.log.error({ err }, 'polling reconcile failed'));
    await this.running;
    this.running = null;
    if (!this.stopped) this.timer = setTimeout(() => void this.tick(), this.opts.reconcileMs ?? 2000);
  }

  /** Starts pollers for channels whose lock we can take; stops those no longer wanted. */
  private async reconcile(): Promise<void> {
    const client = await this.connection();
    const wanted = new Set((await this.ctx.repos.channels.listPolling()).map((c) => c.id));
    for (const [id, poller] of this.pollers) {
      // A loop that ended on its own (mode switched and back between two reconciles) is released and restarted.
      if (wanted.has(id) && !poller.finished) continue;
      await this.stopPoller(id);
      await client.query('select pg_advisory_unlock(hashtextextended($1, 0))', [lockName(id)]);
    }
    for (const id of wanted) {
      if (this.pollers.has(id) || this.stopped) continue;
      const { rows } = await client.query<{ ok: boolean }>(
        'select pg_try_advisory_lock(hashtextextended($1, 0)) as ok',
        [lockName(id)],
      );
      if (!rows[0]?.ok) continue;
      const abort = new AbortController();
      const entry = { abort, done: Promise.resolve(), finished: false };
      entry.done = this.poll(id, abort.signal)
        .catch((err) => this.log.error({ err, channelId: id }, 'poller died'))
        .finally(() => {
          entry.finished = true;
        });
      this.pollers.set(id, entry);
      this.log.info({ channelId: id }, 'polling Telegram');
    }
  }

  /** The lock connection; if it broke, our locks are gone, so every poller stops before a new one is made. */
  private async connection(): Promise<pg.Client> {
    if (this.lockClient) return this.lockClient;
    await Promise.all([...this.pollers.keys()].map((id) => this.stopPoller(id)));
    const client = new pg.Client({
      connectionString: this.databaseUrl,
      application_name: 'switchboard-poll-lease',
    });
    client.on('error', (err) => {
      this.log.warn({ err }, 'polling lease connection lost; stopping pollers');
      if (this.lockClient === client) this.lockClient = null;
      for (const p of this.pollers.values()) p.abort.abort();
    });
    await client.connect();
    this.lockClient = client;
    return client;
  }

  private async stopPoller(id: string): Promise<void> {
    const p = this.pollers.get(id);
    if (!p) return;
    p.abort.abort();
    await p.done;
    this.pollers.delete(id);
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
          this.stats.stored += stored;
          this.stats.duplicates += updates.length - stored;
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

function lockName(channelId: string): string {
  return `telegram.poll:${channelId}`;
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
