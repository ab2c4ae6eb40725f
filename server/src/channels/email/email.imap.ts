import type { Logger } from 'pino';
import type { Channel } from '../../db/schema.ts';
import type { ServiceContext } from '../../services/context.ts';
import { advisoryLockSession, ChannelLeases } from '../channel-leases.ts';
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
 * The lease is ChannelLeases (channels/channel-leases.ts), as for Telegram polling: a Postgres session advisory lock per
 * channel on one dedicated connection; if the holder dies its connection closes, the lock goes with it, and another
 * worker's next reconcile takes the mailbox over. A channel whose settings change is restarted with the new ones.
 */
export class ImapReading {
  private readonly leases: ChannelLeases;
  private readonly log: Logger;

  constructor(
    private readonly ctx: ServiceContext,
    databaseUrl: string,
    private readonly opts: ImapReadingOptions = {},
  ) {
    this.log = ctx.log.child({ component: 'imap-reading' });
    this.leases = new ChannelLeases({
      prefix: 'email.imap',
      reconcileMs: opts.reconcileMs ?? 5000,
      wanted: async () =>
        (await this.imapChannels()).map((c) => ({ id: c.id, fingerprint: fingerprintOf(c) })),
      run: (id, signal) => this.read(id, signal),
      log: this.log,
      messages: {
        started: 'reading IMAP mailbox',
        died: 'IMAP reader died',
        reconcileFailed: 'IMAP reconcile failed',
        lost: 'IMAP lease connection lost; stopping readers',
      },
      connect: advisoryLockSession(databaseUrl, 'switchboard-imap-lease'),
    });
  }

  /** Channel ids whose mailbox this process reads now. */
  get reading(): string[] {
    return this.leases.holding;
  }

  async start(): Promise<void> {
    await this.leases.start();
  }

  /** Stops every reader (logging out), then releases the locks by closing their connection. */
  async stop(): Promise<void> {
    await this.leases.stop();
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
