import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';

/**
 * What the segment builder suggests while typing: tags in use, known event names, custom attribute names.
 * Suggestions only (any value can still be typed), so the contact scans are bounded: they read at most
 * SCAN_LIMIT rows whatever the table's size, and a value only found beyond that is simply not suggested.
 */
const SCAN_LIMIT = 200_000;

export class SegmentVocabularyRepository {
  constructor(private readonly db: DbOrTx) {}

  /** The most used tags with how many contacts carry them (no index serves unnest, hence the bounded scan). */
  async tags(limit: number): Promise<Array<{ name: string; count: number }>> {
    const { rows } = await sql<{ name: string; count: string }>`
      select tag as name, count(*) as count
      from (select tags from contacts where tags <> '{}' limit ${SCAN_LIMIT}) c, unnest(c.tags) as tag
      group by tag
      order by count(*) desc, tag
      limit ${limit}`.execute(this.db);
    return rows.map((r) => ({ name: r.name, count: Number(r.count) }));
  }

  /** Every event name ever recorded: a small dictionary table (event_names), read whole up to the limit. */
  async eventNames(limit: number): Promise<string[]> {
    const rows = await this.db.selectFrom('eventNames').select('name').orderBy('name').limit(limit).execute();
    return rows.map((r) => r.name);
  }

  /** Custom attribute names in use, by how many contacts have them. */
  async attributeKeys(limit: number): Promise<string[]> {
    const { rows } = await sql<{ key: string }>`
      select key
      from (select attributes from contacts where jsonb_typeof(attributes) = 'object' and attributes <> '{}'::jsonb limit ${SCAN_LIMIT}) c,
        jsonb_object_keys(c.attributes) as key
      group by key
      order by count(*) desc, key
      limit ${limit}`.execute(this.db);
    return rows.map((r) => r.key);
  }
}
