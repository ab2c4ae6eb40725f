import { randomInt } from 'node:crypto';
import type { TelegramAdapter } from '../channels/telegram/telegram.adapter.ts';
import type { Broadcast } from '../db/schema.ts';
import { BROADCASTS_ROOM } from '../realtime/event-map.ts';
import type { ClaimedRecipient, RecipientOutcome } from '../repositories/broadcast-deliveries.repository.ts';
import { repositories } from '../repositories/index.ts';
import { clickLinkBase, clickLinkKey } from './broadcast-buttons.ts';
import {
  DEFAULT_FAILURE_GUARD,
  FailureGuard,
  type FailureGuardOptions,
} from './broadcast-delivery.failures.ts';
import { BroadcastMessage } from './broadcast-delivery.message.ts';
import { DeliveryRecorder } from './broadcast-delivery.recorder.ts';
import { quietHoldUntil } from './broadcast-timing.ts';
import { inTransaction, type ServiceContext } from './context.ts';
import { presentNotification, userRoom } from './mention-notifications.ts';
import type { TelegramAdapters } from './outbound.adapters.ts';
import { interruptedReason, judgeFailure } from './outbound.failure.ts';
import { DEFAULT_RETRY, type RetryPolicy } from './outbound.retry.ts';
import { TemplateError } from './templates/types.ts';
import type { TemplatesService } from './templates.service.ts';

/** How the delivery manager works through a broadcast. */
export interface BroadcastDeliveryOptions {
  /** Messages in flight at once (each waits for its limiter slot, then for Telegram). */
  readonly concurrency: number;
  /**
   * Rows claimed per statement; the next batch is claimed when half is left. Claimed rows not yet sent are `sending` too,
   * so a crash leaves at most about 1.5 × batchSize + concurrency + the recorder's backlog in doubt. The trade: each claim
   * and each flush is a statement with a fixed cost (parse, plan, commit, the counters' row), and with 20 rows per claim
   * those costs were a quarter of the database's work per message (docs/architecture.md, "Broadcast delivery").
   */
  readonly batchSize: number;
  /** The backstop for a run that is alive but stuck; a dead run's rows are found at once (see resolveInterrupted). */
  readonly leaseMs: number;
  /** Outcomes not yet committed before senders wait for the recorder (bounds the window of doubt). */
  readonly maxBacklog: number;
  readonly flushGatherMs: number;
  /** `broadcast.progressed` at most this often per run. */
  readonly progressEveryMs: number;
  /** When another run still has rows in flight: look again this much later (it completes the broadcast itself if it can). */
  readonly recheckMs: number;
  /** When the channel is paused: try again this much later. */
  readonly pausedChannelRetryMs: number;
  readonly retry: RetryPolicy;
  readonly failures: FailureGuardOptions;
  /**
   * Rows a dead run left in flight: `unknown` (default: never resent, at most once) or `resend` (back to pending: nobody
   * misses the message, but those in flight at the crash may get it twice).
   */
  readonly inDoubt: 'unknown' | 'resend';
}

export const DEFAULT_BROADCAST_DELIVERY: BroadcastDeliveryOptions = Object.freeze({
  concurrency: 10,
  batchSize: 60,
  leaseMs: 15 * 60_000,
  maxBacklog: 150,
  flushGatherMs: 20,
  progressEveryMs: 1000,
  recheckMs: 10_000,
  pausedChannelRetryMs: 15_000,
  retry: DEFAULT_RETRY,
  failures: DEFAULT_FAILURE_GUARD,
  inDoubt: 'unknown',
});

/** No row is dispatched later than this before its lease ends (it is released unsent), as in the bulk sender. */
const LEASE_MARGIN_MS = 5 * 60_000;

interface Claimed {
  readonly row: ClaimedRecipient;
  /** Local time after which this row is not dispatched (released instead). */
  readonly deadline: number;
}

/** Why a pass stopped claiming. */
type Stop = 'exhausted' | 'not_sending' | 'aborted' | 'auto_paused';

