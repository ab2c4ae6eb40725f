import { randomUUID } from 'node:crypto';
import type {
  Notification,
  NotificationChannelKind,
  NotificationDigest,
  NotificationType,
} from '../db/schema.ts';
import { DomainError, type FieldProblem, ValidationError } from '../lib/errors.ts';
import type { Actor } from '../repositories/audit.repository.ts';
import type { Repos } from '../repositories/index.ts';
import { inTransaction, type ServiceContext } from './context.ts';
import { DELIVERY_MAX_ATTEMPTS, drainAt } from './notification-delivery.ts';
import { notificationTypeCache } from './notification-type-cache.ts';

/**
 * The trigger API: validates a call, resolves its recipient, and queues one notification in one transaction, waking the
 * delivery drains (notification-drain.ts) at its commit. An idempotency key is claimed first in that transaction, so of concurrent identical calls exactly one
 * writes anything; the others answer with its notification.
 */

/** One call, as the API receives it (the body; the Idempotency-Key header is merged in by the route). */
export interface TriggerInput {
  type: string;
  to: { contactId?: string; externalId?: string; telegramId?: string | number; email?: string };
  data?: Record<string, unknown>;
  channels?: NotificationChannelKind[];
  idempotencyKey?: string;
  sendAt?: string;
}

export interface TriggerResult {
  notification: Notification;
  /** The idempotency key was used before (within 24 h): this is the first call's notification, nothing new was sent. */
  duplicate: boolean;
}

/** Per-item result of a batch: the notification, or the item's error. */
export type BatchItemResult =
  | { index: number; ok: true; result: TriggerResult }
  | { index: number; ok: false; error: DomainError };

/** Largest `data` (as JSON) a notification may carry. */
export const MAX_DATA_BYTES = 32 * 1024;
/** How far ahead `sendAt` may be. */
const MAX_SCHEDULE_MS = 366 * 24 * 60 * 60 * 1000;
export const BATCH_MAX = 1000;
/** Batch items are independent transactions; this many run at once. */
const BATCH_CONCURRENCY = 8;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Deliberately loose: one @, no spaces, a dot in the domain; the SMTP server has the last word.
const EMAIL = /^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/;
const KEY = /^[\x21-\x7e]{1,200}$/;

/** The checked call: what goes into the row. */
interface Checked {
  type: NotificationType;
  to: TriggerInput['to'];
  data: Record<string, unknown>;
  channels: NotificationChannelKind[] | null;
  idempotencyKey: string | null;
  sendAt: Date | null;
}

