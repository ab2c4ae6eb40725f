import type { Db } from '../../db/database.ts';
import {
  type RateGrant,
  type RateState,
  type TelegramRatePolicy,
  TelegramRateRepository,
} from '../../repositories/telegram-rate.repository.ts';
import { DispatchGuard } from './telegram.dispatch-guard.ts';

/**
 * Telegram's documented limits with 0.5% headroom for jitter between the grant and the request reaching Telegram (30/s →
 * 29.85/s at most), and the per-process dispatch guard's 1 ms margin (see docs/architecture.md, "Telegram rate limiting").
 */
export const DEFAULT_RATE_POLICY: TelegramRatePolicy = Object.freeze({
  defaultPerSecond: 30,
  headroom: 0.005,
  // Telegram tolerates "short bursts" in a private chat; three at once then one per second is what we rely on (and the fake enforces).
  privateIntervalMs: 1005,
  privateBurst: 3,
  groupIntervalMs: 3015,
  bulkHorizonMs: 50,
  interactiveHorizonMs: 1050,
  dispatchMarginMs: 1,
});

/** Who asks for a slot: interactive traffic (replies, notifications) goes before bulk (broadcasts). */
export interface AcquireRequest {
  readonly channelId: string;
  /** Null counts against the bot's budget only (e.g. answerCallbackQuery-like calls that still must not flood). */
  readonly chatId: number | string | null;
  readonly chatKind: 'private' | 'group';
  readonly priority: 'interactive' | 'bulk';
  readonly signal?: AbortSignal;
}

/** Optional callbacks, so the limiter can feed metrics without knowing about them. */
export interface LimiterHooks {
  /** After a 429 pause is stored (`seconds` = retry_after). A throwing hook is ignored: metrics must not break sending. */
  readonly onPause?: (channelId: string, seconds: number) => void;
}

/** Thrown when the channel does not exist (deleted while messages were waiting). */
export class RateChannelMissingError extends Error {
  constructor(channelId: string) {
    super(`channel ${channelId} does not exist`);
    this.name = 'RateChannelMissingError';
  }
}

interface Waiter {
  readonly req: AcquireRequest;
  /** Local ms before which a retry is pointless (its chat is not ready yet). */
  notBefore: number;
  resolve(slot: Date): void;
  reject(err: unknown): void;
}

/**
 * The per-bot sending budget, shared by every process through Postgres. Inside a process each bot has one lane: waiters queue
 * by priority and a single pump asks the database for the slots of every ready waiter of one priority in one statement, so a
 * process never has more than one statement in flight per bot and refused waiters do not poll. `acquire` resolves at the granted slot, ready to send.
 */
export class TelegramLimiter {
  private readonly repo: TelegramRateRepository;
  private readonly lanes = new Map<string, Lane>();
  /** Per bot: this process's requests of the last second and their answers (kept while lanes come and go). */
  private readonly guards = new Map<string, DispatchGuard>();
  private stopped = false;
  /** Statements sent and slots granted by this instance (round trips per grant = statements / grants). */
  readonly stats = { statements: 0, grants: 0 };

  /** Builds a limiter over this database handle; tests give each "process" its own pool. */
  constructor(
    db: Db,
    readonly policy: TelegramRatePolicy = DEFAULT_RATE_POLICY,
    private readonly hooks: LimiterHooks = {},
  ) {
    this.repo = new TelegramRateRepository(db);
  }

  /** Waits until a slot is granted for this message and returns the grant time (database clock). */
  acquire(req: AcquireRequest): Promise<Date> {
    if (this.stopped) return Promise.reject(new Error('limiter stopped'));
    req.signal?.throwIfAborted();
    let lane = this.lanes.get(req.channelId);
    if (!lane) {
      lane = new Lane(req.channelId, this.repo, this.policy, this.stats, () =>
        this.lanes.delete(req.channelId),
      );
      this.lanes.set(req.channelId, lane);
    }
    return lane.enqueue(req);
  }

