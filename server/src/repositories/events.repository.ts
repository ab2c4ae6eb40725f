import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';

/** One event to store, its contact and name already resolved. */
export interface NewEvent {
  contactId: string;
  nameId: number;
  occurredAt: Date;
  properties: Record<string, unknown> | null;
  idempotencyKey: string | null;
}

/** A stored event with its name, as the API shows it. */
export interface EventRow {
  id: string;
  contactId: string;
  name: string;
  occurredAt: Date;
  properties: Record<string, unknown> | null;
  idempotencyKey: string | null;
  createdAt: Date;
}

/** Contact events and the contact look-ups that resolve who an event belongs to. */
export class EventsRepository {
  constructor(private readonly db: DbOrTx) {}

  /** Ids of these event names, adding the new ones (concurrent adders of one name both get the same id). */
  async nameIds(names: string[]): Promise<Map<string, number>> {
    const unique = [...new Set(names)].sort();
    if (unique.length === 0) return new Map();
    await this.db
      .insertInto('eventNames')
      .values(unique.map((name) => ({ name })))
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    const rows = await this.db
      .selectFrom('eventNames')
      .select(['id', 'name'])
      .where('name', 'in', unique)
      .execute();
    return new Map(rows.map((r) => [r.name, r.id]));
  }

  /**
   * Inserts events; one whose idempotency key is already stored (or repeated earlier in `events`) is skipped.
   * Returns the inserted rows: keyed ones are matched back by key, unkeyed ones come back in the order given
   * (Postgres returns a multi-row insert's rows in VALUES order; they cannot conflict, so none is skipped).
   * Callers sort keyed rows by key, so two concurrent batches take the unique index's locks in one order (no deadlock).
   *
   * The same statement adds the rows it actually inserted to contact_event_stats (migration 0030): a skipped duplicate
   * is not in RETURNING, so it is never counted, and a concurrent insert of the same key waits on the unique index and
   * then skips. Summary rows are upserted in (contact, name) order, so concurrent batches lock them in one order too.
   */
  async insertMany(
    events: NewEvent[],
  ): Promise<Array<{ id: string; idempotencyKey: string | null; createdAt: Date }>> {
    if (events.length === 0) return [];
    return this.db
      .with('inserted', (db) =>
        db
          .insertInto('contactEvents')
          .values(
            events.map((e) => ({
              contactId: e.contactId,
              nameId: e.nameId,
              occurredAt: e.occurredAt,
              properties:
                e.properties && Object.keys(e.properties).length ? JSON.stringify(e.properties) : null,
              idempotencyKey: e.idempotencyKey,
            })),
          )
          .onConflict((oc) => oc.column('idempotencyKey').where('idempotencyKey', 'is not', null).doNothing())
          .returning(['id', 'contactId', 'nameId', 'occurredAt', 'idempotencyKey', 'createdAt']),
      )
      .with('summary', (db) =>
        db
          .insertInto('contactEventStats')
          .columns(['contactId', 'nameId', 'count', 'firstAt', 'lastAt'])
          .expression((eb) =>
            eb
              .selectFrom('inserted')
              .select([
                'inserted.contactId',
                'inserted.nameId',
                sql<number>`count(*)::int`.as('count'),
                sql<Date>`min(inserted.occurred_at)`.as('firstAt'),
                sql<Date>`max(inserted.occurred_at)`.as('lastAt'),
              ])
              .groupBy(['inserted.contactId', 'inserted.nameId'])
              .orderBy('inserted.contactId')
              .orderBy('inserted.nameId'),
          )
          .onConflict((oc) =>
            oc.columns(['contactId', 'nameId']).doUpdateSet({
              count: sql`contact_event_stats.count + excluded.count`,
              firstAt: sql`least(contact_event_stats.first_at, excluded.first_at)`,
              lastAt: sql`greatest(contact_event_stats.last_at, excluded.last_at)`,
            }),
          ),
      )
      .selectFrom('inserted')
      .select(['inserted.id', 'inserted.idempotencyKey', 'inserted.createdAt'])
      .execute();
  }

  /** Stored events by idempotency key (the first event sent with each key). */
  async byIdempotencyKeys(keys: string[]): Promise<EventRow[]> {
    if (keys.length === 0) return [];
    return this.selectEvents()
      .where('e.idempotencyKey', 'in', [...new Set(keys)])
      .execute();
  }

