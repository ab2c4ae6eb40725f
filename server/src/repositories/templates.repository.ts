import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type { TemplateRow } from '../db/schema.ts';

/** Writable template fields; jsonb ones as values (serialised here). */
export interface TemplateWrite {
  key?: string | null;
  name?: string;
  format?: TemplateRow['format'];
  body?: string;
  variants?: Record<string, string>;
  buttons?: unknown[];
  attachmentId?: string | null;
  sampleData?: Record<string, unknown>;
  /** Email templates (0020): the subject and its per-language variants. */
  subject?: string | null;
  subjectVariants?: Record<string, string>;
}

const json = (v: unknown) => (v === undefined ? undefined : JSON.stringify(v));

/** Message templates. Few rows (tens to hundreds), so lists are unpaginated. */
export class TemplatesRepository {
  constructor(private readonly db: DbOrTx) {}

  /** Built-ins first, then by name; `q` matches name or key (substring, case-insensitive). */
  list(opts: { format?: string; q?: string; limit: number }): Promise<TemplateRow[]> {
    let q = this.db
      .selectFrom('templates')
      .selectAll()
      .orderBy('builtIn', 'desc')
      .orderBy(sql`lower(name)`)
      .orderBy('id')
      .limit(opts.limit);
    if (opts.format) q = q.where('format', '=', opts.format as TemplateRow['format']);
    if (opts.q) {
      const like = `%${opts.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      q = q.where((eb) => eb.or([eb('name', 'ilike', like), eb('key', 'ilike', like)]));
    }
    return q.execute();
  }

  get(id: string, forUpdate = false): Promise<TemplateRow | undefined> {
    let q = this.db.selectFrom('templates').selectAll().where('id', '=', id);
    if (forUpdate) q = q.forUpdate();
    return q.executeTakeFirst();
  }

  getByKey(key: string, forUpdate = false): Promise<TemplateRow | undefined> {
    let q = this.db.selectFrom('templates').selectAll().where('key', '=', key);
    if (forUpdate) q = q.forUpdate();
    return q.executeTakeFirst();
  }

  create(row: TemplateWrite & { name: string; body: string }): Promise<TemplateRow> {
    return this.db
      .insertInto('templates')
      .values({
        key: row.key ?? null,
        name: row.name,
        format: row.format ?? 'telegram_html',
        body: row.body,
        variants: json(row.variants ?? {})!,
        buttons: json(row.buttons ?? [])!,
        attachmentId: row.attachmentId ?? null,
        sampleData: json(row.sampleData ?? {})!,
        subject: row.subject ?? null,
        subjectVariants: json(row.subjectVariants ?? {})!,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** Applies the change and bumps `version` (the renderers' cache key). */
  update(id: string, patch: TemplateWrite): Promise<TemplateRow> {
    return this.db
      .updateTable('templates')
      .set({
        key: patch.key,
        name: patch.name,
        format: patch.format,
        body: patch.body,
        variants: json(patch.variants),
        buttons: json(patch.buttons),
        attachmentId: patch.attachmentId,
        sampleData: json(patch.sampleData),
        subject: patch.subject,
        subjectVariants: json(patch.subjectVariants),
        version: sql`version + 1`,
        updatedAt: sql`now()`,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('templates').where('id', '=', id).execute();
  }

  /** Whether an attachment row exists (templates keep only its id; the bytes are the attachments module's). */
  async attachmentExists(id: string): Promise<boolean> {
    const row = await this.db.selectFrom('attachments').select('id').where('id', '=', id).executeTakeFirst();
    return row !== undefined;
  }
}
