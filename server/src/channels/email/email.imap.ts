import pg from 'pg';
import type { Logger } from 'pino';
import type { Channel } from '../../db/schema.ts';
import type { ServiceContext } from '../../services/context.ts';
import { ImapMailbox } from './email.imap-mailbox.ts';
import { emailSettingsOf } from './email.settings.ts';

/** Timing of the IMAP readers; tests shorten them. */
export interface ImapReadingOptions {
  /** How often each worker looks for mailboxes nobody reads (bounds takeover after a crash). Default 5000 ms. */
  reconcileMs?: number;
  /**
   * Longest wait between two looks at a mailbox. With IDLE the server wakes us at once and this only restarts IDLE;
   * without it, imapflow polls (NOOP) at this interval. Default 60 000 ms.
   */
  pollMs?: number;
}

const MAX_BACKOFF_MS = 60_000;

/**
 * Reads the IMAP mailbox of every active email channel whose inbound mode is "imap", exactly one process per mailbox.
 * The lease is a Postgres session advisory lock per channel on one dedicated connection, as for Telegram polling
 * (channels/telegram/telegram.polling.ts): if the holder dies its connection closes, the lock goes with it, and another
 * worker's next reconcile takes the mailbox over. A channel whose settings change is restarted with the new ones.
 */
export class ImapReading {
  private lockClient: pg.Client | null = null;
  private readonly readers = new Map<
    string,
    { abort: AbortController; done: Promise<void>; finished: boolean; fingerprint: string }
  >();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private readonly log: Logger;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly databaseUrl: string,
    private readonly opts: ImapReadingOptions = {},
  ) {
    this.log = ctx.log.child({ component: 'imap-reading' });
  }

  /** Channel ids whose mailbox this process reads now. */
  get reading(): string[] {
    return [...this.readers.keys()];
  }

  async start(): Promise<void> {
    await this.tick();
  }

  /** Stops every reader (logging out), then releases the locks by closing their connection. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    await Promise.all([...this.readers.keys()].map((id) => this.stopReader(id)));
    await this.lockClient?.end().catch(() => {});
    this.lockClient = null;
  }

  private async tick(): Promise<void> {
    this.running = this.reconcile().catch((err) => this.log.error({ err }, 'IMAP reconcile failed'));
    await this.running;
    this.running = null;
    if (!this.stopped) this.timer = setTimeout(() => void this.tick(), this.opts.reconcileMs ?? 5000);
  }

  /** Starts readers for mailboxes whose lock we can take; stops those no longer wanted or whose settings changed. */
  private async reconcile(): Promise<void> {
    const client = await this.connection();
    const wanted = new Map((await this.imapChannels()).map((c) => [c.id, fingerprintOf(c)]));
    for (const [id, reader] of this.readers) {
      if (wanted.get(id) === reader.fingerprint && !reader.finished) continue;
      await this.stopReader(id);
      await client.query('select pg_advisory_unlock(hashtextextended($1, 0))', [lockName(id)]);
    }
    for (const [id, fingerprint] of wanted) {
      if (this.readers.has(id) || this.stopped) continue;
      const { rows } = await client.query<{ ok: boolean }>(
        'select pg_try_advisory_lock(hashtextextended($1, 0)) as ok',
        [lockName(id)],
      );
      if (!rows[0]?.ok) continue;
      const abort = new AbortController();
      const entry = { abort, done: Promise.resolve(), finished: false, fingerprint };
      entry.done = this.read(id, abort.signal)
        .catch((err) => this.log.error({ err, channelId: id }, 'IMAP reader died'))
        .finally(() => {
          entry.finished = true;
        });
      this.readers.set(id, entry);
      this.log.info({ channelId: id }, 'reading IMAP mailbox');
    }
  }

  private async imapChannels(): Promise<Channel[]> {
    const all = await this.ctx.repos.channels.list({ limit: 10_000, type: 'email' });
    return all.filter((c) => {
      if (c.status !== 'active') return false;
      try {
        return emailSettingsOf(c).inbound === 'imap';
      } catch {
        return false;
      }
    });
  }

  /** The lock connection; if it broke, our locks are gone, so every reader stops before a new one is made. */
  private async connection(): Promise<pg.Client> {
    if (this.lockClient) return this.lockClient;
    await Promise.all([...this.readers.keys()].map((id) => this.stopReader(id)));
    const client = new pg.Client({
      connectionString: this.databaseUrl,
      application_name: 'switchboard-imap-lease',
    });
    client.on('error', (err) => {
      this.log.warn({ err }, 'IMAP lease connection lost; stopping readers');
      if (this.lockClient === client) this.lockClient = null;
      for (const r of this.readers.values()) r.abort.abort();
    });
    await client.connect();
    this.lockClient = client;
    return client;
  }

  private async stopReader(id: string): Promise<void> {
    const r = this.readers.get(id);
    if (!r) return;
    r.abort.abort();
    await r.done;
    this.readers.delete(id);
  }

  /** One mailbox's life: connect, catch up, wait for news, repeat; reconnect with backoff after failures. */
  private async read(channelId: string, signal: AbortSignal): Promise<void> {
    let failures = 0;
    while (!signal.aborted) {
      const channel = await this.ctx.repos.channels.get(channelId);
      if (channel?.type !== 'email' || channel.status !== 'active') return;
      const mailbox = new ImapMailbox(this.ctx, channel, { pollMs: this.opts.pollMs ?? 60_000 });
      try {
        await mailbox.run(signal, () => {
          failures = 0;
        });
      } catch (err) {
        if (signal.aborted) return;
        failures += 1;
        const message = err instanceof Error ? err.message : String(err);
        this.log.warn({ channelId, err: message, failures }, 'IMAP reading failed');
        await this.ctx.repos.channels.recordError(channelId, `IMAP: ${message}`).catch(() => {});
        await sleep(Math.min(MAX_BACKOFF_MS, 1000 * 2 ** failures) * (0.5 + Math.random() / 2), signal);
      }
    }
  }
}

function lockName(channelId: string): string {
  return `email.imap:${channelId}`;
}

/** What a reader was started with: a change of settings or passwords restarts it. */
function fingerprintOf(c: Channel): string {
  return `${c.secretSealed}|${JSON.stringify(c.settings)}`;
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
