import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type { ContactImport } from '../db/schema.ts';
import type { PlannedRow, RowMatch } from '../services/contact-import.batch.ts';
import type { ImportRow, RejectedRow } from '../services/contact-import.rows.ts';
import { type ContactFilter, contactWhere } from './contacts.repository.ts';

/** Counter increments of one committed batch. */
export interface BatchCounts {
  processed: number;
  created: number;
  updated: number;
  rejected: number;
}

/** Contact imports: the upload's chunks, progress counters, rejected rows, and the set-based batch upsert. */
export class ImportsRepository {
  constructor(private readonly db: DbOrTx) {}

  get(id: string): Promise<ContactImport | undefined> {
    return this.db.selectFrom('contactImports').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Newest first, keyset by (created_at, id). */
  list(limit: number, after?: { createdAt: string; id: string }): Promise<ContactImport[]> {
    let q = this.db
      .selectFrom('contactImports')
      .selectAll()
      .orderBy('createdAt', 'desc')
      .orderBy('id', 'desc');
    if (after)
      q = q.where(sql<boolean>`(created_at, id) < (${after.createdAt}::timestamptz, ${after.id}::uuid)`);
    return q.limit(limit).execute();
  }

  create(values: { filename: string | null; channelId: string | null; createdBy: string | null }) {
    return this.db
      .insertInto('contactImports')
      .values({ ...values, status: 'uploading' })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async addChunk(importId: string, seq: number, data: Buffer): Promise<void> {
    await this.db.insertInto('contactImportChunks').values({ importId, seq, data }).execute();
  }

  /** One stored chunk of the file, or undefined past the end. */
  async chunk(importId: string, seq: number): Promise<Buffer | undefined> {
    const r = await this.db
      .selectFrom('contactImportChunks')
      .select('data')
      .where('importId', '=', importId)
      .where('seq', '=', seq)
      .executeTakeFirst();
    return r?.data;
  }

  markQueued(id: string, bytes: number): Promise<ContactImport> {
    return this.setStatus(id, { status: 'queued', bytes });
  }

  markRunning(id: string): Promise<ContactImport> {
    return this.setStatus(id, { status: 'running', startedAt: sql<Date>`coalesce(started_at, now())` });
  }

  finish(id: string, status: 'completed' | 'failed', error: string | null = null): Promise<ContactImport> {
    return this.setStatus(id, { status, error, finishedAt: sql<Date>`now()` });
  }

  private setStatus(id: string, set: Record<string, unknown>): Promise<ContactImport> {
    return this.db
      .updateTable('contactImports')
      .set(set)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** Rejected rows by line, keyset after `afterLine`. */
  errors(importId: string, limit: number, afterLine = 0) {
    return this.db
      .selectFrom('contactImportErrors')
      .select(['line', 'reason'])
      .where('importId', '=', importId)
      .where('line', '>', afterLine)
      .orderBy('line')
      .limit(limit)
      .execute();
  }

  /** Starts a batch's transaction. */
  async beginBatch(): Promise<void> {
    // Losing the last batches in a database crash is harmless: their counter goes with them and they are redone.
    await sql`set local synchronous_commit = off`.execute(this.db);
  }

  /**
   * For each row index, the contacts its keys point at (rows matching nothing are left out). Email and phone
   * matches skip contacts that hold a different external id than the row (a row with an external id never
   * merges into another one's contact); several contacts sharing an email or phone resolve to the oldest.
   */
  async matchRows(channelId: string | null, rows: Array<{ i: number; row: ImportRow }>) {
    const col = <T>(f: (r: ImportRow) => T) => rows.map(({ row }) => f(row));
    const { rows: found } = await sql<{
      i: number;
      byExternalId: string | null;
      byEmail: string | null;
      byPhone: string | null;
      telegramOwner: string | null;
      telegramOwnerEligible: boolean;
    }>`
      select * from (
        select k.i,
          (select c.id from contacts c where c.external_id = k.x) as by_external_id,
          -- OFFSET 0 keeps each lookup on the email/phone index: left to itself, the planner may walk the
          -- created_at index hoping to meet a match early, which scans the whole table when there is none.
          (select s.id from (select c.id, c.created_at from contacts c
            where lower(c.email) = k.e and (k.x is null or c.external_id is null) offset 0) s
            order by s.created_at, s.id limit 1) as by_email,
          (select s.id from (select c.id, c.created_at from contacts c
            where c.phone = k.p and (k.x is null or c.external_id is null) offset 0) s
            order by s.created_at, s.id limit 1) as by_phone,
          cc.contact_id as telegram_owner,
          (k.x is null or tc.external_id is null or tc.external_id = k.x) as telegram_owner_eligible
        from unnest(${rows.map((r) => r.i)}::int[], ${col((r) => r.externalId)}::text[],
          ${col((r) => r.email)}::text[], ${col((r) => r.phone)}::text[], ${col((r) => r.telegramId)}::text[])
          as k(i, x, e, p, t)
        left join contact_channels cc on cc.channel_id = ${channelId}::uuid and cc.external_id = k.t
        left join contacts tc on tc.id = cc.contact_id
      ) m
      where by_external_id is not null or by_email is not null or by_phone is not null or telegram_owner is not null
    `.execute(this.db);
    return new Map<number, RowMatch>(found.map(({ i, ...m }) => [i, m]));
  }

  /**
   * One statement for the whole batch: update matched contacts (non-empty cells overwrite, tags are added,
   * attributes merged key by key), insert the rest with ids generated here, then link Telegram ids.
   * Input goes in as one array per column (cheaper for Postgres to read than JSON).
   */
  async applyRows(channelId: string | null, planned: PlannedRow[]): Promise<void> {
    if (planned.length === 0) return;
    const col = <T>(f: (r: ImportRow) => T) => planned.map(({ row }) => f(row));
    await sql`
      with input as materialized (
        select u.target, u.external_id, u.name, u.first_name, u.last_name, u.username, u.phone, u.email,
          u.language, u.timezone, u.birthday, u.tags_literal::text[] as tags, u.attributes_json::jsonb as attributes,
          u.tg, coalesce(u.target, gen_random_uuid()) as cid
        from unnest(${planned.map((p) => p.target)}::uuid[], ${col((r) => r.externalId)}::text[],
          ${col((r) => r.name)}::text[], ${col((r) => r.firstName)}::text[], ${col((r) => r.lastName)}::text[],
          ${col((r) => r.username)}::text[], ${col((r) => r.phone)}::text[], ${col((r) => r.email)}::text[],
          ${col((r) => r.language)}::text[], ${col((r) => r.timezone)}::text[], ${col((r) => r.birthday)}::date[],
          ${col((r) => arrayLiteral(r.tags))}::text[],
          ${col((r) => (r.attributes ? JSON.stringify(r.attributes) : null))}::text[], ${col((r) => r.telegramId)}::text[])
          as u(target, external_id, name, first_name, last_name, username, phone, email, language, timezone, birthday,
            tags_literal, attributes_json, tg)
      ), updated as (
        update contacts c set
          external_id = coalesce(i.external_id, c.external_id), name = coalesce(i.name, c.name),
          first_name = coalesce(i.first_name, c.first_name), last_name = coalesce(i.last_name, c.last_name),
          username = coalesce(i.username, c.username), phone = coalesce(i.phone, c.phone),
          email = coalesce(i.email, c.email), language = coalesce(i.language, c.language),
          timezone = coalesce(i.timezone, c.timezone), birthday = coalesce(i.birthday, c.birthday),
          tags = case when i.tags is null then c.tags
            else array(select distinct t from unnest(c.tags || i.tags) t order by 1) end,
          attributes = c.attributes || coalesce(i.attributes, '{}'),
          updated_at = now()
        from input i where i.target is not null and c.id = i.target
      ), inserted as (
        insert into contacts (id, external_id, name, first_name, last_name, username, phone, email, language,
          timezone, birthday, tags, attributes, source)
        select cid, external_id, name, first_name, last_name, username, phone, email, language, timezone,
          birthday, coalesce(tags, '{}'), coalesce(attributes, '{}'), 'import'
        from input where target is null
      )
      insert into contact_channels (contact_id, channel_id, external_id)
      select cid, ${channelId}::uuid, tg from input where tg is not null
      on conflict (channel_id, external_id) do nothing
    `.execute(this.db);
  }

  async addErrors(importId: string, rejected: RejectedRow[]): Promise<void> {
    if (rejected.length === 0) return;
    await sql`
      insert into contact_import_errors (import_id, line, reason)
      select ${importId}::uuid, line, reason
      from unnest(${rejected.map((r) => r.line)}::int[], ${rejected.map((r) => r.reason)}::text[]) as e(line, reason)
      on conflict do nothing
    `.execute(this.db);
  }

  advance(id: string, n: BatchCounts): Promise<ContactImport> {
    return this.db
      .updateTable('contactImports')
      .set((eb) => ({
        processedRows: eb('processedRows', '+', n.processed),
        createdRows: eb('createdRows', '+', n.created),
        updatedRows: eb('updatedRows', '+', n.updated),
        rejectedRows: eb('rejectedRows', '+', n.rejected),
      }))
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** Attribute keys present among the contacts of a filter (sorted; capped so a pathological set stays bounded). */
  async attributeKeys(filter: ContactFilter, max = 1000): Promise<string[]> {
    const rows = await this.db
      .selectFrom((eb) =>
        eb
          .selectFrom('contacts')
          .select(sql<string>`jsonb_object_keys(contacts.attributes)`.as('key'))
          .where((w) => contactWhere(w, filter))
          .as('k'),
      )
      .select('k.key')
      .distinct()
      .orderBy('k.key')
      .limit(max)
      .execute();
    return rows.map((r) => r.key);
  }

  /** Telegram ids of these contacts on one channel. */
  async telegramIds(channelId: string, contactIds: string[]): Promise<Map<string, string>> {
    if (contactIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('contactChannels')
      .select(['contactId', 'externalId'])
      .where('channelId', '=', channelId)
      .where('contactId', 'in', contactIds)
      .execute();
    return new Map(rows.map((r) => [r.contactId, r.externalId]));
  }
}

/** A Postgres array literal of strings ({"a","b"}), so a whole column of tag lists travels as one text[]. */
function arrayLiteral(items: string[] | null): string | null {
  if (!items) return null;
  return `{${items.map((t) => `"${t.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}
