import type { Notification, NotificationLogEntry, NotificationStatus } from '../db/schema.ts';
import { decodeCursor, encodeCursor, type Page } from '../lib/cursor.ts';
import { NotFoundError } from '../lib/errors.ts';
import type { Actor } from '../repositories/audit.repository.ts';
import { deliveryContext, inTransaction, type ServiceContext } from './context.ts';
import type { EmailSenders } from './email-senders.ts';
import { NotificationDelivery } from './notification-delivery.ts';
import { NotificationDrain } from './notification-drain.ts';
import { NotificationPump } from './notification-pump.ts';
import {
  type BatchItemResult,
  NotificationTrigger,
  type TriggerInput,
  type TriggerResult,
} from './notification-trigger.ts';
import type { TelegramAdapters } from './outbound.adapters.ts';
import type { TemplatesService } from './templates.service.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Transactional and marketing notifications: the trigger API, delivery with preferences and fallback, digests. */
export class NotificationsService {
  private readonly triggers: NotificationTrigger;
  private readonly drainer: NotificationDrain;
  /** This process's woken drain (worker processes: jobs/notification-listener.ts wakes it). */
  private readonly pump: NotificationPump;

  constructor(
    private readonly ctx: ServiceContext,
    templates: TemplatesService,
    telegramAdapters: TelegramAdapters,
    emailSenders: EmailSenders,
  ) {
    this.triggers = new NotificationTrigger(ctx);
    // Claims and outcomes on the sending path's own connections (ServiceContext.deliveryDb).
    const sending = deliveryContext(ctx);
    this.drainer = new NotificationDrain(
      sending,
      new NotificationDelivery(sending, templates, telegramAdapters, emailSenders),
    );
    this.pump = new NotificationPump(this.drainer, ctx.log);
  }

  /** `POST /notifications`: queues one (or returns the first one for a repeated idempotency key). */
  trigger(actor: Actor, input: TriggerInput): Promise<TriggerResult> {
    return this.triggers.trigger(actor, input);
  }

  /** `POST /notifications/batch`: each item on its own, results in input order. */
  batch(actor: Actor, items: TriggerInput[]): Promise<BatchItemResult[]> {
    return this.triggers.batch(actor, items);
  }

  /** Newest first; filters by contact, type key, status and creation period. */
  async list(opts: {
    contactId?: string;
    type?: string;
    status?: NotificationStatus[];
    from?: Date;
    to?: Date;
    limit: number;
    cursor?: string;
  }): Promise<Page<Notification>> {
    const after = opts.cursor
      ? decodeCursor(
          opts.cursor,
          (p) => p.k === 'notifications' && typeof p.v === 'string' && UUID.test(p.id),
        )
      : undefined;
    const rows = await this.ctx.repos.notifications.list({
      filter: {
        contactId: opts.contactId,
        typeKey: opts.type,
        status: opts.status,
        from: opts.from,
        to: opts.to,
      },
      limit: opts.limit + 1,
      after,
    });
    const more = rows.length > opts.limit;
    const data = rows.slice(0, opts.limit);
    const last = data.at(-1);
    return {
      data: data.map(({ sortValue: _, ...n }) => n),
      nextCursor: more && last ? encodeCursor({ v: last.sortValue, id: last.id, k: 'notifications' }) : null,
    };
  }

  /** One notification with its log. */
  async get(id: string): Promise<{ notification: Notification; log: NotificationLogEntry[] }> {
    const notification = await this.ctx.repos.notifications.get(id);
    if (!notification) throw new NotFoundError('Notification', id);
    return { notification, log: await this.ctx.repos.notifications.logOf(id) };
  }

  /** The hourly `notifications.prune_keys` job: idempotency keys older than 24 h are deleted. */
  async pruneKeys(): Promise<number> {
    return this.ctx.repos.notifications.pruneKeys(this.ctx.clock.now());
  }

  /** The `notifications.drain` job: every due notification, in batches, until none is left. */
  drain(opts: { signal?: AbortSignal } = {}): Promise<void> {
    return this.drainer.run(opts);
  }

  /** Rows may be due (a NOTIFY, the poll): this process's drain runs, or claims once more if it is running. */
  wake(): void {
    this.pump.wake();
  }

  /** Shutdown: this process's drain stops claiming and records what it sent. */
  stopDraining(): Promise<void> {
    return this.pump.stop();
  }

  /**
   * One notification now, whatever its time: a `notifications.deliver` job queued before the drain existed. A transient
   * failure is recorded as a retry (the drain takes it up after the backoff) and thrown.
   */
  deliver(notificationId: string, opts: { lastAttempt?: boolean } = {}): Promise<void> {
    return this.drainer.deliverOne(notificationId, opts);
  }

  /**
   * The `notifications.digest_flush` job: closes the digest (once: the status guard makes a second run a no-op) and
   * hands its first event the whole list to deliver (its time set, the drains woken at commit); the other events are marked `digested` into it.
   */
  async flushDigest(digestId: string): Promise<void> {
    await inTransaction(this.ctx, async (r) => {
      const at = this.ctx.clock.now();
      const digest = await r.notificationDigests.close(digestId, at);
      if (!digest) return;
      const members = await r.notificationDigests.members(digestId);
      const carrier = members[0];
      if (!carrier) return;
      await r.notificationDigests.setCarrier(digestId, carrier.id);
      await r.notifications.update(carrier.id, { nextAttemptAt: at }, at);
      for (const m of members.slice(1)) {
        await r.notifications.update(m.id, { status: 'digested', reason: `merged into ${carrier.id}` }, at);
        await r.notifications.log(m.id, 'digested', at, { carrierId: carrier.id });
      }
      await r.notificationDrain.wake();
    });
  }
}
