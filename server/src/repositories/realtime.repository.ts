import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type { Message } from '../db/schema.ts';
import { conversationIdOf, type Membership } from '../realtime/conversation-scope.ts';
import {
  REALTIME_CHANNEL,
  type RealtimeEventMap,
  type RealtimeEventName,
  VISIBILITY_ROOMS,
} from '../realtime/event-map.ts';

// NOTIFY payloads must stay under 8000 bytes; bigger events go out with only their ids. `at` and `scope`
// (appended in SQL) take under 300 bytes.
const MAX_PAYLOAD = 7500;

/**
 * Publishes a realtime event with pg_notify. Inside a transaction Postgres delivers it only at commit,
 * which is exactly "after commit", and every process LISTENing (any api process) receives it.
 */
export class RealtimeRepository {
  constructor(private readonly db: DbOrTx) {}

  async publish<K extends RealtimeEventName>(
    room: string,
    event: K,
    data: RealtimeEventMap[K],
  ): Promise<void> {
    let payload = JSON.stringify({ room, event, data });
    if (Buffer.byteLength(payload) > MAX_PAYLOAD)
      payload = JSON.stringify({ room, event, data: shrink(data), truncated: true });
    // Every event carries `at`, the transaction timestamp (the `updated_at` of the rows it changed): clients resume
    // from it after a reconnect. Events of a visibility-filtered room carry the conversation's `scope` as this
    // transaction sees it, so the hub filters per socket without a query (see realtime/conversation-scope.ts).
    const head = payload.slice(0, -1);
    if (!VISIBILITY_ROOMS.has(room)) {
      await sql`select pg_notify(${REALTIME_CHANNEL}, ${head} || ',"at":' || to_json(now())::text || '}')`.execute(
        this.db,
      );
      return;
    }
    await sql`select pg_notify(${REALTIME_CHANNEL}, ${head} || ',"at":' || to_json(now())::text || ',"scope":' || coalesce(
        (select json_build_object('id', c.id, 'channelId', c.channel_id, 'assigneeId', c.assignee_id, 'teamId', c.team_id)::text
           from conversations c where c.id = ${conversationIdOf(data)}::uuid),
        'null') || '}')`.execute(this.db);
  }

  /**
   * publish() for several events in ONE statement, delivered in the given order at commit: the set-based receive sends
   * a whole batch's events without a round trip each. Same payloads, `at` and `scope` as publish().
   */
  async publishMany(events: RealtimeEvent[]): Promise<void> {
    if (events.length === 0) return;
    const heads: string[] = [];
    const scopes: (string | null)[] = [];
    const scoped: boolean[] = [];
    for (const { room, event, data } of events) {
      let payload = JSON.stringify({ room, event, data });
      if (Buffer.byteLength(payload) > MAX_PAYLOAD)
        payload = JSON.stringify({ room, event, data: shrink(data), truncated: true });
      heads.push(payload.slice(0, -1));
      scoped.push(VISIBILITY_ROOMS.has(room));
      scopes.push(VISIBILITY_ROOMS.has(room) ? conversationIdOf(data) : null);
    }
    await sql`
      select pg_notify(${REALTIME_CHANNEL}, e.head || ',"at":' || to_json(now())::text || case when e.scoped then ',"scope":' || coalesce(
          (select json_build_object('id', c.id, 'channelId', c.channel_id, 'assigneeId', c.assignee_id, 'teamId', c.team_id)::text
             from conversations c where c.id = e.conversation_id),
          'null') else '' end || '}')
      from unnest(${sql.val(heads)}::text[], ${sql.val(scopes)}::uuid[], ${sql.val(scoped)}::boolean[])
           with ordinality as e(head, conversation_id, scoped, n)
      order by e.n`.execute(this.db);
  }

  /**
   * Messages of one conversation changed (created, edited, delivered, deleted) after `since`, oldest change first:
   * the replay of a conversation stream resumed with `Last-Event-ID` (served by messages_updated_idx).
   */
  changedMessages(conversationId: string, since: Date, limit: number): Promise<Message[]> {
    return this.db
      .selectFrom('messages')
      .selectAll()
      .where('conversationId', '=', conversationId)
      .where('updatedAt', '>', since)
      .orderBy('updatedAt')
      .orderBy('id')
      .limit(limit)
      .execute();
  }

  /** The channels and teams a user belongs to: what an agent's realtime visibility depends on. */
  async membershipOf(userId: string): Promise<Membership> {
    const rows = await sql<{ kind: 'channel' | 'team'; id: string }>`
      select 'channel' as kind, channel_id as id from channel_members where user_id = ${userId}
      union all
      select 'team', team_id from team_members where user_id = ${userId}`.execute(this.db);
    const channelIds = new Set<string>();
    const teamIds = new Set<string>();
    for (const row of rows.rows) (row.kind === 'channel' ? channelIds : teamIds).add(row.id);
    return { channelIds, teamIds };
  }
}

/** One event for publishMany. */
export interface RealtimeEvent<K extends RealtimeEventName = RealtimeEventName> {
  room: string;
  event: K;
  data: RealtimeEventMap[K];
}

/** Keeps only `id` fields: the client refetches the rest. */
function shrink(data: object): object {
  return Object.fromEntries(
    Object.entries(data).map(([k, v]) => [
      k,
      v && typeof v === 'object' && 'id' in v ? { id: (v as { id: unknown }).id } : v,
    ]),
  );
}
