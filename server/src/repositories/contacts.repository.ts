import { randomUUID } from 'node:crypto';
import {
  type Expression,
  type ExpressionBuilder,
  type Insertable,
  type SqlBool,
  sql,
  type Updateable,
} from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type { Contact, ContactsTable, Database } from '../db/schema.ts';
import type { CursorPosition } from '../lib/cursor.ts';
import { searchPlan } from './contact-search.ts';

/** The list filter shared by listing, counting, bulk actions and export. */
export interface ContactFilter {
  q?: string;
  tags?: string[];
  language?: string;
  subscribed?: boolean;
  blocked?: boolean;
  channelId?: string;
  ids?: string[];
}

export type ContactSort = 'createdAt' | 'updatedAt' | 'lastActivityAt' | 'name';

/** Writable contact fields (camelCase), as services pass them. */
export type ContactFields = Partial<
  Pick<
    Contact,
    | 'externalId'
    | 'name'
    | 'firstName'
    | 'lastName'
    | 'username'
    | 'phone'
    | 'email'
    | 'language'
    | 'timezone'
    | 'birthday'
    | 'tags'
    | 'attributes'
    | 'subscribed'
    | 'blocked'
    | 'source'
    | 'lastActivityAt'
  >
>;

// Sort keys as SQL expressions; nullable ones are coalesced so keyset comparisons stay total.
// Migration 0003 indexes these exact expressions: change both together.
const SORT_SQL: Record<ContactSort, string> = {
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  lastActivityAt: "coalesce(last_activity_at, '-infinity'::timestamptz)",
  name: "coalesce(name, '')",
};

type Eb = ExpressionBuilder<Database, 'contacts'>;

/** Builds the WHERE for a filter. Every value is a bound parameter. */
export function contactWhere(eb: Eb, f: ContactFilter): Expression<SqlBool> {
  const parts: Expression<SqlBool>[] = [];
  if (f.q) {
    // search_text is lowercase and trigram-indexed; searchPlan picks the part of the needle the index handles fast.
    const plan = searchPlan(f.q);
    parts.push(sql<SqlBool>`contacts.search_text like ${plan.pattern}`);
    if (plan.exact !== null) parts.push(sql<SqlBool>`strpos(contacts.search_text, ${plan.exact}) > 0`);
  }
  if (f.tags?.length) parts.push(sql<SqlBool>`contacts.tags @> ${sql.val(f.tags)}::text[]`);
  if (f.language) parts.push(eb('contacts.language', '=', f.language));
  if (f.subscribed !== undefined) parts.push(eb('contacts.subscribed', '=', f.subscribed));
  if (f.blocked !== undefined) parts.push(eb('contacts.blocked', '=', f.blocked));
  if (f.ids) parts.push(f.ids.length ? eb('contacts.id', 'in', f.ids) : sql<SqlBool>`false`);
  if (f.channelId) {
    parts.push(
      eb.exists(
        eb
          .selectFrom('contactChannels as cc')
          .select(sql`1`.as('one'))
          .whereRef('cc.contactId', '=', 'contacts.id')
          .where('cc.channelId', '=', f.channelId),
      ),
    );
  }
  return parts.length ? eb.and(parts) : sql<SqlBool>`true`;
}

/** Contacts and their channel identities. */
export class ContactsRepository {
  constructor(private readonly db: DbOrTx) {}

  get(id: string, forUpdate = false): Promise<Contact | undefined> {
    let q = this.db.selectFrom('contacts').selectAll().where('id', '=', id);
    if (forUpdate) q = q.forUpdate();
    return q.executeTakeFirst();
  }

  getByExternalId(externalId: string): Promise<Contact | undefined> {
    return this.db.selectFrom('contacts').selectAll().where('externalId', '=', externalId).executeTakeFirst();
  }

  /** Keyset page: rows strictly after `after` in (sort, id) order. */
  async search(opts: {
    filter: ContactFilter;
    sort: ContactSort;
    order: 'asc' | 'desc';
    limit: number;
    after?: CursorPosition;
  }): Promise<Array<Contact & { sortValue: string | number | null }>> {
    const key = sql.raw(SORT_SQL[opts.sort]);
    const dir = sql.raw(opts.order);
    let q = this.db
      .selectFrom('contacts')
      .selectAll()
      .select(sql<string>`${key}::text`.as('sortValue'))
      .where((eb) => contactWhere(eb, opts.filter))
      .orderBy(sql`${key} ${dir}, id ${dir}`)
      .limit(opts.limit);
    if (opts.after) {
      const cmp = sql.raw(opts.order === 'asc' ? '>' : '<');
      const cast = sql.raw(opts.sort === 'name' ? 'text' : 'timestamptz');
      q = q.where(sql<SqlBool>`(${key}, id) ${cmp} (${opts.after.v}::${cast}, ${opts.after.id}::uuid)`);
    }
    return q.execute();
  }

