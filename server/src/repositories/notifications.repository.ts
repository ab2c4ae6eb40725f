import { type SqlBool, sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type {
  Channel,
  Contact,
  ContactPreferences,
  Notification,
  NotificationChannelKind,
  NotificationLogEntry,
  NotificationLogEvent,
  NotificationStatus,
  NotificationType,
  TemplateRow,
} from '../db/schema.ts';
import type { CursorPosition } from '../lib/cursor.ts';

/** The LISTEN/NOTIFY channel that wakes the drains of every worker process (jobs/notification-listener.ts). */
export const NOTIFICATIONS_DUE_CHANNEL = 'switchboard_notifications_due';

/** How long an idempotency key holds: a later call with the same key makes a new notification. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;

/** A new notification row (the id is chosen by the caller: the idempotency key points at it before it exists). */
export interface NotificationInsert {
  id: string;
  typeId: string;
  typeKey: string;
  contactId: string;
  data: Record<string, unknown>;
  channels: NotificationChannelKind[] | null;
  idempotencyKey: string | null;
  sendAt: Date | null;
  digestId?: string | null;
  /** When the drain may take it; absent or null: not until something sets it (a digest's flush). */
  nextAttemptAt?: Date | null;
  createdAt: Date;
}

/** Fields a state change may set. */
export interface NotificationChange {
  status?: NotificationStatus;
  channel?: NotificationChannelKind | null;
  channelId?: string | null;
  externalId?: string | null;
  reason?: string | null;
  sendingAt?: Date | null;
  sentAt?: Date | null;
  digestId?: string | null;
  nextAttemptAt?: Date | null;
  attempts?: number;
}

export interface NotificationListFilter {
  contactId?: string;
  typeKey?: string;
  status?: NotificationStatus[];
  from?: Date;
  to?: Date;
}

/** Where a Telegram notification can go: the contact's reachable identity on an active bot, with that bot's row. */
export interface TelegramTarget {
  identityId: string;
  chatExternalId: string;
  channel: Channel;
}

/** What a delivery job's first transaction reads, in one statement (the notification row locked). */
export interface DeliveryRead {
  n: Notification;
  type: NotificationType | undefined;
  contact: Contact;
  preferences: ContactPreferences | undefined;
  /** The type's template per channel kind (absent: none set, or deleted). */
  templates: Partial<Record<NotificationChannelKind, TemplateRow>>;
  /** Every workspace setting (key → JSON value). */
  settings: Map<string, unknown>;
}

/**
 * A row that came back as jsonb (`to_jsonb(t)`): top-level keys to camelCase as CamelCasePlugin does for plain rows,
 * timestamps (columns ending in `_at`) back to Date. Nested JSON (attributes, preferences) keeps its keys.
 */
function fromJsonRow<T>(row: Record<string, unknown> | null): T | undefined {
  if (!row) return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    const key = k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    out[key] = k.endsWith('_at') && typeof v === 'string' ? new Date(v) : v;
  }
  return out as T;
}

/** Notifications, their idempotency keys and their log. */
export class NotificationsRepository {
  constructor(private readonly db: DbOrTx) {}

  /**
   * Claims an idempotency key for `notificationId`: true when this call owns it (new, or older than the window and taken
   * over). Concurrent claims of one key queue on the primary key; after the first commits the rest get false.
   */
  async claimKey(key: string, notificationId: string, now: Date): Promise<boolean> {
    const expired = new Date(now.getTime() - IDEMPOTENCY_WINDOW_MS);
    const r = await this.db
      .insertInto('notificationIdempotencyKeys')
      .values({ key, notificationId, createdAt: now })
      .onConflict((oc) =>
        oc
          .column('key')
          .doUpdateSet((eb) => ({
            notificationId: eb.ref('excluded.notificationId'),
            createdAt: eb.ref('excluded.createdAt'),
          }))
          .where('notificationIdempotencyKeys.createdAt', '<', expired),
      )
      .returning('notificationId')
      .executeTakeFirst();
    return r?.notificationId === notificationId;
  }