  /** One contact's events, newest first, strictly after a keyset position. */
  timeline(
    contactId: string,
    opts: { limit: number; name?: string; after?: { occurredAt: string; id: string } },
  ): Promise<EventRow[]> {
    let q = this.selectEvents()
      .where('e.contactId', '=', contactId)
      .orderBy('e.occurredAt', 'desc')
      .orderBy('e.id', 'desc')
      .limit(opts.limit);
    if (opts.name) q = q.where('n.name', '=', opts.name);
    if (opts.after)
      q = q.where(
        sql<boolean>`(e.occurred_at, e.id) < (${opts.after.occurredAt}::timestamptz, ${opts.after.id}::bigint)`,
      );
    return q.execute();
  }

  /**
   * Moves last_activity_at forward to each contact's newest event (never backwards, never past now).
   * Rows are locked in id order first, so concurrent batches touching the same contacts cannot deadlock.
   */
  async touchActivity(latest: Map<string, Date>): Promise<void> {
    if (latest.size === 0) return;
    const ids = [...latest.keys()].sort();
    const ats = ids.map((id) => latest.get(id)!.toISOString());
    await sql`
      with v as (select * from unnest(${sql.val(ids)}::uuid[], ${sql.val(ats)}::timestamptz[]) as v(id, at)),
      locked as (
        select c.id, least(v.at, now()) as at from contacts c join v on v.id = c.id
        where c.last_activity_at is null or c.last_activity_at < least(v.at, now())
        order by c.id for update of c
      )
      update contacts set last_activity_at = locked.at from locked where contacts.id = locked.id`.execute(
      this.db,
    );
  }

  /** Contacts that exist among these ids. */
  async existingIds(ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.db.selectFrom('contacts').select('id').where('id', 'in', ids).execute();
    return new Set(rows.map((r) => r.id));
  }

  /** externalId → contact id. */
  async byExternalIds(externalIds: string[]): Promise<Map<string, string>> {
    if (externalIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('contacts')
      .select(['id', 'externalId'])
      .where('externalId', 'in', externalIds)
      .execute();
    return new Map(rows.map((r) => [r.externalId!, r.id]));
  }

  /**
   * Creates a contact for each external id not taken yet (source `events`) and returns the ids it created; a concurrent
   * creator of the same id wins quietly and the caller reads it back with byExternalIds.
   */
  async createByExternalIds(externalIds: string[]): Promise<Set<string>> {
    const unique = [...new Set(externalIds)].sort();
    if (unique.length === 0) return new Set();
    const { rows } = await sql<{ externalId: string }>`insert into contacts (external_id, source)
      select x, 'events' from unnest(${sql.val(unique)}::text[]) as x
      on conflict (external_id) where external_id is not null do nothing
      returning external_id`.execute(this.db);
    return new Set(rows.map((r) => r.externalId));
  }

  /** email (lowercase) → contact ids having it (emails are not unique, so there may be several). */
  async byEmails(emails: string[]): Promise<Map<string, string[]>> {
    if (emails.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('contacts')
      .select(['id', sql<string>`lower(email)`.as('key')])
      .where(sql`lower(email)`, 'in', emails)
      .orderBy('createdAt')
      .execute();
    return groupIds(rows);
  }

  /** Telegram user id → contact ids with an identity on any Telegram bot (one person may be a contact per bot). */
  async byTelegramIds(telegramIds: string[]): Promise<Map<string, string[]>> {
    if (telegramIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('contactChannels as cc')
      .innerJoin('channels as ch', 'ch.id', 'cc.channelId')
      .select(['cc.contactId as id', 'cc.externalId as key'])
      .where('ch.type', '=', 'telegram')
      .where('cc.externalId', 'in', telegramIds)
      .execute();
    return groupIds(rows);
  }

  private selectEvents() {
    return this.db
      .selectFrom('contactEvents as e')
      .innerJoin('eventNames as n', 'n.id', 'e.nameId')
      .select([
        sql<string>`e.id::text`.as('id'),
        'e.contactId',
        'n.name',
        'e.occurredAt',
        'e.properties',
        'e.idempotencyKey',
        'e.createdAt',
      ]);
  }
}

function groupIds(rows: Array<{ id: string; key: string }>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const r of rows) {
    const ids = out.get(r.key) ?? [];
    if (!ids.includes(r.id)) ids.push(r.id);
    out.set(r.key, ids);
  }
  return out;
}