  async count(filter: ContactFilter): Promise<number> {
    const r = await this.db
      .selectFrom('contacts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where((eb) => contactWhere(eb, filter))
      .executeTakeFirstOrThrow();
    return r.n;
  }

  create(fields: ContactFields): Promise<Contact> {
    return this.db
      .insertInto('contacts')
      .values(toRow(fields, 'insert'))
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** Several contacts by id, locked until the transaction ends (in id order, so concurrent batches cannot deadlock). */
  async getManyForUpdate(ids: string[]): Promise<Map<string, Contact>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('contacts')
      .selectAll()
      .where('id', 'in', ids)
      .orderBy('id')
      .forUpdate()
      .execute();
    return new Map(rows.map((row) => [row.id, row]));
  }

  /** Inserts several contacts in one statement; returns them in input order (ids are chosen here to pair them up). */
  async createMany(all: ContactFields[]): Promise<Contact[]> {
    if (all.length === 0) return [];
    const ids = all.map(() => randomUUID());
    const rows = await this.db
      .insertInto('contacts')
      .values(all.map((fields, i) => ({ ...toRow(fields, 'insert'), id: ids[i]! })))
      .returningAll()
      .execute();
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id)!);
  }

  update(id: string, fields: ContactFields): Promise<Contact | undefined> {
    return this.db
      .updateTable('contacts')
      .set({ ...(toRow(fields, 'update') as Updateable<ContactsTable>), updatedAt: sql`now()` })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  async delete(id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('contacts').where('id', '=', id).executeTakeFirst();
    return r.numDeletedRows > 0n;
  }

  /** One set-based statement per bulk action; returns the ids touched (for events and audit). */
  async bulkUpdate(
    filter: ContactFilter,
    action: 'addTags' | 'removeTags' | 'subscribe' | 'unsubscribe',
    tags: string[] = [],
  ): Promise<string[]> {
    const set =
      action === 'addTags'
        ? { tags: sql<string[]>`array(select distinct unnest(tags || ${sql.val(tags)}::text[]) order by 1)` }
        : action === 'removeTags'
          ? {
              tags: sql<
                string[]
              >`array(select t from unnest(tags) t where t <> all(${sql.val(tags)}::text[]))`,
            }
          : action === 'subscribe'
            ? { subscribed: true, unsubscribedAt: null }
            : { subscribed: false, unsubscribedAt: sql<Date>`coalesce(unsubscribed_at, now())` };
    const rows = await this.db
      .updateTable('contacts')
      .set({ ...set, updatedAt: sql`now()` })
      .where((eb) => contactWhere(eb as unknown as Eb, filter))
      .returning('id')
      .execute();
    return rows.map((r) => r.id);
  }

  async bulkDelete(filter: ContactFilter): Promise<string[]> {
    const rows = await this.db
      .deleteFrom('contacts')
      .where((eb) => contactWhere(eb as unknown as Eb, filter))
      .returning('id')
      .execute();
    return rows.map((r) => r.id);
  }

  /** Channel identities of one contact, with the channel's type and name. */
  identities(contactId: string) {
    return this.db
      .selectFrom('contactChannels as cc')
      .innerJoin('channels as ch', 'ch.id', 'cc.channelId')
      .select([
        'cc.id',
        'cc.channelId',
        'ch.type as channelType',
        'ch.name as channelName',
        'cc.externalId',
        'cc.reachable',
        'cc.lastError',
        'cc.lastSeenAt',
        'cc.createdAt',
      ])
      .where('cc.contactId', '=', contactId)
      .orderBy('cc.createdAt')
      .execute();
  }

  /** Identities of many contacts at once (no N+1 on list pages). */
  identitiesOf(contactIds: string[]) {
    if (contactIds.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('contactChannels as cc')
      .innerJoin('channels as ch', 'ch.id', 'cc.channelId')
      .select(['cc.contactId', 'cc.channelId', 'ch.type as channelType', 'cc.externalId', 'cc.reachable'])
      .where('cc.contactId', 'in', contactIds)
      .execute();
  }

  /** Moves identities, then deletes the source; callers have locked both rows. */
  async moveIdentitiesAndDelete(sourceId: string, targetId: string): Promise<void> {
    await this.db
      .updateTable('contactChannels')
      .set({ contactId: targetId })
      .where('contactId', '=', sourceId)
      .execute();
    await this.db.deleteFrom('contacts').where('id', '=', sourceId).execute();
  }

  channelExists(channelId: string): Promise<boolean> {
    return this.db
      .selectFrom('channels')
      .select('id')
      .where('id', '=', channelId)
      .executeTakeFirst()
      .then((r) => r !== undefined);
  }
}

/** camelCase fields → row values (JSON serialised; unsubscribing stamps the time once). */
function toRow(fields: ContactFields, mode: 'insert' | 'update'): Insertable<ContactsTable> {
  const { attributes, ...rest } = fields;
  const row: Record<string, unknown> = { ...rest };
  if (attributes !== undefined) row.attributes = JSON.stringify(attributes);
  if (fields.subscribed === false)
    row.unsubscribedAt = mode === 'insert' ? sql`now()` : sql`coalesce(unsubscribed_at, now())`;
  if (fields.subscribed === true) row.unsubscribedAt = null;
  return row as Insertable<ContactsTable>;
}
