import type { Broadcast, BroadcastDeliveryStatus, BroadcastStatus } from '../db/schema.ts';
import { presentBroadcast } from '../http/broadcast.presenters.ts';
import { ConflictError, NotFoundError } from '../lib/errors.ts';
import { BROADCASTS_ROOM } from '../realtime/event-map.ts';
import type { Actor } from '../repositories/audit.repository.ts';
import type { Repos } from '../repositories/index.ts';
import { snapshotRecipients } from './broadcast-snapshot.ts';
import { type BroadcastInput, checkBroadcastInput } from './broadcasts.input.ts';
import {
  type BroadcastPage,
  type DeliveryPage,
  deliveriesCsv,
  deliveriesPage,
  listPage,
  sendTest,
  type TestSendResult,
} from './broadcasts.reads.ts';
import { inTransaction, type ServiceContext } from './context.ts';
import type { TelegramAdapters } from './outbound.adapters.ts';
import { type FilterGroup, parseFilter } from './segments/filter.ts';
import type { TemplatesService } from './templates.service.ts';

/** Statuses in which a broadcast can still be edited (nothing has been sent and no recipient is fixed). */
const EDITABLE: readonly BroadcastStatus[] = ['draft', 'scheduled'];
/** Deletable: not yet started, or over. Sending and paused ones must be cancelled first (rows are in senders' hands). */
const DELETABLE: readonly BroadcastStatus[] = ['draft', 'scheduled', 'cancelled', 'completed', 'failed'];
/** A scheduled start may run this early (job runners poll): later than this it is re-queued for its time. */
const START_EARLY_MS = 1000;
const SCHEDULER: Actor = { type: 'system', id: null, name: 'broadcast scheduler' };

const deliverJobKey = (id: string) => `broadcast:deliver:${id}`;

/** 409 naming the current status and the statuses the action needs. */
function illegal(
  action: string,
  current: BroadcastStatus,
  allowed: readonly BroadcastStatus[],
): ConflictError {
  return new ConflictError(
    `Cannot ${action} a broadcast that is ${current} (needs ${allowed.join(' or ')})`,
    [{ path: '/status', message: current }],
  );
}

/** The single read's additions to a broadcast (BroadcastsService.details). */
export interface BroadcastDetails {
  failedByReason: Array<{ reason: string; count: number }>;
  progress: { ratePerSecond: number; estimatedFinishAt: string | null };
}

