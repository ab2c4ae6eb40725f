import { type Selectable, type SqlBool, sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type { LabelsTable } from '../db/schema.ts';

export type Label = Selectable<LabelsTable>;

/** Conversation labels (names unique case-insensitively); conversations keep label names in conversations.labels. */
export class LabelsRepository {
  constructor(private readonly db: DbOrTx) {}

  list(): Promise<Label[]> {
    return this.db.selectFrom('labels').selectAll().orderBy(sql`lower(name)`).execute();
  }

  get(id: string): Promise<Label | undefined> {
    return this.db.selectFrom('labels').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** The stored labels matching names case-insensitively (their canonical spelling). */
  findByNames(names: string[]): Promise<Label[]> {
    if (names.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('labels')
      .selectAll()
      .where(
        sql`lower(name)`,
        'in',
        names.map((n) => n.toLowerCase()),
      )
      .execute();
  }

  /** Inserts a label; undefined when the name is taken. */
  create(values: { name: string; color?: string; description?: string | null }): Promise<Label | undefined> {
    return this.db
      .insertInto('labels')
      .values(values)
      .onConflict((oc) => oc.expression(sql`lower(name)`).doNothing())
      .returningAll()
      .executeTakeFirst();
  }

  update(
    id: string,
    patch: { name?: string; color?: string; description?: string | null },
  ): Promise<Label | undefined> {
    return this.db.updateTable('labels').set(patch).where('id', '=', id).returningAll().executeTakeFirst();
  }

  async delete(id: string): Promise<Label | undefined> {
    return this.db.deleteFrom('labels').where('id', '=', id).returningAll().executeTakeFirst();
  }

  /** Renames a label on every conversation carrying it; bumps updated_at so clients catch up. */
  async renameOnConversations(from: string, to: string): Promise<void> {
    await this.db
      .updateTable('conversations')
      .set({ labels: sql`array_replace(labels, ${from}::text, ${to}::text)`, updatedAt: sql`now()` })
      .where(sql<SqlBool>`labels @> array[${from}]::text[]`)
      .execute();
  }

  /** Removes a deleted label from every conversation. */
  async removeFromConversations(name: string): Promise<void> {
    await this.db
      .updateTable('conversations')
      .set({ labels: sql`array_remove(labels, ${name}::text)`, updatedAt: sql`now()` })
      .where(sql<SqlBool>`labels @> array[${name}]::text[]`)
      .execute();
  }
}
