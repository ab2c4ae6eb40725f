import type { OutgoingButtons } from '../channels/channel.ts';
import type { TelegramAdapter } from '../channels/telegram/telegram.adapter.ts';
import type { AttemptOutcome } from '../db/schema.ts';
import type { AttemptRow, ClaimedMessage, FinalState } from '../repositories/bulk-deliveries.repository.ts';
import type { ServiceContext } from './context.ts';
import type { TelegramAdapters } from './outbound.adapters.ts';
import { interruptedReason, judgeFailure, needsRetryCount, unreachableReason } from './outbound.failure.ts';
import { ordered, outgoingOf } from './outbound.message.ts';
import { DEFAULT_RETRY, type RetryPolicy } from './outbound.retry.ts';
import { OutcomeRecorder } from './outcome-recorder.ts';

/** How the bulk sender works through a channel's queue. */
export interface BulkSendOptions {
  /** Messages in flight at once (each waits for its slot from the limiter, then for Telegram). */
  readonly concurrency: number;
  /** Messages claimed per statement; the next batch is claimed when half of this one is left. */
  readonly batchSize: number;
  /** How long a claim holds its messages; see LEASE_MARGIN_MS. */
  readonly leaseMs: number;
  /** Outcomes not yet committed before senders wait for the recorder (bounds the window of doubt). */
  readonly maxBacklog: number;
  /** How long a flush gathers outcomes before its statement (fewer, larger statements; senders do not wait for it). */
  readonly flushGatherMs: number;
}

export const DEFAULT_BULK_SEND: BulkSendOptions = Object.freeze({
  concurrency: 10,
  batchSize: 100,
  leaseMs: 15 * 60_000,
  maxBacklog: 200,
  flushGatherMs: 20,
});

/**
 * No message is dispatched later than this before its lease ends, so a request (30 s timeout, a few 429 pauses) finishes
 * well inside the lease and the outcome is recorded before another sender could take the row as stale.
 */
const LEASE_MARGIN_MS = 5 * 60_000;

type Recorder = (
  row: ClaimedMessage,
  final: FinalState,
  attempts: AttemptRow[],
  unreachable?: string,
) => Promise<void>;

const wrap = (committed: Promise<void>) => ({ committed });

/** What a drain did, by final state. */
export interface BulkSendReport {
  claimed: number;
  sent: number;
  failed: number;
  requeued: number;
  released: number;
}

interface Claimed {
  readonly row: ClaimedMessage;
  /** Local time after which this message is not dispatched (released instead). */
  readonly deadline: number;
}

/**
 * The batched send path for bulk traffic (broadcasts and any other bulk caller): claims queued bulk messages of a channel
 * many at a time (one statement), sends each through the channel's TelegramAdapter with the bulk priority (same limiter,
 * same planning, same failure classification as the per-message job), and records outcomes write-behind, many per statement.
 * No realtime event per message: bulk progress is read in bulk. See docs/architecture.md, "Bulk sending".
 */