/** Broadcasts: CRUD, the status machine, scheduling and the audience snapshot (docs/architecture.md "Broadcasts"). */
export class BroadcastsService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly templates: TemplatesService,
    private readonly adapters: TelegramAdapters,
  ) {}

  async get(id: string): Promise<Broadcast> {
    const b = await this.ctx.repos.broadcasts.get(id);
    if (!b) throw new NotFoundError('Broadcast', id);
    return b;
  }

  /**
   * What the single read adds to the counters: the most common failure reasons, and the pace so far. The rate is the
   * average since the start (outcomes per second of the time it has been sending, pauses included), so the estimate is
   * rough where local-time waves or quiet hours hold recipients back; clients wanting the rate of the last seconds derive it
   * from successive `broadcast.progressed` events.
   */
  async details(b: Broadcast): Promise<BroadcastDetails> {
    const failedByReason =
      (b.stats?.failed ?? 0) > 0 ? await this.ctx.repos.broadcasts.failedReasons(b.id) : [];
    const stats = b.stats ?? {};
    const done = (stats.sent ?? 0) + (stats.failed ?? 0) + (stats.blocked ?? 0) + (stats.unknown ?? 0);
    const left = (stats.pending ?? 0) + (stats.sending ?? 0);
    const end = b.finishedAt ?? this.ctx.clock.now();
    const seconds = b.startedAt ? (end.getTime() - b.startedAt.getTime()) / 1000 : 0;
    const rate = seconds > 0 ? done / seconds : 0;
    const sending = b.status === 'sending';
    return {
      failedByReason,
      progress: {
        ratePerSecond: Math.round(rate * 100) / 100,
        estimatedFinishAt:
          sending && rate > 0 && left > 0
            ? new Date(this.ctx.clock.now().getTime() + (left / rate) * 1000).toISOString()
            : null,
      },
    };
  }

  /** Newest first, optionally by status; cursor pagination. */
  list(opts: { status?: BroadcastStatus[]; limit: number; cursor?: string }): Promise<BroadcastPage> {
    return listPage(this.ctx.repos, opts);
  }

  /** Creates a draft, or a scheduled broadcast when `scheduledAt` is given (its start job queued with it). */
  async create(actor: Actor, input: BroadcastInput): Promise<Broadcast> {
    const workspace = await this.templates.workspace();
    return inTransaction(this.ctx, async (r) => {
      const { write } = await checkBroadcastInput(r, input, undefined, {
        now: this.ctx.clock.now(),
        workspace,
      });
      if (write.scheduledAt) write.status = 'scheduled';
      const b = await r.broadcasts.create(
        write as typeof write & { title: string; channelId: string },
        actor.type === 'user' ? actor.id : null,
      );
      if (b.status === 'scheduled') await this.queueStart(r, b);
      await this.record(r, actor, 'broadcast.created', b, { title: b.title, status: b.status });
      return b;
    });
  }

  /**
   * Changes a draft or scheduled broadcast. `scheduledAt` schedules (or moves) it; `scheduledAt: null` turns a scheduled one
   * back into a draft. The row is locked first, so a start racing the change either sees the change or makes this a 409.
   */
  async update(actor: Actor, id: string, input: BroadcastInput): Promise<Broadcast> {
    const workspace = await this.templates.workspace();
    return inTransaction(this.ctx, async (r) => {
      const current = await r.broadcasts.get(id, true);
      if (!current) throw new NotFoundError('Broadcast', id);
      if (!EDITABLE.includes(current.status)) throw illegal('change', current.status, EDITABLE);
      const { write } = await checkBroadcastInput(r, input, current, {
        now: this.ctx.clock.now(),
        workspace,
      });
      if (write.scheduledAt) write.status = 'scheduled';
      else if (write.scheduledAt === null) write.status = 'draft';
      const b = (await r.broadcasts.update(id, EDITABLE, write))!;
      if (write.scheduledAt) await this.queueStart(r, b);
      else if (write.scheduledAt === null) await r.broadcasts.removeStartJob(id);
      await this.record(r, actor, 'broadcast.updated', b, { changed: Object.keys(input) });
      return b;
    });
  }

  async delete(actor: Actor, id: string): Promise<void> {
    await inTransaction(this.ctx, async (r) => {
      const b = await r.broadcasts.get(id, true);
      if (!b) throw new NotFoundError('Broadcast', id);
      if (!(await r.broadcasts.delete(id, DELETABLE))) throw illegal('delete', b.status, DELETABLE);
      await r.broadcasts.removeStartJob(id);
      await this.record(r, actor, 'broadcast.deleted', b, { title: b.title, status: b.status });
    });
  }

  /** Starts now: draft or scheduled → sending, with the snapshot and the delivery job in the same transaction. */
  async sendNow(actor: Actor, id: string): Promise<Broadcast> {
    return inTransaction(this.ctx, async (r) => {
      const b = await r.broadcasts.transition(id, EDITABLE, 'sending', {
        startedAt: 'now',
        statusReason: null,
      });
      if (!b) throw await this.conflict(r, id, 'start', EDITABLE);
      await r.broadcasts.removeStartJob(id);
      const started = await this.start(r, b);
      await this.record(r, actor, 'broadcast.started', started, { stats: started.stats });
      return started;
    });
  }

  /** Schedules (or moves) the start: draft or scheduled → scheduled; the start job is queued (or replaced) with it. */
  async schedule(actor: Actor, id: string, at: string): Promise<Broadcast> {
    return this.update(actor, id, { scheduledAt: at });
  }

  /** Scheduled → draft; the start job is removed. */
  async unschedule(actor: Actor, id: string): Promise<Broadcast> {
    return inTransaction(this.ctx, async (r) => {
      const b = await r.broadcasts.transition(id, ['scheduled'], 'draft', { scheduledAt: null });
      if (!b) throw await this.conflict(r, id, 'unschedule', ['scheduled']);
      await r.broadcasts.removeStartJob(id);
      await this.record(r, actor, 'broadcast.unscheduled', b, {});
      return b;
    });
  }

  /** Sending → paused: senders stop claiming at their next batch; sends in flight finish and are recorded. */
  async pause(actor: Actor, id: string): Promise<Broadcast> {
    return inTransaction(this.ctx, async (r) => {
      const b = await r.broadcasts.transition(id, ['sending'], 'paused');
      if (!b) throw await this.conflict(r, id, 'pause', ['sending']);
      await this.record(r, actor, 'broadcast.paused', b, {});
      return b;
    });
  }

  /** Paused → sending (an automatic pause's reason is cleared); the delivery job is queued again for the rows left. */
  async resume(actor: Actor, id: string): Promise<Broadcast> {
    return inTransaction(this.ctx, async (r) => {
      const b = await r.broadcasts.transition(id, ['paused'], 'sending', { statusReason: null });
      if (!b) throw await this.conflict(r, id, 'resume', ['paused']);
      await r.jobs.add('broadcasts.deliver', { broadcastId: id }, { jobKey: deliverJobKey(id) });
      await this.record(r, actor, 'broadcast.resumed', b, {});
      return b;
    });
  }

  /**
   * Scheduled, sending or paused → cancelled: the start job is removed and every recipient not yet claimed is marked
   * cancelled (counters moved with it); rows a sender holds end with their real outcome. A draft is deleted, not cancelled.
   */
  async cancel(actor: Actor, id: string): Promise<Broadcast> {
    const from: BroadcastStatus[] = ['scheduled', 'sending', 'paused'];
    return inTransaction(this.ctx, async (r) => {
      const b = await r.broadcasts.transition(id, from, 'cancelled', { finishedAt: 'now' });
      if (!b) throw await this.conflict(r, id, 'cancel', from);
      await r.broadcasts.removeStartJob(id);
      const cancelled = await r.broadcasts.cancelPending(id);
      const after = (await r.broadcasts.get(id))!;
      await this.record(r, actor, 'broadcast.cancelled', after, { recipientsCancelled: cancelled });
      return after;
    });
  }

  /** A new draft with the same audience, message, buttons and timing options; never the schedule or the counters. */
  async duplicate(actor: Actor, id: string): Promise<Broadcast> {
    return inTransaction(this.ctx, async (r) => {
      const src = await r.broadcasts.get(id);
      if (!src) throw new NotFoundError('Broadcast', id);
      const b = await r.broadcasts.create(
        {
          title: `${src.title} (copy)`.slice(0, 200),
          channelId: src.channelId,
          segmentId: src.segmentId,
          filter: src.filter as FilterGroup | null,
          templateId: src.templateId,
          content: src.content,
          buttons: src.buttons,
          attachmentId: src.attachmentId,
          localTime: src.localTime,
          quietHours: src.quietHours,
          paidBroadcast: src.paidBroadcast,
        },
        actor.type === 'user' ? actor.id : null,
      );
      await this.record(r, actor, 'broadcast.created', b, { duplicateOf: id });
      return b;
    });
  }

  /**
   * Job `broadcasts.start`: starts a scheduled broadcast whose time has come. Exactly once whatever the number of workers:
   * the conditional update `scheduled → sending` is the decision, and a second caller finds the status changed and does
   * nothing. A job that runs early (a reschedule raced it) re-queues itself for the stored time. A broadcast whose audience
   * or message is gone (segment or template deleted) fails with the reason instead of retrying forever.
   */
  async startScheduled(broadcastId: string): Promise<void> {
    const current = await this.ctx.repos.broadcasts.get(broadcastId);
    if (current?.status !== 'scheduled') return;
    const now = this.ctx.clock.now().getTime();
    if (current.scheduledAt && current.scheduledAt.getTime() - now > START_EARLY_MS) {
      await this.queueStart(this.ctx.repos, current);
      return;
    }
    try {
      await inTransaction(this.ctx, async (r) => {
        const b = await r.broadcasts.transition(broadcastId, ['scheduled'], 'sending', {
          startedAt: 'now',
          statusReason: null,
        });
        if (!b) return;
        const started = await this.start(r, b);
        await this.record(r, SCHEDULER, 'broadcast.started', started, { stats: started.stats });
      });
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      const failed = await this.ctx.repos.broadcasts.transition(broadcastId, ['scheduled'], 'failed', {
        finishedAt: 'now',
        statusReason: err.message,
      });
      if (failed) {
        this.ctx.log.warn({ broadcastId, reason: err.message }, 'scheduled broadcast could not start');
        await this.ctx.repos.realtime.publish(BROADCASTS_ROOM, 'broadcast.updated', {
          broadcast: presentBroadcast(failed),
        });
      }
    }
  }

  /** Sends the broadcast to one contact through the bot, now, for a look before sending; no row, no counter. */
  async testSend(id: string, contactId: string): Promise<TestSendResult> {
    const b = await this.get(id);
    return sendTest(this.ctx, this.adapters, b, contactId, await this.templates.workspace());
  }

  /** A page of recipients and their outcomes, optionally by status. */
  async deliveries(
    id: string,
    opts: { status?: BroadcastDeliveryStatus[]; limit: number; cursor?: string },
  ): Promise<DeliveryPage> {
    await this.get(id);
    return deliveriesPage(this.ctx.repos, id, opts);
  }

  /** Every recipient as CSV lines (header first), read in batches: any size, constant memory. */
  async deliveriesCsv(
    id: string,
    opts: { delimiter: string; bom: boolean },
  ): Promise<AsyncGenerator<string>> {
    await this.get(id);
    return deliveriesCsv(this.ctx.repos, id, opts);
  }

  /**
   * The snapshot, in the transaction that made the broadcast `sending`: set-based inserts of the recipients (two halves at
   * once, see snapshotRecipients), the counters from the inserts themselves, and the delivery job (job key: at most one
   * queued per broadcast). The clock's now is the start instant for local-time waves, so tests can pin it.
   */
  private async start(r: Repos, b: Broadcast): Promise<Broadcast> {
    const filter = await this.audienceOf(r, b);
    if (!b.templateId && !b.content)
      throw new ConflictError('The broadcast has no message (its template was deleted)', [
        { path: '/templateId', message: 'deleted' },
      ]);
    const workspace = await this.templates.workspace();
    const stats = await snapshotRecipients(this.ctx, r, b, filter, {
      startAt: this.ctx.clock.now(),
      defaultTimezone: workspace.timezone,
      localTime: b.localTime,
      quietHours: b.quietHours,
    });
    await r.broadcasts.setStats(b.id, stats);
    await r.jobs.add('broadcasts.deliver', { broadcastId: b.id }, { jobKey: deliverJobKey(b.id) });
    return { ...b, stats };
  }

  /** The audience's filter: the broadcast's own, or its segment's as stored now (re-parsed: the grammar may have changed). */
  private async audienceOf(r: Repos, b: Broadcast): Promise<FilterGroup> {
    let raw: unknown = b.filter;
    if (b.segmentId) raw = (await r.segments.get(b.segmentId))?.filter;
    if (raw === null || raw === undefined)
      throw new ConflictError('The broadcast has no audience (its segment was deleted)', [
        { path: '/segmentId', message: 'deleted' },
      ]);
    const { filter, problems } = parseFilter(raw, 'filter');
    if (!filter)
      throw new ConflictError('The audience filter cannot be read by this version; edit it', problems);
    return filter;
  }

  private async queueStart(r: Repos, b: Broadcast): Promise<void> {
    await r.jobs.add(
      'broadcasts.start',
      { broadcastId: b.id },
      { runAt: b.scheduledAt ?? undefined, jobKey: r.broadcasts.startJobKey(b.id) },
    );
  }

  /** The 409 for a transition the conditional update refused (or 404 when there is no such broadcast). */
  private async conflict(r: Repos, id: string, action: string, allowed: readonly BroadcastStatus[]) {
    const b = await r.broadcasts.get(id);
    if (!b) return new NotFoundError('Broadcast', id);
    return illegal(action, b.status, allowed);
  }

  /** The audit entry of a change, and the `broadcasts` room told (at commit) how the broadcast looks now. */
  private async record(r: Repos, actor: Actor, action: string, b: Broadcast, after: Record<string, unknown>) {
    await r.audit.record(actor, { action, entityType: 'broadcast', entityId: b.id, after });
    if (action === 'broadcast.deleted')
      await r.realtime.publish(BROADCASTS_ROOM, 'broadcast.deleted', { id: b.id });
    else await r.realtime.publish(BROADCASTS_ROOM, 'broadcast.updated', { broadcast: presentBroadcast(b) });
  }
}