/** Checks everything that needs no recipient lookup; every problem names its field. */
export function checkInput(input: TriggerInput, type: NotificationType | undefined, now: Date): Checked {
  const problems: FieldProblem[] = [];
  if (!type) problems.push({ path: '/type', message: `no notification type with the key "${input.type}"` });
  else if (!type.enabled)
    problems.push({ path: '/type', message: `the notification type "${type.key}" is disabled` });
  const to = input.to ?? {};
  const given = (['contactId', 'externalId', 'telegramId', 'email'] as const).filter(
    (k) => to[k] !== undefined && to[k] !== null && to[k] !== '',
  );
  if (given.length !== 1)
    problems.push({ path: '/to', message: 'give exactly one of contactId, externalId, telegramId, email' });
  if (to.contactId !== undefined && !UUID.test(to.contactId))
    problems.push({ path: '/to/contactId', message: 'must be a contact id (UUID)' });
  if (to.email !== undefined && (to.email.length > 254 || !EMAIL.test(to.email)))
    problems.push({ path: '/to/email', message: 'not an email address' });
  if (to.telegramId !== undefined && !/^[1-9][0-9]{0,19}$/.test(String(to.telegramId)))
    problems.push({ path: '/to/telegramId', message: 'must be a Telegram user id (digits)' });
  if (to.externalId !== undefined && (typeof to.externalId !== 'string' || to.externalId.length > 255))
    problems.push({ path: '/to/externalId', message: 'must be a string of up to 255 characters' });
  const data = input.data ?? {};
  if (typeof data !== 'object' || Array.isArray(data) || data === null)
    problems.push({ path: '/data', message: 'must be an object' });
  else if (Buffer.byteLength(JSON.stringify(data)) > MAX_DATA_BYTES)
    problems.push({ path: '/data', message: `larger than ${MAX_DATA_BYTES / 1024} KB as JSON` });
  let channels: NotificationChannelKind[] | null = null;
  if (input.channels !== undefined) {
    channels = input.channels;
    if (!channels.length) problems.push({ path: '/channels', message: 'must name at least one channel' });
    channels.forEach((c, i) => {
      if (channels!.indexOf(c) !== i)
        problems.push({ path: `/channels/${i}`, message: `"${c}" is named twice` });
      else if (type && !type.channels.includes(c))
        problems.push({
          path: `/channels/${i}`,
          message: `"${c}" is not a channel of the type "${type.key}" (${type.channels.join(', ')})`,
        });
    });
  }
  const idempotencyKey = input.idempotencyKey ?? null;
  if (idempotencyKey !== null && !KEY.test(idempotencyKey))
    problems.push({
      path: '/idempotencyKey',
      message: 'must be 1 to 200 printable ASCII characters without spaces',
    });
  let sendAt: Date | null = null;
  if (input.sendAt !== undefined) {
    const at = new Date(input.sendAt);
    if (Number.isNaN(at.getTime()))
      problems.push({
        path: '/sendAt',
        message: 'not a date-time (ISO 8601, e.g. 2026-12-08T09:00:00+03:00)',
      });
    else if (at.getTime() - now.getTime() > MAX_SCHEDULE_MS)
      problems.push({ path: '/sendAt', message: 'must be within a year' });
    else if (type?.digestWindowSeconds)
      problems.push({
        path: '/sendAt',
        message: `the type "${type.key}" is a digest: its window decides when it goes`,
      });
    // A time in the past means now.
    else if (at > now) sendAt = at;
  }
  if (problems.length) throw new ValidationError('Invalid notification', problems);
  return { type: type!, to, data: data as Record<string, unknown>, channels, idempotencyKey, sendAt };
}

/** Finds (or, for an email address, creates) the recipient; inside the trigger's transaction. */
async function resolveContact(r: Repos, actor: Actor, to: TriggerInput['to']): Promise<string> {
  const missing = (path: string, message: string) =>
    new ValidationError('Unknown recipient', [{ path, message }]);
  // Not looked up: the foreign keys of the rows this call inserts answer whether it exists (see unknownReference).
  if (to.contactId) return to.contactId;
  if (to.externalId) {
    const c = await r.contacts.getByExternalId(to.externalId);
    if (!c) throw missing('/to/externalId', 'no contact with this externalId');
    return c.id;
  }
  if (to.telegramId !== undefined) {
    const id = await r.notifications.contactByTelegramId(String(to.telegramId));
    if (!id)
      throw missing('/to/telegramId', 'no contact has written to any of our bots from this Telegram id');
    return id;
  }
  // An email address is a channel by itself: a new address becomes a new contact (lower-cased, source "notification").
  const email = to.email!.toLowerCase();
  const found = await r.notifications.contactByEmailLocked(email);
  if (found) return found;
  const contact = await r.contacts.create({ email, source: 'notification' });
  await r.audit.record(actor, { action: 'contact.created', entityType: 'contact', entityId: contact.id });
  await r.realtime.publish('contacts', 'contact.created', { contact: contact as never });
  return contact.id;
}

/**
 * The 400 for a foreign key the insert broke: a contactId with no contact (the digest's or the notification's key), or a
 * type deleted in another process since this one cached it. Undefined for any other error.
 */
function unknownReference(err: unknown, typeKey: string): ValidationError | undefined {
  const pg = err as { code?: string; constraint?: string };
  if (pg.code !== '23503') return undefined;
  if (
    pg.constraint === 'notifications_contact_id_fkey' ||
    pg.constraint === 'notification_digests_contact_id_fkey'
  )
    return new ValidationError('Unknown recipient', [
      { path: '/to/contactId', message: 'no contact with this id' },
    ]);
  if (pg.constraint === 'notifications_type_id_fkey' || pg.constraint === 'notification_digests_type_id_fkey')
    return new ValidationError('Invalid notification', [
      { path: '/type', message: `no notification type with the key "${typeKey}"` },
    ]);
  return undefined;
}

/** Queues notifications: one call, or a batch of independent ones. */
export class NotificationTrigger {
  constructor(private readonly ctx: ServiceContext) {}

