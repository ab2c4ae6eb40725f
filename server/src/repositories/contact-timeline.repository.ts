import { type Expression, type SqlBool, sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';

/** What a contact's timeline merges. */
export const TIMELINE_KINDS = ['message', 'event', 'broadcast', 'notification'] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

/** One timeline row: its kind, its own id (as text: the tables' ids differ in type), when, and kind-specific data. */
export interface TimelineRow {
  kind: TimelineKind;
  id: string;
  at: Date;
  /** `at` with full precision, the cursor's value (a JS Date drops microseconds). */
  sortValue: string;
  data: Record<string, unknown>;
}

/** Where the previous page ended: (at, kind, id) descending. */
export interface TimelinePosition {
  at: string;
  kind: string;
  id: string;
}

/**
 * A contact's history across tables, newest first, keyset-paged on (at, kind, id). Each branch is ordered and limited
 * on its own index before the union (messages_conversation_idx through conversations_contact_idx,
 * contact_events_contact_idx, broadcast_deliveries_contact_idx, notifications_contact_idx), so a page reads at most
 * `limit` rows per kind however long the history is.
 */
export class ContactTimelineRepository {
  constructor(private readonly db: DbOrTx) {}

  async page(opts: {
    contactId: string;
    kinds: readonly TimelineKind[];
    limit: number;
    after?: TimelinePosition;
    /** Conversation visibility over `conversations as c` (null: sees all). */
    visible: Expression<SqlBool> | null;
  }): Promise<TimelineRow[]> {
    const { contactId, limit, after } = opts;
    // Ids compare as text in the C collation: the same order in every branch and in the cursor, whatever their type.
    const before = (at: string, kind: TimelineKind, id: string) =>
      after
        ? sql<SqlBool>`(${sql.raw(at)}, ${kind}::text collate "C", ${sql.raw(id)}::text collate "C")
            < (${after.at}::timestamptz, ${after.kind}::text collate "C", ${after.id}::text collate "C")`
        : sql<SqlBool>`true`;
    const branches = [];
    if (opts.kinds.includes('message'))
      branches.push(sql`(select 'message'::text as kind, m.id::text as id, m.created_at as at,
          json_build_object('conversationId', c.id, 'displayId', c.display_id, 'channelId', c.channel_id,
            'messageType', m.message_type, 'deleted', m.deleted_at is not null,
            'content', case when m.deleted_at is null then left(m.content, 500) end,
            'attachments', (select count(*)::int from attachments a where a.message_id = m.id),
            'deliveryStatus', m.delivery_status) as data
        from conversations c join messages m on m.conversation_id = c.id
        where c.contact_id = ${contactId}::uuid and m.message_type <> 'activity'
          and ${opts.visible ?? sql<SqlBool>`true`} and ${before('m.created_at', 'message', 'm.id')}
        order by m.created_at desc, m.id::text collate "C" desc limit ${limit})`);
    if (opts.kinds.includes('event'))
      branches.push(sql`(select 'event'::text, e.id::text, e.occurred_at,
          json_build_object('name', n.name, 'properties', e.properties)
        from contact_events e join event_names n on n.id = e.name_id
        where e.contact_id = ${contactId}::uuid and ${before('e.occurred_at', 'event', 'e.id')}
        order by e.occurred_at desc, e.id::text collate "C" desc limit ${limit})`);
    if (opts.kinds.includes('broadcast'))
      // Recipients still pending have received nothing yet; the rest show their outcome (sent, blocked, failed…).
      branches.push(sql`(select 'broadcast'::text, d.id::text, coalesce(d.sent_at, d.updated_at),
          json_build_object('broadcastId', b.id, 'title', b.title, 'status', d.status, 'reason', d.reason)
        from broadcast_deliveries d join broadcasts b on b.id = d.broadcast_id
        where d.contact_id = ${contactId}::uuid and d.status <> 'pending'
          and ${before('coalesce(d.sent_at, d.updated_at)', 'broadcast', 'd.id')}
        order by coalesce(d.sent_at, d.updated_at) desc, d.id::text collate "C" desc limit ${limit})`);
    if (opts.kinds.includes('notification'))
      branches.push(sql`(select 'notification'::text, x.id::text, x.created_at,
          json_build_object('typeKey', x.type_key, 'status', x.status, 'channel', x.channel,
            'reason', x.reason, 'sentAt', x.sent_at)
        from notifications x
        where x.contact_id = ${contactId}::uuid and ${before('x.created_at', 'notification', 'x.id')}
        order by x.created_at desc, x.id::text collate "C" desc limit ${limit})`);
    if (branches.length === 0) return [];
    const result = await sql<Omit<TimelineRow, 'sortValue'> & { sortValue: string }>`
      select t.kind, t.id, t.at, t.at::text as sort_value, t.data
      from (${sql.join(branches, sql` union all `)}) as t(kind, id, at, data)
      order by t.at desc, t.kind collate "C" desc, t.id collate "C" desc limit ${limit}`.execute(this.db);
    return result.rows;
  }
}
