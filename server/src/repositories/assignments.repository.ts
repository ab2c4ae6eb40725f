import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type { Conversation } from '../db/schema.ts';

/** Statuses that occupy an agent (count against capacity) and that the unassigned queue holds. */
const ACTIVE_STATUSES = ['open', 'pending'] as const;

/** An agent auto-assignment may pick, with what the round needs to decide. */
export interface AutoAssignCandidate {
  userId: string;
  displayName: string;
  /** channel_members.capacity (null: the channel default). */
  capacity: number | null;
  /** Open and pending conversations of this channel assigned to the agent. */
  activeCount: number;
  /** Automatic assignments in this channel within the fair-limit window (0 when there is no window). */
  recentAutomatic: number;
  /** The agent's latest automatic assignment in this channel (null: never). */
  lastAutomaticAt: Date | null;
  /** Teams the agent belongs to (conversations assigned to a team go to its members only). */
  teamIds: string[];
}

/** Conversation assignment: the conditional updates, the history, and the queries of the auto-assignment round. */
export class AssignmentsRepository {
  constructor(private readonly db: DbOrTx) {}

  /**
   * Assigns only when nobody holds the conversation: one statement, so of two concurrent takers the second finds the
   * row changed (READ COMMITTED re-checks the WHERE after waiting for the first) and gets undefined.
   */
  assignIfUnassigned(id: string, userId: string, teamId?: string | null): Promise<Conversation | undefined> {
    return this.db
      .updateTable('conversations')
      .set({ assigneeId: userId, ...(teamId !== undefined ? { teamId } : {}), updatedAt: sql`now()` })
      .where('id', '=', id)
      .where('assigneeId', 'is', null)
      .returningAll()
      .executeTakeFirst();
  }

  /** Sets assignee and/or team (undefined leaves a field as it is). */
  set(id: string, change: { userId?: string | null; teamId?: string | null }): Promise<Conversation> {
    return this.db
      .updateTable('conversations')
      .set({
        ...(change.userId !== undefined ? { assigneeId: change.userId } : {}),
        ...(change.teamId !== undefined ? { teamId: change.teamId } : {}),
        updatedAt: sql`now()`,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** One history row; automatic rows get the statement's own time so a round's assignments stay ordered. */
  async record(row: {
    conversationId: string;
    userId: string | null;
    teamId: string | null;
    assignedBy: string | null;
    automatic: boolean;
  }): Promise<void> {
    await this.db
      .insertInto('conversationAssignments')
      .values({ ...row, assignedAt: sql`clock_timestamp()` as never })
      .execute();
  }

  /**
   * Serializes auto-assignment rounds of one channel across every worker process until the transaction ends, so two
   * rounds never count an agent's load from the same snapshot and both give them a conversation.
   */
  async lockChannel(channelId: string): Promise<void> {
    await sql`select pg_advisory_xact_lock(hashtextextended(${`auto_assign:${channelId}`}, 0))`.execute(
      this.db,
    );
  }

  /**
   * The channel's unassigned queue, first to serve first. Rows being changed by someone else right now are skipped
   * (the next round sees them); the caller's conditional update decides anyway.
   */
  queue(
    channelId: string,
    order: 'longest_waiting' | 'earliest_created',
    limit: number,
  ): Promise<Conversation[]> {
    let q = this.db
      .selectFrom('conversations')
      .selectAll()
      .where('channelId', '=', channelId)
      .where('assigneeId', 'is', null)
      .where('status', 'in', ACTIVE_STATUSES);
    q =
      order === 'longest_waiting'
        ? q.orderBy(sql`waiting_since asc nulls last, created_at asc, id asc`)
        : q.orderBy(sql`created_at asc, id asc`);
    return q.limit(limit).forUpdate().skipLocked().execute();
  }

  /**
   * Members of the channel who may be given conversations now: active users with a role that works conversations,
   * availability `online`, and a live connection (a presence row with a fresh heartbeat).
   */
  async candidates(
    channelId: string,
    opts: { staleSeconds: number; fairWindowMinutes: number | null },
  ): Promise<AutoAssignCandidate[]> {
    const window = opts.fairWindowMinutes;
    const rows = await this.db
      .selectFrom('channelMembers as m')
      .innerJoin('users as u', 'u.id', 'm.userId')
      .select(['m.userId', 'u.displayName', 'm.capacity'])
      .select([
        sql<number>`(select count(*)::int from conversations c
          where c.channel_id = m.channel_id and c.assignee_id = m.user_id and c.status in ('open', 'pending'))`.as(
          'activeCount',
        ),
        (window === null
          ? sql<number>`0`
          : sql<number>`(select count(*)::int from conversation_assignments a
              join conversations c on c.id = a.conversation_id
              where a.user_id = m.user_id and a.automatic and c.channel_id = m.channel_id
                and a.assigned_at > now() - make_interval(mins => ${window}))`
        ).as('recentAutomatic'),
        sql<Date | null>`(select max(a.assigned_at) from conversation_assignments a
          join conversations c on c.id = a.conversation_id
          where a.user_id = m.user_id and a.automatic and c.channel_id = m.channel_id)`.as('lastAutomaticAt'),
        sql<string[]>`array(select t.team_id from team_members t where t.user_id = m.user_id)::text[]`.as(
          'teamIds',
        ),
      ])
      .where('m.channelId', '=', channelId)
      .where('u.active', '=', true)
      .where('u.role', 'in', ['owner', 'admin', 'agent'])
      .where('u.availability', '=', 'online')
      .where(
        sql<boolean>`exists (select 1 from user_presence p where p.user_id = m.user_id and p.connections > 0
          and p.updated_at > now() - make_interval(secs => ${opts.staleSeconds}))`,
      )
      .execute();
    return rows.map((r) => ({
      ...r,
      lastAutomaticAt: r.lastAutomaticAt ? new Date(r.lastAutomaticAt) : null,
    }));
  }

  /** Teams that let their conversations be auto-assigned, among these. */
  async autoAssignableTeams(teamIds: string[]): Promise<Set<string>> {
    if (teamIds.length === 0) return new Set();
    const rows = await this.db
      .selectFrom('teams')
      .select('id')
      .where('id', 'in', teamIds)
      .where('allowAutoAssign', '=', true)
      .execute();
    return new Set(rows.map((r) => r.id));
  }

  /** Channels with someone in their unassigned queue, with their inbox settings (the safety-net sweep visits these). */
  async channelsWithQueue(): Promise<Array<{ id: string; inboxSettings: Record<string, unknown> }>> {
    return this.db
      .selectFrom('channels as ch')
      .select(['ch.id', 'ch.inboxSettings'])
      .where(
        sql<boolean>`exists (select 1 from conversations c where c.channel_id = ch.id and c.assignee_id is null
          and c.status in ('open', 'pending'))`,
      )
      .execute();
  }
}
