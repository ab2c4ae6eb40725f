import { type Expression, type SqlBool, sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type { Conversation, ConversationPriority, ConversationStatus } from '../db/schema.ts';
import type { CursorPosition } from '../lib/cursor.ts';

/** Filters of the conversation list (the service resolves `assignee=me` to an id). */
export interface ConversationFilter {
  channelId?: string;
  contactId?: string;
  status?: ConversationStatus;
  /** A user id, or 'none' for unassigned. */
  assignee?: string;
  teamId?: string;
  label?: string;
  priority?: ConversationPriority;
  category?: string;
  /** Full-text over messages (Russian and English stemming) or a substring of the contact's name or username. */
  q?: string;
  /** Only conversations changed after this (reconnect catch-up); lists in updated order. */
  updatedSince?: Date;
  /** Visibility (services/conversation-visibility.ts); absent = everything. */
  visible?: Expression<SqlBool> | null;
}

/** List orders: last activity (newest first), waiting time (longest waiting first), or change order (catch-up). */
export type ConversationSort = 'activity' | 'waiting' | 'updated';

/** Fields PATCH /conversations/:id may change. */
export interface ConversationChange {
  status?: ConversationStatus;
  snoozedUntil?: Date | null;
  priority?: ConversationPriority | null;
  category?: string;
  labels?: string[];
  customAttributes?: Record<string, unknown>;
  resolvedAt?: Date | null;
  waitingSince?: Date | null;
}

/** The newest message of a conversation as a list item shows it (activity lines skipped). */
export interface LastMessagePreview {
  id: string;
  messageType: string;
  /** At most 300 characters: a preview, not the message. */
  content: string | null;
  attachments: number;
  deleted: boolean;
  createdAt: string;
}

/** A list row: the conversation, the viewer's read state, the contact's name, the last message, and the cursor value. */
export type ConversationRow = Conversation & {
  sortValue: string;
  unreadCount: number;
  agentLastSeenAt: Date | null;
  contactName: string | null;
  lastMessage: LastMessagePreview | null;
};

/** The name a person is known by: name, else first and last name, else @username (null when none is set). */
const CONTACT_NAME = sql<string | null>`(select coalesce(nullif(ct.name, ''),
    nullif(concat_ws(' ', nullif(ct.first_name, ''), nullif(ct.last_name, '')), ''),
    '@' || nullif(ct.username, '')) from contacts ct where ct.id = c.contact_id)`;

/**
 * The latest non-activity message, read backwards along messages_conversation_idx (conversation_id, created_at, id):
 * one index probe per row of the page. Deleted messages keep their place but show no content, as the read API does.
 */
const LAST_MESSAGE = sql<LastMessagePreview | null>`(select json_build_object(
    'id', m.id, 'messageType', m.message_type,
    'content', case when m.deleted_at is null then left(m.content, 300) end,
    'attachments', (select count(*)::int from attachments a where a.message_id = m.id),
    'deleted', m.deleted_at is not null,
    'createdAt', to_char(m.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
  from messages m where m.conversation_id = c.id and m.message_type <> 'activity'
  order by m.created_at desc, m.id desc limit 1)`;

const SORTS: Record<ConversationSort, { key: string; dir: 'asc' | 'desc' }> = {
  activity: { key: 'c.last_activity_at', dir: 'desc' },
  // Nobody waiting sorts last; 'infinity' keeps the keyset comparison total.
  waiting: { key: "coalesce(c.waiting_since, 'infinity'::timestamptz)", dir: 'asc' },
  updated: { key: 'c.updated_at', dir: 'asc' },
};

/** Conversations: one per chat on a channel; at most one not resolved per chat (partial unique index). */
/** What a new conversation is created with (the rest takes the table's defaults). */
export interface NewConversation {
  channelId: string;
  contactId: string | null;
  chatExternalId: string;
  chatKind: 'private' | 'group';
  title: string | null;
  lastActivityAt: Date;
}

export class ConversationsRepository {
  constructor(private readonly db: DbOrTx) {}

  get(id: string): Promise<Conversation | undefined> {
    return this.db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Whether the conversation exists and matches a where-clause over `conversations` (visibility checks). */
  async existsWhere(id: string, where: Expression<SqlBool>): Promise<boolean> {
    const row = await this.db
      .selectFrom('conversations')
      .select('id')
      .where('id', '=', id)
      .where(where)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** The chat's conversation that is not resolved, locked so concurrent messages update it in turn. */
  findOpenForUpdate(channelId: string, chatExternalId: string): Promise<Conversation | undefined> {
    return this.db
      .selectFrom('conversations')
      .selectAll()
      .where('channelId', '=', channelId)
      .where('chatExternalId', '=', chatExternalId)
      .where('status', '<>', 'resolved')
      .forUpdate()
      .executeTakeFirst();
  }

  /** Inserts a conversation; a concurrent open one for the same chat raises a unique violation (the caller retries). */
  create(values: NewConversation): Promise<Conversation> {
    return this.db.insertInto('conversations').values(values).returningAll().executeTakeFirstOrThrow();
  }

  /**
   * Records activity (never moving it backwards: updates may be processed late) and a group's current title.
   * `customerWrote` also starts the waiting clock when nobody is waiting already (an agent's reply clears it).
   */
  touch(id: string, at: Date, title?: string, opts: { customerWrote?: boolean } = {}): Promise<Conversation> {
    return this.db
      .updateTable('conversations')
      .set({
        lastActivityAt: sql`greatest(last_activity_at, ${at}::timestamptz)`,
        updatedAt: sql`now()`,
        ...(title !== undefined ? { title } : {}),
        ...(opts.customerWrote ? { waitingSince: sql`coalesce(waiting_since, ${at}::timestamptz)` } : {}),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /**
   * For each of several chats, the conversation a customer message would look at first: the one not resolved, else the
   * newest. Locked, in id order. Keyed by chat; a chat without any conversation is absent.
   */
  async findCurrentForChatsForUpdate(
    channelId: string,
    chatExternalIds: string[],
  ): Promise<Map<string, Conversation>> {
    if (chatExternalIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('conversations')
      .selectAll()
      .where('id', 'in', (qb) =>
        qb
          .selectFrom('conversations')
          .select('id')
          .distinctOn('chatExternalId')
          .where('channelId', '=', channelId)
          .where('chatExternalId', 'in', chatExternalIds)
          .orderBy('chatExternalId')
          .orderBy(sql`status <> 'resolved'`, 'desc')
          .orderBy('createdAt', 'desc'),
      )
      .orderBy('id')
      .forUpdate()
      .execute();
    return new Map(rows.map((row) => [row.chatExternalId, row]));
  }

  /** Inserts several conversations of distinct chats in one statement; keyed by chat. */
  async createMany(all: NewConversation[]): Promise<Map<string, Conversation>> {
    if (all.length === 0) return new Map();
    const rows = await this.db.insertInto('conversations').values(all).returningAll().execute();
    return new Map(rows.map((row) => [row.chatExternalId, row]));
  }

  /** touch(id, at, undefined, {customerWrote: true}) for several conversations in one statement; keyed by id. */
  async touchManyCustomerWrote(all: { id: string; at: Date }[]): Promise<Map<string, Conversation>> {
    if (all.length === 0) return new Map();
    const { rows } = await sql<Conversation>`
      update conversations c
      set last_activity_at = greatest(c.last_activity_at, v.at), updated_at = now(),
          waiting_since = coalesce(c.waiting_since, v.at)
      from unnest(${sql.val(all.map((a) => a.id))}::uuid[], ${sql.val(all.map((a) => a.at))}::timestamptz[]) as v(id, at)
      where c.id = v.id
      returning c.*`.execute(this.db);
    return new Map(rows.map((row) => [row.id, row]));
  }

  /** The chat's newest conversation of any status, locked (the reopen-window check after the open one was not found). */
  findLatestForUpdate(channelId: string, chatExternalId: string): Promise<Conversation | undefined> {
    return this.db
      .selectFrom('conversations')
      .selectAll()
      .where('channelId', '=', channelId)
      .where('chatExternalId', '=', chatExternalId)
      .orderBy('createdAt', 'desc')
      .limit(1)
      .forUpdate()
      .executeTakeFirst();
  }

  /** Back to open from resolved or snoozed: the snooze and the resolution end. */
  reopen(id: string): Promise<Conversation> {
    return this.db
      .updateTable('conversations')
      .set({ status: 'open', snoozedUntil: null, resolvedAt: null, updatedAt: sql`now()` })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** Every conversation of a chat (any status), oldest first, locked: a migration moves them all. */
  listByChatForUpdate(channelId: string, chatExternalId: string): Promise<Conversation[]> {
    return this.db
      .selectFrom('conversations')
      .selectAll()
      .where('channelId', '=', channelId)
      .where('chatExternalId', '=', chatExternalId)
      .orderBy('createdAt')
      .forUpdate()
      .execute();
  }

  /** Points conversations at a chat's new id. */
  moveToChat(ids: string[], chatExternalId: string): Promise<Conversation[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db
      .updateTable('conversations')
      .set({ chatExternalId, updatedAt: sql`now()` })
      .where('id', 'in', ids)
      .returningAll()
      .execute();
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('conversations').where('id', '=', id).execute();
  }

  /**
   * Keyset page in one of the list orders; `sortValue` is the cursor's value. Carries the viewer's `unreadCount`
   * (incoming messages after their conversation_reads.last_seen_at) and `agentLastSeenAt`, the contact's display
   * name and the last message preview, each a subquery evaluated for the page's rows only: one query, no N+1.
   */
  list(opts: {
    filter: ConversationFilter;
    sort: ConversationSort;
    limit: number;
    after?: CursorPosition;
    viewerUserId: string | null;
  }): Promise<ConversationRow[]> {
    const { key, dir } = SORTS[opts.sort];
    const uid = opts.viewerUserId;
    let q = this.db
      .selectFrom('conversations as c')
      .leftJoin('conversationReads as cr', (j) =>
        j
          .onRef('cr.conversationId', '=', 'c.id')
          .on('cr.userId', '=', uid ?? '00000000-0000-0000-0000-000000000000'),
      )
      .selectAll('c')
      .select(sql<string>`(${sql.raw(key)})::text`.as('sortValue'))
      .select('cr.lastSeenAt as agentLastSeenAt')
      // The list shows who and what without a request per row (the web inbox used to fetch each contact).
      .select(CONTACT_NAME.as('contactName'))
      .select(LAST_MESSAGE.as('lastMessage'))
      .select(
        uid
          ? sql<number>`(select count(*)::int from messages m where m.conversation_id = c.id
              and m.message_type = 'incoming' and m.deleted_at is null
              and (cr.last_seen_at is null or m.created_at > cr.last_seen_at))`.as('unreadCount')
          : sql<number>`0`.as('unreadCount'),
      )
      .orderBy(sql.raw(`${key} ${dir}, c.id ${dir}`))
      .limit(opts.limit);
    q = q.where(this.filterWhere(opts.filter));
    if (opts.after) {
      const op = dir === 'desc' ? '<' : '>';
      q = q.where(
        sql<SqlBool>`(${sql.raw(key)}, c.id) ${sql.raw(op)} (${opts.after.v}::timestamptz, ${opts.after.id}::uuid)`,
      );
    }
    return q.execute() as Promise<ConversationRow[]>;
  }

  /** The where-clause of a filter over `conversations as c`. */
  private filterWhere(f: ConversationFilter): Expression<SqlBool> {
    const parts: Expression<SqlBool>[] = [];
    if (f.channelId) parts.push(sql`c.channel_id = ${f.channelId}::uuid`);
    if (f.contactId) parts.push(sql`c.contact_id = ${f.contactId}::uuid`);
    if (f.status) parts.push(sql`c.status = ${f.status}`);
    if (f.assignee === 'none') parts.push(sql`c.assignee_id is null`);
    else if (f.assignee) parts.push(sql`c.assignee_id = ${f.assignee}::uuid`);
    if (f.teamId) parts.push(sql`c.team_id = ${f.teamId}::uuid`);
    // The array containment form is what the GIN index on labels serves.
    if (f.label) parts.push(sql`c.labels @> array[${f.label}]::text[]`);
    if (f.priority) parts.push(sql`c.priority = ${f.priority}`);
    if (f.category) parts.push(sql`c.category = ${f.category}`);
    if (f.updatedSince) parts.push(sql`c.updated_at > ${f.updatedSince}::timestamptz`);
    if (f.q) {
      // Both sides are index scans: messages.search (GIN) and contacts.search_text (trigram GIN).
      const pattern = `%${f.q.toLowerCase().replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
      parts.push(sql`(
        c.id in (select m.conversation_id from messages m
                 where m.search @@ (websearch_to_tsquery('russian', ${f.q}) || websearch_to_tsquery('english', ${f.q}))
                   and m.deleted_at is null and m.message_type <> 'activity')
        or c.contact_id in (select ct.id from contacts ct where ct.search_text like ${pattern}))`);
    }
    if (f.visible) parts.push(f.visible);
    return parts.length === 0 ? sql<SqlBool>`true` : sql<SqlBool>`${sql.join(parts, sql` and `)}`;
  }

  /**
   * Totals per inbox view for one viewer, in one query: mine / unassigned / all among open conversations (open and
   * pending: what needs attention, as Chatwoot counts), and all visible conversations per status.
   */
  async counts(opts: { visible: Expression<SqlBool> | null; userId: string | null }): Promise<{
    mine: number;
    unassigned: number;
    all: number;
    byStatus: Record<ConversationStatus, number>;
  }> {
    const uid = opts.userId;
    const row = await this.db
      .selectFrom('conversations as c')
      .select([
        sql<number>`count(*) filter (where c.status in ('open','pending') and c.assignee_id = ${uid}::uuid)::int`.as(
          'mine',
        ),
        sql<number>`count(*) filter (where c.status in ('open','pending') and c.assignee_id is null)::int`.as(
          'unassigned',
        ),
        sql<number>`count(*) filter (where c.status in ('open','pending'))::int`.as('all'),
        sql<number>`count(*) filter (where c.status = 'open')::int`.as('open'),
        sql<number>`count(*) filter (where c.status = 'pending')::int`.as('pending'),
        sql<number>`count(*) filter (where c.status = 'snoozed')::int`.as('snoozed'),
        sql<number>`count(*) filter (where c.status = 'resolved')::int`.as('resolved'),
      ])
      .where(opts.visible ?? sql<SqlBool>`true`)
      .executeTakeFirstOrThrow();
    return {
      mine: row.mine,
      unassigned: row.unassigned,
      all: row.all,
      byStatus: { open: row.open, pending: row.pending, snoozed: row.snoozed, resolved: row.resolved },
    };
  }

  /** The row locked for a change (PATCH, snooze wake-up). */
  getForUpdate(id: string): Promise<Conversation | undefined> {
    return this.db
      .selectFrom('conversations')
      .selectAll()
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
  }

  /** Applies a change; every write bumps updated_at (the catch-up cursor). */
  update(id: string, change: ConversationChange): Promise<Conversation> {
    const { customAttributes, ...rest } = change;
    return this.db
      .updateTable('conversations')
      .set({
        ...rest,
        ...(customAttributes !== undefined ? { customAttributes: JSON.stringify(customAttributes) } : {}),
        updatedAt: sql`now()`,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** A user's stored read mark of a conversation. */
  async lastSeen(conversationId: string, userId: string): Promise<Date | null> {
    const row = await this.db
      .selectFrom('conversationReads')
      .select('lastSeenAt')
      .where('conversationId', '=', conversationId)
      .where('userId', '=', userId)
      .executeTakeFirst();
    return row?.lastSeenAt ?? null;
  }

  /** Snoozed conversations whose time has come (the minute sweep), oldest first. */
  async listSnoozeDue(now: Date, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('conversations')
      .select('id')
      .where('status', '=', 'snoozed')
      .where('snoozedUntil', '<=', now)
      .orderBy('snoozedUntil')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }

  /**
   * Marks a conversation read by a user at `at`. Throttled in SQL: an existing mark newer than `at - throttleMs` is
   * left alone (at most one write per 15 s per agent and conversation). Returns the stored mark when it was written.
   */
  async markRead(
    conversationId: string,
    userId: string,
    at: Date,
    throttleMs: number,
  ): Promise<Date | undefined> {
    const row = await this.db
      .insertInto('conversationReads')
      .values({ conversationId, userId, lastSeenAt: at })
      .onConflict((oc) =>
        oc
          .columns(['conversationId', 'userId'])
          .doUpdateSet({ lastSeenAt: at })
          .where(
            sql<SqlBool>`conversation_reads.last_seen_at < ${new Date(at.getTime() - throttleMs)}::timestamptz`,
          ),
      )
      .returning('lastSeenAt')
      .executeTakeFirst();
    return row?.lastSeenAt;
  }
}
