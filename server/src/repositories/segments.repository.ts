import { sql } from 'kysely';
import type { Db, DbOrTx } from '../db/database.ts';
import type { Contact, Segment } from '../db/schema.ts';
import { countQuery } from '../services/segments/count-query.ts';
import type { FilterGroup } from '../services/segments/filter.ts';
import { segmentWhere } from '../services/segments/filter-compiler.ts';

export interface SegmentFields {
  name?: string;
  description?: string | null;
  filter?: FilterGroup;
}

/** Saved segments, and counting and sampling the contacts a filter selects. */
export class SegmentsRepository {
  constructor(private readonly db: DbOrTx) {}

  list(): Promise<Segment[]> {
    // Built-ins first (in the order they were shipped), then the workspace's own by name.
    return this.db
      .selectFrom('segments')
      .selectAll()
      .orderBy(sql`built_in is null`)
      .orderBy(sql`case when built_in is null then lower(name) end`)
      .orderBy('createdAt')
      .orderBy('id')
      .limit(1000)
      .execute();
  }

  get(id: string, forUpdate = false): Promise<Segment | undefined> {
    let q = this.db.selectFrom('segments').selectAll().where('id', '=', id);
    if (forUpdate) q = q.forUpdate();
    return q.executeTakeFirst();
  }

  create(fields: Required<Pick<SegmentFields, 'name' | 'filter'>> & SegmentFields, createdBy: string | null) {
    return this.db
      .insertInto('segments')
      .values({
        name: fields.name,
        description: fields.description ?? null,
        filter: JSON.stringify(fields.filter),
        createdBy,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  update(id: string, fields: SegmentFields): Promise<Segment | undefined> {
    return this.db
      .updateTable('segments')
      .set({
        ...(fields.name !== undefined ? { name: fields.name } : {}),
        ...(fields.description !== undefined ? { description: fields.description } : {}),
        ...(fields.filter !== undefined ? { filter: JSON.stringify(fields.filter) } : {}),
        updatedAt: sql`now()`,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  async delete(id: string): Promise<boolean> {
    const r = await this.db
      .deleteFrom('segments')
      .where('id', '=', id)
      .where('builtIn', 'is', null)
      .executeTakeFirst();
    return r.numDeletedRows > 0n;
  }

  /** Contacts matching the filter, counted by the shape countQuery picks (see services/segments/count-query.ts). */
  async count(filter: FilterGroup): Promise<number> {
    const { rows } = await countQuery(filter).execute(this.db);
    return Number(rows[0]!.n);
  }

  /**
   * The count if it takes at most `budgetMs`, else the planner's estimate (exact: false): a live preview must answer
   * while someone edits, and a filter that scans a million rows slowly should not hold a connection for seconds.
   */
  async countWithin(filter: FilterGroup, budgetMs: number): Promise<{ count: number; exact: boolean }> {
    if (this.db.isTransaction) return { count: await this.count(filter), exact: true };
    try {
      const count = await (this.db as Db).transaction().execute(async (tx) => {
        await sql`select set_config('statement_timeout', ${String(Math.round(budgetMs))}, true)`.execute(tx);
        return new SegmentsRepository(tx).count(filter);
      });
      return { count, exact: true };
    } catch (err) {
      // 57014: canceled by statement_timeout.
      if ((err as { code?: string }).code !== '57014') throw err;
      const plan = await this.db
        .selectFrom('contacts')
        .select(sql`1`.as('one'))
        .where(segmentWhere(filter, { mergeOrSets: true }))
        .explain('json');
      const root = Object.values(plan[0] ?? {})[0] as Array<{ Plan?: { 'Plan Rows'?: number } }> | undefined;
      return { count: Math.round(root?.[0]?.Plan?.['Plan Rows'] ?? 0), exact: false };
    }
  }

  /** The newest matching contacts (a preview sample). */
  sample(filter: FilterGroup, limit: number): Promise<Contact[]> {
    return this.db
      .selectFrom('contacts')
      .selectAll()
      .where(segmentWhere(filter, { stopsEarly: true }))
      .orderBy('createdAt', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
  }
}