  /** Deletes keys past the window; returns how many. */
  async pruneKeys(now: Date): Promise<number> {
    const r = await this.db
      .deleteFrom('notificationIdempotencyKeys')
      .where('createdAt', '<', new Date(now.getTime() - IDEMPOTENCY_WINDOW_MS))
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  /** The notification an idempotency key points at. */
  byKey(key: string): Promise<Notification | undefined> {
    return this.db
      .selectFrom('notificationIdempotencyKeys as k')
      .innerJoin('notifications as n', 'n.id', 'k.notificationId')
      .selectAll('n')
      .where('k.key', '=', key)
      .executeTakeFirst();
  }

  create(row: NotificationInsert): Promise<Notification> {
    return this.db
      .insertInto('notifications')
      .values({ ...row, data: JSON.stringify(row.data), updatedAt: row.createdAt })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /**
   * Inserts the notification and its first log entry (`queued`, with `detail`) in one statement; with `wake`, the same
   * statement wakes the drains (NotificationDrainRepository.wake: a NOTIFY delivered at commit), saving the call a round trip.
   */
  async createAndLog(
    row: NotificationInsert,
    detail: Record<string, unknown>,
    opts: { wake?: boolean } = {},
  ): Promise<Notification> {
    const { woken: _, ...created } = await this.db
      .with('n', (db) =>
        db
          .insertInto('notifications')
          .values({ ...row, data: JSON.stringify(row.data), updatedAt: row.createdAt })
          .returningAll(),
      )
      .with('l', (db) =>
        db
          .insertInto('notificationLog')
          .columns(['notificationId', 'event', 'channel', 'detail', 'at'])
          .expression((eb) =>
            eb
              .selectFrom('n')
              .select([
                'n.id',
                sql<string>`'queued'`.as('event'),
                sql<string | null>`null::text`.as('channel'),
                sql<string>`${JSON.stringify(detail)}::jsonb`.as('detail'),
                'n.createdAt',
              ]),
          ),
      )
      .selectFrom('n')
      .selectAll()
      .select(
        sql<null>`case when ${opts.wake === true} then pg_notify(${NOTIFICATIONS_DUE_CHANNEL}, '') end`.as(
          'woken',
        ),
      )
      .executeTakeFirstOrThrow();
    return created as Notification;
  }

  get(id: string, forUpdate = false): Promise<Notification | undefined> {
    let q = this.db.selectFrom('notifications').selectAll().where('id', '=', id);
    if (forUpdate) q = q.forUpdate();
    return q.executeTakeFirst();
  }

  /**
   * One notification's delivery reads in one round trip, the row locked (FOR UPDATE OF n only: the joined rows are read,
   * not locked). Undefined when the notification is gone. The drain reads many the same way (notification-drain.repository.ts).
   */
  async forDelivery(id: string): Promise<DeliveryRead | undefined> {
    const row = await deliveryReads(this.db).where('n.id', '=', id).forUpdate('n').executeTakeFirst();
    return row ? toDeliveryRead(row) : undefined;
  }

  /**
   * A state change and its log entry in one statement (so without a transaction around them): the log row is inserted
   * from the update's RETURNING, so it exists exactly when the update happened. Throws when the notification is gone.
   */
  async updateAndLog(
    id: string,
    change: NotificationChange,
    at: Date,
    log: {
      event: NotificationLogEvent;
      detail: Record<string, unknown>;
      channel: NotificationChannelKind | null;
    },
  ): Promise<void> {
    const r = await this.db
      .with('u', (db) =>
        db
          .updateTable('notifications')
          .set({ ...change, updatedAt: at })
          .where('id', '=', id)
          .returning('id'),
      )
      .insertInto('notificationLog')
      .columns(['notificationId', 'event', 'channel', 'detail', 'at'])
      .expression((eb) =>
        eb
          .selectFrom('u')
          .select([
            'u.id',
            sql<string>`${log.event}::text`.as('event'),
            sql<string | null>`${log.channel}::text`.as('channel'),
            sql<string>`${JSON.stringify(log.detail)}::jsonb`.as('detail'),
            sql<Date>`${at}::timestamptz`.as('at'),
          ]),
      )
      .executeTakeFirst();
    if (Number(r.numInsertedOrUpdatedRows ?? 0n) === 0) throw new Error(`notification ${id} not found`);
  }

  update(id: string, change: NotificationChange, at: Date): Promise<Notification> {
    return this.db
      .updateTable('notifications')
      .set({ ...change, updatedAt: at })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** Appends one state change to the notification's log. */
  async log(
    notificationId: string,
    event: NotificationLogEvent,
    at: Date,
    detail: Record<string, unknown> = {},
    channel: NotificationChannelKind | null = null,
  ): Promise<void> {
    await this.db
      .insertInto('notificationLog')
      .values({ notificationId, event, channel, detail: JSON.stringify(detail), at })
      .execute();
  }

  logOf(notificationId: string): Promise<NotificationLogEntry[]> {
    return this.db
      .selectFrom('notificationLog')
      .selectAll()
      .where('notificationId', '=', notificationId)
      .orderBy('id')
      .execute();
  }

  /** Channel kinds that already failed for good on this notification (a retry does not try them again). */
  async failedChannels(notificationId: string): Promise<NotificationChannelKind[]> {
    const rows = await this.db
      .selectFrom('notificationLog')
      .select(sql<NotificationChannelKind>`detail->>'from'`.as('channel'))
      .where('notificationId', '=', notificationId)
      .where('event', '=', 'fallback')
      .where(sql<SqlBool>`detail->>'permanent' = 'true'`)
      .execute();
    return rows.map((r) => r.channel);
  }

  /** Newest first, keyset-paginated by (created_at, id). */
  list(opts: {
    filter: NotificationListFilter;
    limit: number;
    after?: CursorPosition;
  }): Promise<Array<Notification & { sortValue: string }>> {
    const f = opts.filter;
    // The sort value as text keeps microseconds: a cursor cut to milliseconds would skip rows created within one.
    let q = this.db
      .selectFrom('notifications')
      .selectAll()
      .select(sql<string>`created_at::text`.as('sortValue'));
    if (f.contactId) q = q.where('contactId', '=', f.contactId);
    if (f.typeKey) q = q.where('typeKey', '=', f.typeKey);
    if (f.status?.length) q = q.where('status', 'in', f.status);
    if (f.from) q = q.where('createdAt', '>=', f.from);
    if (f.to) q = q.where('createdAt', '<', f.to);
    if (opts.after)
      q = q.where(
        sql<SqlBool>`(created_at, id) < (${String(opts.after.v)}::timestamptz, ${opts.after.id}::uuid)`,
      );
    return q.orderBy('createdAt', 'desc').orderBy('id', 'desc').limit(opts.limit).execute();
  }

  /**
   * Serialises throttling decisions for one contact and type until the transaction ends, so concurrent deliveries count
   * each other.
   */
  async lockContactType(contactId: string, typeId: string): Promise<void> {
    await sql`select pg_advisory_xact_lock(hashtextextended(${`notification-throttle:${contactId}:${typeId}`}, 0))`.execute(
      this.db,
    );
  }

  /** Notifications of this type that went out (or are going out) to the contact since `since`, this one excluded. */
  async countSentSince(contactId: string, typeId: string, since: Date, except: string): Promise<number> {
    const r = await this.db
      .selectFrom('notifications')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('contactId', '=', contactId)
      .where('typeId', '=', typeId)
      .where('sendingAt', '>=', since)
      .where('status', 'in', ['sending', 'sent'])
      .where('id', '!=', except)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /**
   * The contact's reachable identity on an active Telegram bot, the most recently active first, and the bot's channel row
   * in the same statement (the two identity columns have aliases no channel column has).
   */
  async telegramTarget(contactId: string): Promise<TelegramTarget | undefined> {
    const row = await this.db
      .selectFrom('contactChannels as cc')
      .innerJoin('channels as ch', 'ch.id', 'cc.channelId')
      .selectAll('ch')
      .select(['cc.id as targetIdentityId', 'cc.externalId as targetChatExternalId'])
      .where('cc.contactId', '=', contactId)
      .where('cc.reachable', '=', true)
      .where('ch.type', '=', 'telegram')
      .where('ch.status', '=', 'active')
      .orderBy(sql`cc.last_seen_at desc nulls last`)
      .orderBy('cc.createdAt', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!row) return undefined;
    const { targetIdentityId, targetChatExternalId, ...channel } = row;
    return { identityId: targetIdentityId, chatExternalId: targetChatExternalId, channel };
  }

  /** Makes a draft broadcast a notification topic: the call's data and the type (before it is started). */
  async setTopicOf(broadcastId: string, typeId: string, data: Record<string, unknown>): Promise<void> {
    await this.db
      .updateTable('broadcasts')
      .set({ data: JSON.stringify(data), notificationTypeId: typeId })
      .where('id', '=', broadcastId)
      .where('status', '=', 'draft')
      .execute();
  }

  /** The contact a Telegram user id belongs to (the identity seen most recently when several bots know them). */
  async contactByTelegramId(telegramId: string): Promise<string | undefined> {
    const r = await this.db
      .selectFrom('contactChannels as cc')
      .innerJoin('channels as ch', 'ch.id', 'cc.channelId')
      .select('cc.contactId')
      .where('cc.externalId', '=', telegramId)
      .where('ch.type', '=', 'telegram')
      .orderBy(sql`cc.last_seen_at desc nulls last`)
      .limit(1)
      .executeTakeFirst();
    return r?.contactId;
  }

  /**
   * The contact with this email address (the oldest when several share it), after taking a lock on the address until
   * the transaction ends, so two calls for a new address create one contact.
   */
  async contactByEmailLocked(email: string): Promise<string | undefined> {
    await sql`select pg_advisory_xact_lock(hashtextextended(${`contact-email:${email.toLowerCase()}`}, 0))`.execute(
      this.db,
    );
    const r = await this.db
      .selectFrom('contacts')
      .select('id')
      .where(sql<SqlBool>`lower(email) = ${email.toLowerCase()}`)
      .where('email', 'is not', null)
      .orderBy('createdAt')
      .orderBy('id')
      .limit(1)
      .executeTakeFirst();
    return r?.id;
  }
}

/**
 * The notification with everything its delivery decides on: its type, the type's two templates, the contact, the contact's
 * preferences and the settings. The joined rows come back as jsonb so their columns cannot collide with the notification's;
 * the settings subquery is uncorrelated, so it runs once per statement, not once per row.
 */
export function deliveryReads(db: DbOrTx) {
  return db
    .selectFrom('notifications as n')
    .innerJoin('contacts as c', 'c.id', 'n.contactId')
    .leftJoin('notificationTypes as t', 't.id', 'n.typeId')
    .leftJoin('contactPreferences as p', 'p.contactId', 'n.contactId')
    .leftJoin('templates as tt', 'tt.id', 't.telegramTemplateId')
    .leftJoin('templates as et', 'et.id', 't.emailTemplateId')
    .selectAll('n')
    .select([
      sql<Record<string, unknown>>`to_jsonb(c)`.as('deliveryContact'),
      sql<Record<string, unknown> | null>`to_jsonb(t)`.as('deliveryType'),
      sql<Record<string, unknown> | null>`to_jsonb(p)`.as('deliveryPreferences'),
      sql<Record<string, unknown> | null>`to_jsonb(tt)`.as('deliveryTelegramTemplate'),
      sql<Record<string, unknown> | null>`to_jsonb(et)`.as('deliveryEmailTemplate'),
      sql<Record<string, unknown> | null>`(select jsonb_object_agg(s.key, s.value) from settings s)`.as(
        'deliverySettings',
      ),
    ]);
}

type DeliveryRow = Notification & {
  deliveryContact: Record<string, unknown>;
  deliveryType: Record<string, unknown> | null;
  deliveryPreferences: Record<string, unknown> | null;
  deliveryTelegramTemplate: Record<string, unknown> | null;
  deliveryEmailTemplate: Record<string, unknown> | null;
  deliverySettings: Record<string, unknown> | null;
};

export function toDeliveryRead(row: DeliveryRow): DeliveryRead {
  const {
    deliveryContact,
    deliveryType,
    deliveryPreferences,
    deliveryTelegramTemplate,
    deliveryEmailTemplate,
    deliverySettings,
    ...n
  } = row;
  const telegram = fromJsonRow<TemplateRow>(deliveryTelegramTemplate);
  const email = fromJsonRow<TemplateRow>(deliveryEmailTemplate);
  return {
    n,
    type: fromJsonRow<NotificationType>(deliveryType),
    contact: fromJsonRow<Contact>(deliveryContact)!,
    preferences: fromJsonRow<ContactPreferences>(deliveryPreferences),
    templates: { ...(telegram ? { telegram } : {}), ...(email ? { email } : {}) },
    settings: new Map(Object.entries(deliverySettings ?? {})),
  };
}
