import { type SqlBool, sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type { CannedResponse } from '../db/schema.ts';

/** Canned responses: shared reply snippets found by short code. */
export class CannedResponsesRepository {
  constructor(private readonly db: DbOrTx) {}

  /** By short code (case-insensitive prefix when `prefix`), or searching content too when `q`; short code order. */
  list(opts: { prefix?: string; q?: string; limit: number }): Promise<CannedResponse[]> {
    let query = this.db
      .selectFrom('cannedResponses')
      .selectAll()
      .orderBy(sql`lower(short_code)`)
      .limit(opts.limit);
    const like = (s: string) => `${s.replace(/[\\%_]/g, (c) => `\\${c}`).toLowerCase()}%`;
    if (opts.prefix) query = query.where(sql<SqlBool>`lower(short_code) like ${like(opts.prefix)}`);
    if (opts.q)
      query = query.where(
        sql<SqlBool>`(lower(short_code) like ${like(opts.q)} or content ilike ${`%${opts.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`})`,
      );
    return query.execute();
  }

  get(id: string): Promise<CannedResponse | undefined> {
    return this.db.selectFrom('cannedResponses').selectAll().where('id', '=', id).executeTakeFirst();
  }

  findByShortCode(shortCode: string): Promise<CannedResponse | undefined> {
    return this.db
      .selectFrom('cannedResponses')
      .selectAll()
      .where(sql<SqlBool>`lower(short_code) = ${shortCode.toLowerCase()}`)
      .executeTakeFirst();
  }

  create(row: { shortCode: string; content: string; createdBy: string | null }): Promise<CannedResponse> {
    return this.db.insertInto('cannedResponses').values(row).returningAll().executeTakeFirstOrThrow();
  }

  update(id: string, patch: { shortCode?: string; content?: string }): Promise<CannedResponse | undefined> {
    return this.db
      .updateTable('cannedResponses')
      .set({ ...patch, updatedAt: sql`now()` })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  async delete(id: string): Promise<boolean> {
    const res = await this.db.deleteFrom('cannedResponses').where('id', '=', id).executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }
}