  async trigger(actor: Actor, input: TriggerInput): Promise<TriggerResult> {
    const now = this.ctx.clock.now();
    const type =
      typeof input.type === 'string'
        ? await notificationTypeCache(this.ctx).getByKey(this.ctx, input.type)
        : undefined;
    const c = checkInput(input, type, now);
    return inTransaction(this.ctx, async (r) => {
      const id = randomUUID();
      if (c.idempotencyKey && !(await r.notifications.claimKey(c.idempotencyKey, id, now))) {
        const first = await r.notifications.byKey(c.idempotencyKey);
        // The key's notification is gone only if its contact was deleted; the key then refers to nothing to repeat.
        if (first) return { notification: first, duplicate: true };
      }
      const contactId = await resolveContact(r, actor, c.to);
      const digest = c.type.digestWindowSeconds ? await this.digestFor(r, contactId, c.type, now) : null;
      const notification = await r.notifications.createAndLog(
        {
          id,
          typeId: c.type.id,
          typeKey: c.type.key,
          contactId,
          data: c.data,
          channels: c.channels,
          idempotencyKey: c.idempotencyKey,
          sendAt: c.sendAt,
          digestId: digest?.id ?? null,
          // A digest's event waits for the flush, which gives the carrier its time.
          nextAttemptAt: digest ? null : (c.sendAt ?? now),
          createdAt: now,
        },
        {
          ...(c.sendAt ? { sendAt: c.sendAt.toISOString() } : {}),
          ...(c.idempotencyKey ? { idempotencyKey: c.idempotencyKey } : {}),
          ...(digest ? { digestId: digest.id, flushAt: digest.flushAt.toISOString() } : {}),
        },
        // Due now: the drains are woken by the insert's own statement.
        { wake: !digest && !c.sendAt },
      );
      // A digest's events go out with its flush. Anything else wakes the worker processes' drains with a NOTIFY sent at
      // this commit (the insert above; no row to lock, so concurrent calls do not queue behind each other), or for
      // `sendAt` queues a drain job at that second. A lost NOTIFY only delays: the drains also poll, and a cron drain runs
      // every minute.
      if (!digest && c.sendAt) await r.jobs.add('notifications.drain', {}, drainAt(c.sendAt));
      return { notification, duplicate: false };
    }).catch((err: unknown) => {
      throw unknownReference(err, input.type) ?? err;
    });
  }

  /** Up to BATCH_MAX calls, each on its own (one bad item does not stop the others); results in input order. */
  async batch(actor: Actor, items: TriggerInput[]): Promise<BatchItemResult[]> {
    if (items.length > BATCH_MAX)
      throw new ValidationError('Batch too large', [
        { path: '/notifications', message: `at most ${BATCH_MAX} notifications per call` },
      ]);
    const results: BatchItemResult[] = new Array(items.length);
    let next = 0;
    const worker = async () => {
      while (next < items.length) {
        const index = next++;
        try {
          results[index] = { index, ok: true, result: await this.trigger(actor, items[index]!) };
        } catch (err) {
          if (!(err instanceof DomainError)) throw err;
          results[index] = { index, ok: false, error: err };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(BATCH_CONCURRENCY, items.length) }, worker));
    return results;
  }

  /**
   * The contact's open digest of this type, share-locked so its flush waits for this event; opened (with its flush job)
   * when there is none. The unique partial index on open digests makes concurrent first events agree on one digest.
   */
  private async digestFor(
    r: Repos,
    contactId: string,
    type: NotificationType,
    now: Date,
  ): Promise<NotificationDigest> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const open = await r.notificationDigests.openLocked(contactId, type.id);
      if (open) return open;
      const flushAt = new Date(now.getTime() + type.digestWindowSeconds! * 1000);
      const opened = await r.notificationDigests.open(contactId, type.id, flushAt, now);
      if (opened) {
        await r.jobs.add(
          'notifications.digest_flush',
          { digestId: opened.id },
          { runAt: flushAt, jobKey: `notification-digest:${opened.id}`, maxAttempts: DELIVERY_MAX_ATTEMPTS },
        );
        return opened;
      }
      // Neither found nor opened: a concurrent transaction opened one (now committed) or closed it; look again.
    }
    throw new Error(`could not open or join a digest for contact ${contactId}, type ${type.key}`);
  }
}
