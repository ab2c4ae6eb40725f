import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';

/** The settings key/value table (values are JSON). */
export class SettingsRepository {
  constructor(private readonly db: DbOrTx) {}

  async getAll(): Promise<Map<string, unknown>> {
    const rows = await this.db.selectFrom('settings').select(['key', 'value']).execute();
    return new Map(rows.map((r) => [r.key, r.value]));
  }

  /** Reads one value, locking its row when inside a transaction that will change it. */
  async get(key: string, forUpdate = false): Promise<unknown> {
    let q = this.db.selectFrom('settings').select('value').where('key', '=', key);
    if (forUpdate) q = q.forUpdate();
    return (await q.executeTakeFirst())?.value;
  }

  async set(key: string, value: unknown, updatedBy: string | null): Promise<void> {
    await this.db
      .insertInto('settings')
      .values({ key, value: JSON.stringify(value), updatedBy })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({ value: JSON.stringify(value), updatedBy, updatedAt: sql`now()` }),
      )
      .execute();
  }
}
