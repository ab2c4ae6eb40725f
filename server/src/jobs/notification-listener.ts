import pg from 'pg';
import type { Logger } from 'pino';
import { NOTIFICATIONS_DUE_CHANNEL } from '../repositories/notification-drain.repository.ts';

export interface NotificationListenerOptions {
  /** How often the drain is woken without a NOTIFY (a lost one, a row whose time came); default 1 s. */
  pollMs?: number;
}

/**
 * A worker process's wake-ups for its notification drain: one dedicated connection LISTENs to the NOTIFY each trigger
 * sends at commit, and a timer wakes the drain every `pollMs` whatever happened. A NOTIFY can be lost (this connection was
 * down at that commit): the poll, the wake-up on every (re)connection and the per-minute cron drain make that a delay,
 * never a loss, because a row stays due until a drain claims it.
 */
export class NotificationListener {
  private client: pg.Client | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly databaseUrl: string,
    private readonly wake: () => void,
    private readonly log: Logger,
    private readonly opts: NotificationListenerOptions = {},
  ) {}

  /** Connects (failing loudly if the database cannot be reached at start) and starts the poll. */
  async start(): Promise<void> {
    await this.listen(0);
    this.timer = setInterval(this.wake, this.opts.pollMs ?? 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  /** attempt 0 is the start-up connection; 1, 2, … are reconnects with backoff. */
  private async listen(attempt: number): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({
      connectionString: this.databaseUrl,
      application_name: 'switchboard-notifications',
      // A silently dead peer must end the connection so we reconnect.
      keepAlive: true,
    });
    let connected = false;
    client.on('notification', (n) => {
      if (n.channel === NOTIFICATIONS_DUE_CHANNEL) this.wake();
    });
    const reconnect = () => {
      if (this.stopped || this.client !== client) return;
      this.client = null;
      const next = connected ? 1 : attempt + 1;
      const delay = Math.min(30_000, 500 * 2 ** (next - 1));
      this.log.warn({ delay }, 'notification listener lost its connection; reconnecting');
      setTimeout(() => void this.listen(next), delay).unref();
    };
    client.on('error', reconnect);
    client.on('end', reconnect);
    try {
      await client.connect();
      await client.query(`listen ${NOTIFICATIONS_DUE_CHANNEL}`);
    } catch (err) {
      // Not yet this.client: the 'end' this causes schedules nothing; a reconnect does, below.
      await client.end().catch(() => undefined);
      if (attempt === 0) throw err;
      this.client = client;
      return reconnect();
    }
    connected = true;
    this.client = client;
    if (this.stopped) return void (await client.end());
    // Rows committed while nobody listened here: look now rather than at the next poll.
    this.wake();
  }
}