  /**
   * Call right before the request leaves, after its slot(s): waits while `count` more messages could make more than the
   * bot's `ratePerSecond` reach Telegram within a second, judged from this process's requests and their answers, then counts
   * them. Call the returned function when the answer comes back. See DispatchGuard.
   */
  dispatch(channelId: string, count: number, ratePerSecond: number): Promise<() => void> {
    let guard = this.guards.get(channelId);
    if (!guard) {
      guard = new DispatchGuard(this.policy.dispatchMarginMs);
      this.guards.set(channelId, guard);
    }
    return guard.take(ratePerSecond, count);
  }

  /** Pauses the whole bot (every process) after a 429 with retry_after; returns when the pause ends. */
  async pause(channelId: string, retryAfterSeconds: number): Promise<Date | null> {
    const until = await this.repo.pause(channelId, retryAfterSeconds);
    this.lanes.get(channelId)?.pauseLocally(Date.now() + retryAfterSeconds * 1000);
    try {
      this.hooks.onPause?.(channelId, retryAfterSeconds);
    } catch {
      // see LimiterHooks.onPause
    }
    return until;
  }

  /** The current pause and the grants of the last minute, for the channel health view. */
  state(channelId: string): Promise<RateState> {
    return this.repo.state(channelId);
  }

  /** Rejects every waiter; later acquires fail. */
  stop(): void {
    this.stopped = true;
    for (const lane of this.lanes.values()) lane.close(new Error('limiter stopped'));
    this.lanes.clear();
  }
}

/**
 * Most waiters one statement answers. A statement per grant capped a bot at one message per round trip (30–50/s when the
 * API's requests share the pool); a batch costs little more than one grant, and at a default bot's 30/s a batch rarely
 * holds more than the few ready within the horizon anyway.
 */
const MAX_BATCH = 64;

/** One bot's queue and pump inside this process. */
class Lane {
  private readonly interactive: Waiter[] = [];
  private readonly bulk: Waiter[] = [];
  /** Local ms until which the database said this priority's horizon is full (or the bot is paused). */
  private readonly blockedUntil = { interactive: 0, bulk: 0 };
  private pausedUntil = 0;
  private running = false;
  private wake: (() => void) | null = null;

  constructor(
    private readonly channelId: string,
    private readonly repo: TelegramRateRepository,
    private readonly policy: TelegramRatePolicy,
    private readonly stats: { statements: number; grants: number },
    private readonly onIdle: () => void,
  ) {}

  enqueue(req: AcquireRequest, front = false): Promise<Date> {
    return new Promise<Date>((resolve, reject) => {
      const queue = req.priority === 'interactive' ? this.interactive : this.bulk;
      // One signal may serve a whole broadcast: the listener goes as soon as the waiter settles, so they do not pile up.
      const onAbort = () => {
        const i = queue.indexOf(waiter);
        if (i >= 0) queue.splice(i, 1);
        reject(req.signal?.reason);
      };
      const settle = () => req.signal?.removeEventListener('abort', onAbort);
      const waiter: Waiter = {
        req,
        notBefore: 0,
        resolve: (slot) => {
          settle();
          resolve(slot);
        },
        reject: (err) => {
          settle();
          reject(err);
        },
      };
      if (front) queue.unshift(waiter);
      else queue.push(waiter);
      req.signal?.addEventListener('abort', onAbort, { once: true });
      this.kick();
    });
  }

