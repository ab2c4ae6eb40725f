import { type RawBuilder, type SelectQueryBuilder, type SqlBool, sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type {
  Channel,
  Contact,
  ContactPreferences,
  Database,
  EmailAddress,
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
  /**
   * The delivery health of the contact's email address as read with the row (null: never bounced, or no address), so an
   * email send needs no read of its own (EmailSenders.sendAndRecordBounces with `known`).
   */
  emailAddress: EmailAddress | null;
}

/** Column name → [camelCase key, is a timestamp]: the same few dozen columns come back for every claimed row. */
const jsonKeys = new Map<string, [string, boolean]>();

/**
 * A row that came back as jsonb (`to_jsonb(t)`): top-level keys to camelCase as CamelCasePlugin does for plain rows,
 * timestamps (columns ending in `_at`) back to Date. Nested JSON (attributes, preferences) keeps its keys.
 */
function fromJsonRow<T>(row: Record<string, unknown> | null): T | undefined {
  if (!row) return undefined;
  const out: Record<string, unknown> = {};
  for (const k in row) {
    let key = jsonKeys.get(k);
    if (!key) {
      key = [k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()), k.endsWith('_at')];
      jsonKeys.set(k, key);
    }
    const v = row[k];
    out[key[0]] = key[1] && typeof v === 'string' ? new Date(v) : v;
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
    const [read] = await deliveryReads(this.db, (q) => q.where('n.id', '=', id).forUpdate());
    return read;
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

/** Picks and locks the notifications to read (`notifications as n`, FOR UPDATE OF n): a filter, order and limit. */
export type DeliveryPick = (q: PickQuery) => PickQuery;
type PickQuery = SelectQueryBuilder<Database & { n: Database['notifications'] }, 'n', Notification>;

type JsonRow = Record<string, unknown> | null;

/** A joined row as jsonb on the first row of its notification type only (the type's other rows share it). */
function firstOfType(alias: 't' | 'tt' | 'et') {
  return sql<JsonRow>`case when row_number() over (partition by n.type_id) = 1 then to_jsonb(${sql.table(alias)}) end`;
}

/**
 * The notifications `pick` locks, each with everything its delivery decides on: its type, the type's two templates, the
 * contact, the contact's preferences, the settings, and the bounce record of the contact's email address (what an email
 * send checks first). One statement: the locked rows in a CTE, the rest joined to them. The joined rows come back as jsonb
 * so their columns cannot collide with the notification's. What many rows share is sent once: the type and its
 * templates (several KB of template sources) on one row per type, the settings on the first row; toDeliveryReads hands
 * the same objects to every row. Rows come in `order` (the CTE's order is not kept by the joins).
 */
export async function deliveryReads(
  db: DbOrTx,
  pick: DeliveryPick,
  order?: RawBuilder<unknown>,
): Promise<DeliveryRead[]> {
  let q = db
    .with('n', (w) => pick(w.selectFrom('notifications as n').selectAll('n')))
    .selectFrom('n')
    .innerJoin('contacts as c', 'c.id', 'n.contactId')
    .leftJoin('notificationTypes as t', 't.id', 'n.typeId')
    .leftJoin('contactPreferences as p', 'p.contactId', 'n.contactId')
    .leftJoin('templates as tt', 'tt.id', 't.telegramTemplateId')
    .leftJoin('templates as et', 'et.id', 't.emailTemplateId')
    // Addresses are stored lower-cased; the send trims and lower-cases the contact's the same way.
    .leftJoin('emailAddresses as ea', (j) => j.on('ea.address', '=', sql<string>`lower(trim(c.email))`))
    .selectAll('n')
    .select([
      sql<Record<string, unknown>>`to_jsonb(c)`.as('deliveryContact'),
      sql<JsonRow>`to_jsonb(p)`.as('deliveryPreferences'),
      sql<JsonRow>`to_jsonb(ea)`.as('deliveryEmailAddress'),
      sql<boolean>`row_number() over (partition by n.type_id) = 1`.as('deliveryFirstOfType'),
      firstOfType('t').as('deliveryType'),
      firstOfType('tt').as('deliveryTelegramTemplate'),
      firstOfType('et').as('deliveryEmailTemplate'),
      // Uncorrelated: computed once per statement, and sent once.
      sql<JsonRow>`case when row_number() over () = 1 then (select jsonb_object_agg(s.key, s.value) from settings s) end`.as(
        'deliverySettings',
      ),
    ]);
  if (order) q = q.orderBy(order);
  return toDeliveryReads(await q.execute());
}

type DeliveryRow = Notification & {
  deliveryContact: Record<string, unknown>;
  deliveryPreferences: JsonRow;
  deliveryEmailAddress: JsonRow;
  deliveryFirstOfType: boolean;
  deliveryType: JsonRow;
  deliveryTelegramTemplate: JsonRow;
  deliveryEmailTemplate: JsonRow;
  deliverySettings: JsonRow;
};

type Shared = Pick<DeliveryRead, 'type' | 'templates'>;

function toDeliveryReads(rows: DeliveryRow[]): DeliveryRead[] {
  // The rows that carry them first: which row of a type does is not tied to the order.
  const byType = new Map<string | null, Shared>();
  let settings = new Map<string, unknown>();
  for (const row of rows) {
    if (row.deliverySettings) settings = new Map(Object.entries(row.deliverySettings));
    if (!row.deliveryFirstOfType) continue;
    const telegram = fromJsonRow<TemplateRow>(row.deliveryTelegramTemplate);
    const email = fromJsonRow<TemplateRow>(row.deliveryEmailTemplate);
    byType.set(row.typeId, {
      type: fromJsonRow<NotificationType>(row.deliveryType),
      templates: { ...(telegram ? { telegram } : {}), ...(email ? { email } : {}) },
    });
  }
  return rows.map((row) => {
    const {
      deliveryContact,
      deliveryPreferences,
      deliveryEmailAddress,
      deliveryFirstOfType: _first,
      deliveryType: _type,
      deliveryTelegramTemplate: _telegram,
      deliveryEmailTemplate: _email,
      deliverySettings: _settings,
      ...n
    } = row;
    const shared = byType.get(n.typeId);
    return {
      n,
      type: shared?.type,
      contact: fromJsonRow<Contact>(deliveryContact)!,
      preferences: fromJsonRow<ContactPreferences>(deliveryPreferences),
      templates: shared?.templates ?? {},
      settings,
      emailAddress: fromJsonRow<EmailAddress>(deliveryEmailAddress) ?? null,
    };
  });
}
