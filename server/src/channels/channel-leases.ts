import pg from 'pg';
import type { Logger } from 'pino';

/** A channel some process should hold; a changed fingerprint (settings, secrets) restarts its loop. */
export interface WantedChannel {
  id: string;
  fingerprint?: string;
}

/** The session that holds the locks: they live exactly as long as it does. */
export interface LeaseSession {
  tryLock(key: string): Promise<boolean>;
  unlock(key: string): Promise<void>;
  close(): Promise<void>;
}

/** Opens a session; `onLost` is called once if it breaks (its locks are gone by then). */
export type LeaseConnector = (onLost: (err: Error) => void) => Promise<LeaseSession>;

/** What a ChannelLeases holds, runs and says. */
export interface ChannelLeasesOptions {
  /** Lock key prefix: a channel's key is `<prefix>:<channelId>` (channel-health.repository.ts reads Telegram's). */
  prefix: string;
  /** How often to look for channels nobody holds (bounds takeover after a crash). */
  reconcileMs: number;
  /** The channels that need a holder now. */
  wanted: () => Promise<WantedChannel[]>;
  /** One channel's loop; it returns when the signal aborts, or on its own when the channel stops needing it. */
  run: (channelId: string, signal: AbortSignal) => Promise<void>;
  log: Logger;
  /** Log lines, so each user keeps its own words. */
  messages: { started: string; died: string; reconcileFailed: string; lost: string };
  /** Opens the lock session: advisoryLockSession() in production, an in-memory one in unit tests. */
  connect: LeaseConnector;
}

interface Held {
  abort: AbortController;
  done: Promise<void>;
  finished: boolean;
  fingerprint: string;
}

/**
 * One holder per channel across processes. Every `reconcileMs` it lists the wanted channels, tries a lock per channel on
 * one session, runs a loop per channel it holds, and stops loops whose channel went away, whose fingerprint changed or that
 * ended on their own (releasing the lock, so the next pass may retake it). If the session breaks, another process may take
 * the locks at once, so every loop is aborted then, and all have ended before a new session takes any lock.
 */
export class ChannelLeases {
  private session: LeaseSession | null = null;
  private readonly held = new Map<string, Held>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  /** Passes completed (a failed pass is not counted). */
  reconciles = 0;

  constructor(private readonly opts: ChannelLeasesOptions) {}

  /** Channel ids whose loop runs in this process now. */
  get holding(): string[] {
    return [...this.held.keys()];
  }

  /** Runs the first pass, then one every `reconcileMs`. */
  async start(): Promise<void> {
    await this.tick();
  }

  /** One pass now, after any pass in progress (passes never overlap). */
  async reconcileNow(): Promise<void> {
    const pass = (this.running ?? Promise.resolve()).then(() =>
      this.reconcile().then(
        () => {
          this.reconciles += 1;
        },
        (err) => this.opts.log.error({ err }, this.opts.messages.reconcileFailed),
      ),
    );
    this.running = pass;
    await pass;
    if (this.running === pass) this.running = null;
  }

  /** Stops every loop (each sees its signal abort), then releases the locks by closing their session. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    await this.release([...this.held.keys()]);
    await this.session?.close().catch(() => {});
    this.session = null;
  }

  private async tick(): Promise<void> {
    await this.reconcileNow();
    if (!this.stopped) this.timer = setTimeout(() => void this.tick(), this.opts.reconcileMs);
  }

  private async reconcile(): Promise<void> {
    if (this.stopped) return;
    const session = await this.connection();
    const wanted = new Map((await this.opts.wanted()).map((c) => [c.id, c.fingerprint ?? '']));
    for (const [id, loop] of this.held) {
      if (wanted.get(id) === loop.fingerprint && !loop.finished) continue;
      await this.release([id]);
      await session.unlock(this.key(id));
    }
    for (const [id, fingerprint] of wanted) {
      if (this.held.has(id) || this.stopped) continue;
      if (!(await session.tryLock(this.key(id)))) continue;
      const abort = new AbortController();
      const loop: Held = { abort, done: Promise.resolve(), finished: false, fingerprint };
      loop.done = this.opts
        .run(id, abort.signal)
        .catch((err) => this.opts.log.error({ err, channelId: id }, this.opts.messages.died))
        .finally(() => {
          loop.finished = true;
        });
      this.held.set(id, loop);
      this.opts.log.info({ channelId: id }, this.opts.messages.started);
    }
  }

  /** The lock session; if it broke, our locks are gone, so every loop has ended before a new one is opened. */
  private async connection(): Promise<LeaseSession> {
    if (this.session) return this.session;
    await this.release([...this.held.keys()]);
    let session: LeaseSession | null = null;
    session = await this.opts.connect((err) => {
      this.opts.log.warn({ err }, this.opts.messages.lost);
      if (this.session === session) this.session = null;
      for (const loop of this.held.values()) loop.abort.abort();
    });
    this.session = session;
    return session;
  }

  private async release(ids: string[]): Promise<void> {
    await Promise.all(
      ids.map(async (id) => {
        const loop = this.held.get(id);
        if (!loop) return;
        loop.abort.abort();
        await loop.done;
        this.held.delete(id);
      }),
    );
  }

  private key(channelId: string): string {
    return `${this.opts.prefix}:${channelId}`;
  }
}

/**
 * Session advisory locks on one dedicated connection (not the pool: a pooled connection would carry the locks to other
 * users). Its two statements stay here, not in a repository, because repositories run on the pool or a transaction and these
 * must run on the session that holds the locks. The key is hashed with hashtextextended, as channel-health.repository.ts expects.
 */
export function advisoryLockSession(databaseUrl: string, applicationName: string): LeaseConnector {
  return async (onLost) => {
    const client = new pg.Client({ connectionString: databaseUrl, application_name: applicationName });
    client.on('error', onLost);
    await client.connect();
    return {
      async tryLock(key) {
        const { rows } = await client.query<{ ok: boolean }>(
          'select pg_try_advisory_lock(hashtextextended($1, 0)) as ok',
          [key],
        );
        return rows[0]?.ok === true;
      },
      async unlock(key) {
        await client.query('select pg_advisory_unlock(hashtextextended($1, 0))', [key]);
      },
      close: () => client.end(),
    };
  };
}