/**
 * The broadcast delivery manager (job `broadcasts.deliver`): claims due recipient rows in small batches (FOR UPDATE SKIP
 * LOCKED, so runs in several processes never share a row), renders each message, sends it through the channel's adapter
 * at bulk priority (the same limiter as replies, which keep precedence), and records outcomes write-behind with the
 * counters in the same statements. Each run holds an advisory lock on its claim key, so rows a dead run left `sending` are
 * recognised at once and resolved as `unknown`, never resent. See docs/architecture.md, "Broadcast delivery".
 */
export class BroadcastDeliveryManager {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly adapters: TelegramAdapters,
    private readonly templates: TemplatesService,
    private readonly options: BroadcastDeliveryOptions = DEFAULT_BROADCAST_DELIVERY,
  ) {}

  /**
   * Sends the broadcast's due rows while it is `sending`; then completes it, or queues itself for the next wave, or stops
   * (paused, cancelled: the pending rest is marked cancelled). Aborting (shutdown) stops claiming, lets requests in flight
   * end and be recorded, releases the rest, and queues the job again so another process continues.
   */
  async run(broadcastId: string, opts: { signal?: AbortSignal } = {}): Promise<void> {
    const repo = this.ctx.repos.broadcastDeliveries;
    const broadcast = await repo.broadcast(broadcastId);
    if (!broadcast) return;
    if (broadcast.status === 'cancelled') {
      await this.cancelRest(broadcastId);
      return;
    }
    if (broadcast.status !== 'sending') return;
    const channel = await this.ctx.repos.channels.get(broadcast.channelId);
    if (!channel) return;
    if (channel.status === 'paused') {
      await this.requeue(broadcastId, new Date(Date.now() + this.options.pausedChannelRetryMs));
      return;
    }
    const message = await this.prepare(broadcast);
    if (typeof message === 'string') {
      // Every recipient would fail the same way: pause with the reason rather than fail the whole list one by one.
      const stats = await repo.pauseFor(broadcastId, message);
      if (stats) await this.publish(broadcastId, stats, { status: 'paused', statusReason: message });
      return;
    }
    let adapter: TelegramAdapter;
    try {
      adapter = this.adapters.forChannel(channel, 'bulk');
    } catch (err) {
      // No bot token: no retry of the job can help; pause with the reason so someone fixes the channel and resumes.
      const reason = `the channel cannot send: ${(err as Error).message}`;
      const stats = await repo.pauseFor(broadcastId, reason);
      if (stats) await this.publish(broadcastId, stats, { status: 'paused', statusReason: reason });
      return;
    }
    await this.withClaimKey(async (claimKey) => {
      const guard = new FailureGuard(this.options.failures);
      for (;;) {
        await this.resolveInterrupted(broadcastId);
        const stop = await this.pass(broadcast, adapter, message, claimKey, guard, opts.signal);
        if (stop === 'aborted') {
          await this.requeue(broadcastId, new Date());
          return;
        }
        if (stop === 'auto_paused') return;
        if (stop === 'not_sending') {
          if ((await repo.broadcast(broadcastId))?.status === 'cancelled') await this.cancelRest(broadcastId);
          return;
        }
        if (await this.finishOrWait(broadcastId)) return;
      }
    });
  }

  /**
   * After a pass that found nothing to claim: completes the broadcast when no row is left, queues the next wave when rows
   * are held, looks again later while another run has rows in flight. Returns false when rows became due meanwhile.
   */
  private async finishOrWait(broadcastId: string): Promise<boolean> {
    const repo = this.ctx.repos.broadcastDeliveries;
    await this.resolveInterrupted(broadcastId);
    const state = await repo.queueState(broadcastId);
    if (state.dueNow) return false;
    if (state.sending > 0 || state.nextDueAt) {
      const recheck = new Date(Date.now() + this.options.recheckMs);
      const at =
        state.nextDueAt && (state.sending === 0 || state.nextDueAt < recheck) ? state.nextDueAt : recheck;
      await this.requeue(broadcastId, at);
      return true;
    }
    const stats = await repo.complete(broadcastId);
    if (stats) await this.publish(broadcastId, stats, { status: 'completed' });
    return true;
  }

  /** One pass: claim and send until nothing is due, the broadcast leaves `sending`, the run aborts or auto-pauses. */
  private async pass(
    broadcast: Broadcast,
    adapter: TelegramAdapter,
    message: BroadcastMessage,
    claimKey: number,
    guard: FailureGuard,
    signal: AbortSignal | undefined,
  ): Promise<Stop> {
    const repo = this.ctx.repos.broadcastDeliveries;
    const { batchSize, leaseMs, concurrency, maxBacklog } = this.options;
    let lastPublished = 0;
    let latest: Record<string, number> | null = null;
    const recorder = new DeliveryRecorder(
      repo,
      broadcast.id,
      claimKey,
      (stats) => {
        latest = stats;
        if (Date.now() - lastPublished < this.options.progressEveryMs) return;
        lastPublished = Date.now();
        void this.publish(broadcast.id, stats).catch((err) =>
          this.ctx.log.warn({ err }, 'progress event failed'),
        );
      },
      this.options.flushGatherMs,
    );
    const queue: Claimed[] = [];
    let stop: Stop | null = null;
    let claiming: Promise<void> | null = null;
    let failure: unknown = null;
    const halt = (why: Stop) => {
      stop ??= why;
    };
    const claimMore = () => {
      claiming ??= (async () => {
        const deadline = Date.now() + leaseMs - Math.min(LEASE_MARGIN_MS, leaseMs / 2);
        const { status, rows } = await repo.claim(broadcast.id, batchSize, leaseMs, claimKey);
        for (const row of rows) queue.push({ row, deadline });
        // Re-read with every claim: a pause or cancel stops claiming; what was claimed is released below.
        if (status !== 'sending') halt('not_sending');
        else if (rows.length === 0) halt('exhausted');
      })().finally(() => {
        claiming = null;
      });
      return claiming;
    };
    const record = (
      row: ClaimedRecipient,
      outcome: RecipientOutcome,
      unreachableIdentity?: string | null,
    ) => {
      const done = recorder.add({ id: row.id, leaseUntil: row.leaseUntil, outcome, unreachableIdentity });
      done.catch((err) => {
        failure ??= err;
      });
      return done;
    };
    const release = (row: ClaimedRecipient) =>
      record(row, { status: 'pending', notBefore: null, reason: null, attempted: false });
    const worker = async () => {
      while (failure === null) {
        if (signal?.aborted) halt('aborted');
        if (queue.length < batchSize / 2 && stop === null) void claimMore().catch((err) => (failure ??= err));
        const next = queue.shift();
        if (!next) {
          if (stop !== null) return;
          await (claiming ?? claimMore()).catch((err) => (failure ??= err));
          continue;
        }
        if ((stop !== null && stop !== 'exhausted') || Date.now() > next.deadline) {
          void release(next.row);
          continue;
        }
        const outcome = await this.deliverOne(broadcast, adapter, message, next.row);
        const done = record(next.row, outcome.result, outcome.unreachableIdentity);
        if (outcome.counts !== null) {
          const reason = guard.add(outcome.counts === 'failed');
          if (reason !== null && stop === null) {
            halt('auto_paused');
            await done.catch(() => undefined);
            await this.autoPause(broadcast.id, reason);
          }
        }
        if (recorder.backlog >= maxBacklog) await done.catch(() => undefined);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    if (claiming) await (claiming as Promise<void>).catch((err) => (failure ??= err));
    for (const left of queue.splice(0)) void release(left.row);
    await recorder.drained();
    failure ??= recorder.error;
    if (failure !== null) throw failure;
    if (latest) await this.publish(broadcast.id, latest);
    return stop ?? 'exhausted';
  }

  /** One claimed row: checks that may skip or hold it, then render and send; never throws. */
  private async deliverOne(
    broadcast: Broadcast,
    adapter: TelegramAdapter,
    message: BroadcastMessage,
    row: ClaimedRecipient,
  ): Promise<{
    result: RecipientOutcome;
    unreachableIdentity?: string | null;
    counts: 'sent' | 'failed' | null;
  }> {
    const skip = (reason: string) => ({
      result: { status: 'skipped' as const, reason, attempted: false },
      counts: null,
    });
    // Things that changed since the snapshot: the person left, was blocked, or blocked the bot in another broadcast.
    if (!row.subscribed) return skip('unsubscribed');
    if (row.blocked) return skip('blocked');
    if (row.chatExternalId === null || row.identityId === null) return skip('no_identity');
    if (row.reachable === false) return skip('unreachable');
    if (broadcast.quietHours) {
      const zone = row.timezone || (await this.workspaceZone());
      const hold = safeQuietHold(this.ctx.clock.now(), zone, broadcast.quietHours);
      if (hold)
        return {
          result: { status: 'pending', notBefore: hold, reason: 'quiet_hours', attempted: false },
          counts: null,
        };
    }
    let outgoing: ReturnType<BroadcastMessage['forRecipient']>;
    try {
      outgoing = renderPastStalls(message, { ...row, chatExternalId: row.chatExternalId });
    } catch (err) {
      const reason =
        err instanceof TemplateError
          ? `template ${err.path}: ${err.message}`
          : `internal error: ${(err as Error)?.message ?? err}`;
      return { result: { status: 'failed', reason, attempted: false }, counts: 'failed' };
    }
    try {
      const sent = await adapter.send(outgoing);
      return { result: { status: 'sent', externalId: sent.externalId }, counts: 'sent' };
    } catch (err) {
      const verdict = judgeFailure(err, row.attempts, this.options.retry);
      if (verdict.action === 'internal') {
        const reason = `internal error: ${(err as Error)?.message ?? err}`;
        this.ctx.log.error({ err, broadcastId: broadcast.id, row: row.id }, 'broadcast send failed');
        return { result: { status: 'failed', reason, attempted: true }, counts: 'failed' };
      }
      if (verdict.action === 'retry')
        return {
          result: {
            status: 'pending',
            notBefore: new Date(Date.now() + verdict.delayMs),
            reason: verdict.reason,
            attempted: true,
          },
          counts: null,
        };
      if (verdict.unreachable)
        return {
          result: { status: 'blocked', reason: verdict.description, attempted: true },
          unreachableIdentity: row.identityId,
          counts: null,
        };
      return { result: { status: 'failed', reason: verdict.description, attempted: true }, counts: 'failed' };
    }
  }

  private zone: Promise<string> | null = null;

  /** The workspace time zone, for recipients without their own (read once per process and run). */
  private workspaceZone(): Promise<string> {
    this.zone ??= this.templates.workspace().then((w) => w.timezone);
    return this.zone;
  }

  /** The message of a run, or the reason no recipient could get it. */
  private async prepare(broadcast: Broadcast): Promise<BroadcastMessage | string> {
    const template = broadcast.templateId ? await this.ctx.repos.templates.get(broadcast.templateId) : null;
    if (broadcast.templateId && !template) return 'the template was deleted';
    if (!template && broadcast.content === null) return 'the broadcast has no message';
    const attachmentId = broadcast.attachmentId ?? template?.attachmentId ?? null;
    const attachment = attachmentId ? ((await this.ctx.repos.attachments.get(attachmentId)) ?? null) : null;
    const problem = BroadcastMessage.attachmentProblem(attachmentId, attachment);
    if (problem) return problem;
    const workspace = await this.templates.workspace();
    this.zone = Promise.resolve(workspace.timezone);
    return new BroadcastMessage(broadcast, template ?? null, attachment, workspace, {
      publicUrl: clickLinkBase(this.ctx.config),
      secret: clickLinkKey(this.ctx.secretBox),
    });
  }

  /**
   * Runs `fn` while this run's claim key is locked on a connection of its own: the lock lives exactly as long as the run's
   * session, so other runs can tell a dead run's rows from a live one's without waiting for a lease.
   */
  private async withClaimKey(fn: (key: number) => Promise<void>): Promise<void> {
    await this.ctx.db.connection().execute(async (conn) => {
      const locks = repositories(conn).broadcastDeliveries;
      let key = 0;
      for (let i = 0; i < 5 && key === 0; i++) {
        const candidate = randomInt(1, 2 ** 47);
        if (await locks.lockClaimKey(candidate)) key = candidate;
      }
      if (key === 0) throw new Error('could not take a broadcast claim key');
      try {
        await fn(key);
      } finally {
        await locks.unlockClaimKey(key).catch(() => undefined);
      }
    });
  }

  /** Rows of dead runs: `unknown` (or back to pending when so configured), logged with their count. */
  private async resolveInterrupted(broadcastId: string): Promise<void> {
    const resend = this.options.inDoubt === 'resend';
    const reason = resend
      ? 'resent: an earlier send was interrupted and may have reached Telegram'
      : interruptedReason();
    const lost = await this.ctx.repos.broadcastDeliveries.resolveInterrupted(broadcastId, reason, resend);
    if (lost > 0)
      this.ctx.log.warn(
        { broadcastId, rows: lost, resend },
        'broadcast rows were in flight in a run that died (window of doubt)',
      );
  }

  private async autoPause(broadcastId: string, reason: string): Promise<void> {
    const stats = await this.ctx.repos.broadcastDeliveries.pauseFor(broadcastId, reason);
    if (!stats) return;
    this.ctx.log.warn({ broadcastId, reason }, 'broadcast auto-paused');
    await this.publish(broadcastId, stats, { status: 'paused', statusReason: reason });
    // Somebody must decide whether to resume: every owner and admin gets an in-app notification (and its realtime event).
    await inTransaction(this.ctx, async (r) => {
      for (const userId of await r.userNotifications.adminIds()) {
        const row = await r.userNotifications.create({
          userId,
          kind: 'broadcast_auto_paused',
          conversationId: null,
          messageId: null,
          actorId: null,
          broadcastId,
          detail: reason,
        });
        await r.realtime.publish(userRoom(userId), 'notification.created', {
          notification: presentNotification(row),
        });
      }
    });
  }

  private async cancelRest(broadcastId: string): Promise<void> {
    if ((await this.ctx.repos.broadcastDeliveries.cancelPending(broadcastId)) === 0) return;
    const b = await this.ctx.repos.broadcastDeliveries.broadcast(broadcastId);
    if (b) await this.publish(broadcastId, b.stats, { status: b.status });
  }

  /** Queues this job again (job_key replaces a waiting one; a running one keeps running and a new one is added). */
  private requeue(broadcastId: string, runAt: Date): Promise<void> {
    return this.ctx.repos.jobs.add(
      'broadcasts.deliver',
      { broadcastId },
      {
        jobKey: `broadcast:deliver:${broadcastId}`,
        runAt,
      },
    );
  }

  private publish(
    broadcastId: string,
    stats: Record<string, number>,
    change: { status?: Broadcast['status']; statusReason?: string } = {},
  ): Promise<void> {
    return this.ctx.repos.realtime.publish(BROADCASTS_ROOM, 'broadcast.progressed', {
      broadcastId,
      stats,
      ...change,
    });
  }
}

/** quietHoldUntil, with a zone the runtime does not know treated as no hold (the workspace zone was checked at save). */
function safeQuietHold(at: Date, zone: string, quiet: { from: string; to: string }): Date | null {
  try {
    return quietHoldUntil(at, zone, quiet);
  } catch {
    return null;
  }
}

/**
 * Renders a recipient's message, once more when the first render ran past the render time limit: a process starved of CPU
 * (a busy host, a long GC pause) trips that limit on a template that renders in microseconds, and failing the recipient for
 * it would be wrong. A template that is really too slow fails the second time too.
 */
export function renderPastStalls(
  message: Pick<BroadcastMessage, 'forRecipient'>,
  row: Parameters<BroadcastMessage['forRecipient']>[0],
): ReturnType<BroadcastMessage['forRecipient']> {
  try {
    return message.forRecipient(row);
  } catch (err) {
    if (!(err instanceof TemplateError && /render limit exceeded|took longer than/.test(err.message)))
      throw err;
    return message.forRecipient(row);
  }
}