export class BulkSender {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly adapters: TelegramAdapters,
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
    private readonly options: BulkSendOptions = DEFAULT_BULK_SEND,
  ) {}

  /**
   * Sends the channel's claimable bulk messages until none is left (messages waiting for a retry are left for a later drain).
   * A paused or missing channel sends nothing. Aborting stops claiming and releases what was claimed but not dispatched.
   * Throws when recording fails (the database is gone): what was not recorded stays 'sending' until its lease runs out.
   */
  async drain(channelId: string, signal?: AbortSignal): Promise<BulkSendReport> {
    const report: BulkSendReport = { claimed: 0, sent: 0, failed: 0, requeued: 0, released: 0 };
    const channel = await this.ctx.repos.channels.get(channelId);
    if (!channel || channel.status === 'paused') return report;
    const adapter = this.adapters.forChannel(channel, 'bulk');
    const recorder = new OutcomeRecorder(
      this.ctx.repos.bulkDeliveries,
      channelId,
      undefined,
      this.options.flushGatherMs,
    );
    const { batchSize, leaseMs, concurrency, maxBacklog } = this.options;
    const queue: Claimed[] = [];
    let exhausted = false;
    let claiming: Promise<void> | null = null;
    let failure: unknown = null;
    const claimMore = () => {
      claiming ??= (async () => {
        const deadline = Date.now() + leaseMs - Math.min(LEASE_MARGIN_MS, leaseMs / 2);
        const rows = await this.ctx.repos.bulkDeliveries.claim(channelId, batchSize, leaseMs);
        report.claimed += rows.length;
        if (rows.length === 0) exhausted = true;
        for (const row of rows) queue.push({ row, deadline });
      })().finally(() => {
        claiming = null;
      });
      return claiming;
    };
    const record: Recorder = (row, final, attempts, unreachable) => {
      report[final.status === 'queued' ? 'requeued' : final.status] += 1;
      const done = recorder
        .add({
          outcome: { messageId: row.id, heldUntil: row.heldUntil, final },
          attempts,
          ...(unreachable
            ? { unreachableChat: { chatExternalId: row.chatExternalId, error: unreachable } }
            : {}),
        })
        .then(() => {
          for (const a of attempts) this.ctx.sendMetrics?.attempt(channel.type, a.outcome);
        });
      done.catch((err) => {
        failure ??= err;
      });
      return done;
    };
    const worker = async () => {
      while (failure === null) {
        if (queue.length < batchSize / 2 && !exhausted && !signal?.aborted) void claimMore().catch(stop);
        const next = queue.shift();
        if (!next) {
          if (exhausted || signal?.aborted) return;
          await (claiming ?? claimMore()).catch(stop);
          continue;
        }
        if (signal?.aborted || Date.now() > next.deadline) {
          record(next.row, { status: 'released' }, []);
          continue;
        }
        const { committed: done } = await this.sendOne(adapter, next.row, record);
        if (recorder.backlog >= maxBacklog) await done.catch(() => undefined);
      }
    };
    const stop = (err: unknown) => {
      failure ??= err;
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    for (const left of queue.splice(0)) record(left.row, { status: 'released' }, []);
    await recorder.drained();
    failure ??= recorder.error;
    if (failure !== null) throw failure;
    return report;
  }

  /**
   * One claimed message: a stale claim is failed as interrupted (never resent), an unreachable identity is failed without a
   * request, anything else is sent and its outcome judged like the per-message job's. Returns (wrapped, so this does not wait
   * for it) the commit of its outcome.
   */
  private async sendOne(
    adapter: TelegramAdapter,
    row: ClaimedMessage,
    record: Recorder,
  ): Promise<{ committed: Promise<void> }> {
    const attempt = (
      outcome: AttemptOutcome,
      errorCode: number | null,
      description: string | null,
      at: Date,
    ) => ({
      messageId: row.id,
      outcome,
      errorCode,
      description,
      startedAt: at,
    });
    let startedAt = new Date();
    if (row.stale) {
      const reason = interruptedReason();
      return wrap(
        record(row, { status: 'failed', error: reason }, [attempt('unavailable', null, reason, startedAt)]),
      );
    }
    if (row.chatKind === 'private' && row.reachable === false) {
      const reason = unreachableReason(row.lastError);
      return wrap(
        record(row, { status: 'failed', error: reason }, [attempt('unreachable', null, reason, startedAt)]),
      );
    }
    const attrs = row.contentAttributes as { buttons?: OutgoingButtons; silent?: boolean };
    const outgoing = outgoingOf(
      row,
      row.content,
      { buttons: attrs.buttons, silent: attrs.silent },
      ordered(row.attachments, row),
      row.replySourceId ?? undefined,
    );
    const attempts: AttemptRow[] = [];
    const parts: string[][] = [];
    try {
      await adapter.send(outgoing, {
        afterPart: async (_i, ids) => {
          parts.push(ids);
        },
        onRateLimited: async ({ description }) => {
          attempts.push(attempt('rate_limited', 429, description, startedAt));
          startedAt = new Date();
        },
      });
    } catch (err) {
      const prior = needsRetryCount(err) ? row.priorRetries + attempts.length : 0;
      const verdict = judgeFailure(err, prior, this.retry);
      if (verdict.action === 'internal') {
        const reason = `internal error: ${(err as Error).message ?? err}`;
        attempts.push(attempt('unavailable', null, reason, startedAt));
        return wrap(record(row, { status: 'failed', error: reason }, attempts));
      }
      attempts.push(attempt(verdict.outcome, verdict.errorCode, verdict.description, startedAt));
      if (verdict.action === 'retry')
        return wrap(
          record(row, { status: 'queued', error: verdict.reason, retryMs: verdict.delayMs }, attempts),
        );
      const unreachable = verdict.unreachable && row.chatKind === 'private' ? verdict.description : undefined;
      return wrap(record(row, { status: 'failed', error: verdict.description }, attempts, unreachable));
    }
    attempts.push(attempt('sent', null, null, startedAt));
    return wrap(record(row, { status: 'sent', parts }, attempts));
  }
}
