import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type { BroadcastStatus } from '../db/schema.ts';
import type { RenderContact } from '../services/templates/types.ts';

/** What applying a correction or a deletion needs of the broadcast. */
export interface SentEditTarget {
  id: string;
  status: BroadcastStatus;
  channelId: string;
  buttons: unknown;
  templateButtons: unknown | null;
  sentEditContent: string | null;
  sentEditVersion: number;
  sentDeletedAt: Date | null;
}

/** A sent row still to be brought to the current correction or deleted, with its recipient for rendering. */
export interface SentRow {
  id: number;
  chatExternalId: string;
  externalId: string;
  contact: RenderContact;
}

/** How far a correction and a deletion have got, over the broadcast's sent rows. */
export interface SentEditCounts {
  sent: number;
  edited: number;
  editFailed: number;
  deleted: number;
  deleteFailed: number;
}

// What templates may show of the recipient (RenderContact).
const CONTACT_FIELDS = [
  'c.id as contactId',
  'c.externalId as contactExternalId',
  'c.name',
  'c.firstName',
  'c.lastName',
  'c.username',
  'c.email',
  'c.phone',
  'c.language',
  'c.timezone',
  'c.tags',
  'c.attributes',
  'c.birthday',
] as const;

// Only statuses that will send nothing more: a correction asked for mid-send would miss the rows sent afterwards.
const SETTLED: BroadcastStatus[] = ['completed', 'cancelled', 'failed'];

/** Corrections and deletions of a sent broadcast's messages (0017), row by row over broadcast_deliveries. */
export class BroadcastSentEditsRepository {
  constructor(private readonly db: DbOrTx) {}

  get(broadcastId: string): Promise<SentEditTarget | undefined> {
    return this.db
      .selectFrom('broadcasts as b')
      .leftJoin('templates as t', 't.id', 'b.templateId')
      .select([
        'b.id',
        'b.status',
        'b.channelId',
        'b.buttons',
        't.buttons as templateButtons',
        'b.sentEditContent',
        'b.sentEditVersion',
        'b.sentDeletedAt',
      ])
      .where('b.id', '=', broadcastId)
      .executeTakeFirst();
  }

  /** Asks for a correction; the new version, or undefined when the broadcast is not settled or was deleted (conditional). */
  async requestEdit(broadcastId: string, content: string): Promise<number | undefined> {
    const row = await this.db
      .updateTable('broadcasts')
      .set((eb) => ({
        sentEditContent: content,
        sentEditVersion: eb('sentEditVersion', '+', 1),
        updatedAt: sql`now()`,
      }))
      .where('id', '=', broadcastId)
      .where('status', 'in', SETTLED)
      .where('sentDeletedAt', 'is', null)
      .returning('sentEditVersion')
      .executeTakeFirst();
    return row?.sentEditVersion;
  }

  /** Asks for every sent message to be deleted; false when the broadcast is not settled or already deleted (conditional). */
  async requestDelete(broadcastId: string, at: Date): Promise<boolean> {
    const res = await this.db
      .updateTable('broadcasts')
      .set({ sentDeletedAt: at, updatedAt: sql`now()` })
      .where('id', '=', broadcastId)
      .where('status', 'in', SETTLED)
      .where('sentDeletedAt', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  /**
   * The next sent rows (by id, after `afterId`) not yet at `version`, or, with `version` null, not yet deleted nor refused.
   * Walks broadcast_deliveries_status_idx (broadcast_id, status, id); no locks: the job runs one at a time per broadcast
   * (its queue), and a row done twice is harmless (see 0017).
   */
  async nextRows(
    broadcastId: string,
    version: number | null,
    afterId: number,
    limit: number,
  ): Promise<SentRow[]> {
    let q = this.db
      .selectFrom('broadcastDeliveries as d')
      .innerJoin('contacts as c', 'c.id', 'd.contactId')
      .select(['d.id', 'd.chatExternalId', 'd.externalId', ...CONTACT_FIELDS])
      .where('d.broadcastId', '=', broadcastId)
      .where('d.status', '=', 'sent')
      .where('d.externalId', 'is not', null)
      .where('d.chatExternalId', 'is not', null)
      .where('d.deletedAt', 'is', null)
      .where('d.id', '>', afterId)
      .orderBy('d.id')
      .limit(limit);
    q = version === null ? q.where('d.deleteError', 'is', null) : q.where('d.editVersion', '<', version);
    const rows = await q.execute();
    return rows.map(({ id, chatExternalId, externalId, contactId, contactExternalId, ...fields }) => ({
      id,
      chatExternalId: chatExternalId!,
      externalId: externalId!,
      contact: { ...fields, id: contactId, externalId: contactExternalId },
    }));
  }

  /** Records a batch of corrections in one statement: done (error null) or refused for good (with the reason). */
  async recordEdits(version: number, outcomes: Array<{ id: number; error: string | null }>): Promise<void> {
    if (outcomes.length === 0) return;
    await sql`
      update broadcast_deliveries d set edit_version = ${version}, edit_error = o.error, updated_at = now()
      from unnest(${outcomes.map((o) => o.id)}::bigint[], ${outcomes.map((o) => o.error)}::text[]) as o(id, error)
      where d.id = o.id`.execute(this.db);
  }

  /** Records a batch of deletions in one statement: deleted (error null) or refused for good (with the reason). */
  async recordDeletes(at: Date, outcomes: Array<{ id: number; error: string | null }>): Promise<void> {
    if (outcomes.length === 0) return;
    await sql`
      update broadcast_deliveries d
      set deleted_at = case when o.error is null then ${at}::timestamptz end, delete_error = o.error, updated_at = now()
      from unnest(${outcomes.map((o) => o.id)}::bigint[], ${outcomes.map((o) => o.error)}::text[]) as o(id, error)
      where d.id = o.id`.execute(this.db);
  }

  /** Progress over the sent rows, in one aggregate over broadcast_deliveries_status_idx. */
  async counts(broadcastId: string, version: number): Promise<SentEditCounts> {
    const row = await sql<Record<keyof SentEditCounts, string>>`
      select count(*) as sent,
        count(*) filter (where edit_version >= ${version} and edit_error is null) as edited,
        count(*) filter (where edit_version >= ${version} and edit_error is not null) as "editFailed",
        count(*) filter (where deleted_at is not null) as deleted,
        count(*) filter (where delete_error is not null) as "deleteFailed"
      from broadcast_deliveries where broadcast_id = ${broadcastId} and status = 'sent'`.execute(this.db);
    const r = row.rows[0]!;
    return {
      sent: Number(r.sent),
      edited: version > 0 ? Number(r.edited) : 0,
      editFailed: version > 0 ? Number(r.editFailed) : 0,
      deleted: Number(r.deleted),
      deleteFailed: Number(r.deleteFailed),
    };
  }
}
