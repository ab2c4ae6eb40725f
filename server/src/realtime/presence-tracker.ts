import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Principal } from '../services/auth.service.ts';
import { PRESENCE_HEARTBEAT_MS } from '../services/presence-timing.ts';

/** What the hub tells presence: a socket of a signed-in principal opened, a socket closed. */
export interface PresenceHooks {
  opened(socket: object, principal: Principal): void;
  closed(socket: object): void;
}

/** Where the counts go (services.presence). */
export interface PresenceSink {
  connectionsChanged(userId: string, processId: string, connections: number): Promise<void>;
  heartbeat(processId: string, counts: Map<string, number>): Promise<void>;
  removeProcess(processId: string): Promise<void>;
}

/**
 * Counts this api process's live sockets per user and keeps user_presence in step: one row per user and process,
 * written when a user's count here changes and refreshed on a heartbeat so other processes can tell this one is alive.
 * Writes go one at a time in the background (the hub never waits on the database); a write reads the count when it
 * runs, so a burst of opens and closes ends with the true count.
 */
export class PresenceTracker implements PresenceHooks {
  readonly processId = randomUUID();
  private readonly counts = new Map<string, number>();
  private readonly socketUser = new WeakMap<object, string>();
  private readonly dirty = new Set<string>();
  private writing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly sink: PresenceSink,
    private readonly log: Logger,
    private readonly heartbeatMs = PRESENCE_HEARTBEAT_MS,
  ) {}

  /** API keys have no presence; a socket is counted once however often it authenticates. */
  opened(socket: object, principal: Principal): void {
    if (principal.kind !== 'user' || this.socketUser.has(socket)) return;
    this.socketUser.set(socket, principal.id);
    this.counts.set(principal.id, (this.counts.get(principal.id) ?? 0) + 1);
    this.schedule(principal.id);
  }

  closed(socket: object): void {
    const userId = this.socketUser.get(socket);
    if (!userId) return;
    this.socketUser.delete(socket);
    const left = (this.counts.get(userId) ?? 1) - 1;
    if (left > 0) this.counts.set(userId, left);
    else this.counts.delete(userId);
    this.schedule(userId);
  }

  /** Resolves once every change so far is written (tests, shutdown). */
  settled(): Promise<void> {
    return this.writing;
  }

  start(): void {
    this.timer = setInterval(() => {
      this.writing = this.writing
        .then(() => this.sink.heartbeat(this.processId, new Map(this.counts)))
        .catch((err) => this.log.warn({ err }, 'presence heartbeat failed'));
    }, this.heartbeatMs);
    this.timer.unref();
  }

  /** After the hub closed its sockets: waits for their writes, then removes whatever rows are left. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.writing;
    await this.sink
      .removeProcess(this.processId)
      .catch((err) => this.log.warn({ err }, 'presence cleanup failed'));
  }

  private schedule(userId: string): void {
    this.dirty.add(userId);
    this.writing = this.writing.then(() => this.flush());
  }

  private async flush(): Promise<void> {
    for (const userId of [...this.dirty]) {
      this.dirty.delete(userId);
      await this.sink
        .connectionsChanged(userId, this.processId, this.counts.get(userId) ?? 0)
        // The next heartbeat rewrites the count; a lost disconnect is cleaned up when this process's rows go stale.
        .catch((err) => this.log.warn({ err, userId }, 'presence write failed'));
    }
  }
}