  pauseLocally(until: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, until);
    this.blockedUntil.interactive = Math.max(this.blockedUntil.interactive, until);
    this.blockedUntil.bulk = Math.max(this.blockedUntil.bulk, until);
  }

  close(err: Error): void {
    for (const w of [...this.interactive.splice(0), ...this.bulk.splice(0)]) w.reject(err);
    this.wake?.();
  }

  private kick(): void {
    if (this.running) {
      this.wake?.();
      return;
    }
    this.running = true;
    void this.pump().finally(() => {
      this.running = false;
      if (this.interactive.length + this.bulk.length > 0) this.kick();
      else this.onIdle();
    });
  }

  /**
   * The ready waiters of the first priority that has any (interactive before bulk), in arrival order, at most MAX_BATCH; or
   * the local time when one becomes ready.
   */
  private next(now: number): { priority: 'interactive' | 'bulk'; batch: Waiter[] } | number {
    let soonest = Number.POSITIVE_INFINITY;
    for (const priority of ['interactive', 'bulk'] as const) {
      const queue = priority === 'interactive' ? this.interactive : this.bulk;
      if (queue.length === 0) continue;
      if (this.blockedUntil[priority] > now) {
        soonest = Math.min(soonest, this.blockedUntil[priority]);
        continue;
      }
      const batch: Waiter[] = [];
      for (const w of queue) {
        if (w.notBefore <= now) {
          batch.push(w);
          if (batch.length === MAX_BATCH) break;
        } else soonest = Math.min(soonest, w.notBefore);
      }
      if (batch.length) return { priority, batch };
    }
    return soonest;
  }

  private async pump(): Promise<void> {
    while (this.interactive.length + this.bulk.length > 0) {
      const now = Date.now();
      const pick = this.next(now);
      if (typeof pick === 'number') {
        await this.sleep(pick - now);
        continue;
      }
      const { priority, batch } = pick;
      let grants: RateGrant[];
      this.stats.statements += 1;
      try {
        grants = await this.repo.acquireMany(
          this.policy,
          this.channelId,
          priority === 'interactive' ? this.policy.interactiveHorizonMs : this.policy.bulkHorizonMs,
          batch.map((w) => ({
            chatId: w.req.chatId === null ? null : String(w.req.chatId),
            group: w.req.chatKind === 'group',
          })),
        );
      } catch (err) {
        for (const w of batch) {
          this.remove(w);
          w.reject(err);
        }
        continue;
      }
      const after = Date.now();
      let blockedUntil = this.blockedUntil[priority];
      batch.forEach((w, i) => {
        const grant = grants[i]!;
        if (grant.granted && grant.slot) {
          this.stats.grants += 1;
          // The last grant's nextMs is the one that counts: the schedule only moves forward within a batch.
          if (grant.nextMs > 0) blockedUntil = after + grant.nextMs;
          this.remove(w);
          void this.deliver(w, grant.slot, grant.waitMs);
        } else if (grant.reason === 'chat') {
          w.notBefore = after + grant.waitMs;
        } else if (grant.reason === 'paused') {
          this.pauseLocally(after + grant.waitMs);
        } else if (grant.reason === 'bot') {
          blockedUntil = Math.max(blockedUntil, after + grant.waitMs);
        } else {
          this.remove(w);
          w.reject(new RateChannelMissingError(this.channelId));
        }
      });
      this.blockedUntil[priority] = Math.max(this.blockedUntil[priority], blockedUntil);
    }
  }

  /** Resolves the waiter at its slot, unless this process learnt of a pause meanwhile: then it queues again, first in line. */
  private async deliver(w: Waiter, slot: Date, waitMs: number): Promise<void> {
    if (waitMs > 0) await delay(waitMs, w.req.signal).catch(() => undefined);
    if (w.req.signal?.aborted) return w.reject(w.req.signal.reason);
    // A slot reserved further ahead than bulk's horizon may have been overtaken by a pause set in another process: one more
    // statement, only for those, bounds what goes out after a 429 to the bulk horizon.
    if (waitMs > this.policy.bulkHorizonMs) {
      const paused = await this.repo.state(this.channelId).then(
        (s) => s.pausedUntil,
        () => null,
      );
      if (paused) this.pauseLocally(Date.now() + Math.max(0, paused.getTime() - slot.getTime()));
    }
    if (this.pausedUntil > Date.now()) {
      this.enqueue(w.req, true).then(w.resolve, w.reject);
      return;
    }
    w.resolve(slot);
  }

  private remove(w: Waiter): void {
    const queue = w.req.priority === 'interactive' ? this.interactive : this.bulk;
    const i = queue.indexOf(w);
    if (i >= 0) queue.splice(i, 1);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, Math.max(0, ms));
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
