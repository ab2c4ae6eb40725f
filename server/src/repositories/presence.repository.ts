import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type { Availability } from '../db/schema.ts';

/** A user's presence: the availability they chose and the live connections every api process reports. */
export interface PresenceRow {
  userId: string;
  displayName: string;
  /** What the user chose (PUT /auth/me/availability). */
  manualAvailability: Availability;
  /** Live connections summed over api processes whose heartbeat is fresh. */
  connections: number;
}

/**
 * user_presence: one row per user and api process holding the count of that process's live sockets of the user.
 * A row whose `updated_at` is older than `staleSeconds` belongs to a process that stopped heartbeating and counts for nothing.
 */
export class PresenceRepository {
  constructor(private readonly db: DbOrTx) {}

  /** Locks the user row: presence changes of one user are computed one at a time, so each change is announced once. */
  async lockUser(userId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('users')
      .select('id')
      .where('id', '=', userId)
      .forUpdate()
      .executeTakeFirst();
    return Boolean(row);
  }

  /** Presence of these users (all active users when `userIds` is absent), by display name. */
  list(staleSeconds: number, userIds?: string[]): Promise<PresenceRow[]> {
    if (userIds && userIds.length === 0) return Promise.resolve([]);
    let q = this.db
      .selectFrom('users as u')
      .leftJoin('userPresence as p', (j) =>
        j
          .onRef('p.userId', '=', 'u.id')
          .on(sql<boolean>`p.updated_at > now() - make_interval(secs => ${staleSeconds})`),
      )
      .select(['u.id as userId', 'u.displayName', 'u.availability as manualAvailability'])
      .select(sql<number>`coalesce(sum(p.connections), 0)::int`.as('connections'))
      .groupBy('u.id')
      .orderBy('u.displayName')
      .orderBy('u.id');
    q = userIds ? q.where('u.id', 'in', userIds) : q.where('u.active', '=', true);
    return q.execute();
  }

  async get(userId: string, staleSeconds: number): Promise<PresenceRow | undefined> {
    return (await this.list(staleSeconds, [userId]))[0];
  }

  setAvailability(userId: string, availability: Availability): Promise<unknown> {
    return this.db
      .updateTable('users')
      .set({ availability, updatedAt: sql`now()` })
      .where('id', '=', userId)
      .execute();
  }

  /** This process's count of a user's sockets (0 removes the row). */
  async setConnections(userId: string, processId: string, connections: number): Promise<void> {
    if (connections === 0) {
      await this.db
        .deleteFrom('userPresence')
        .where('userId', '=', userId)
        .where('processId', '=', processId)
        .execute();
      return;
    }
    await this.db
      .insertInto('userPresence')
      .values({ userId, processId, connections })
      .onConflict((oc) =>
        oc.columns(['userId', 'processId']).doUpdateSet({ connections, updatedAt: sql`now()` }),
      )
      .execute();
  }

  /**
   * The heartbeat: rewrites every count of this process (recreating rows a sweep removed while the process was stalled)
   * and refreshes their `updated_at`. Users no longer connected have no entry and their rows were deleted on disconnect.
   */
  async heartbeat(processId: string, counts: Map<string, number>): Promise<void> {
    const entries = [...counts].filter(([, n]) => n > 0);
    if (entries.length === 0) return;
    await sql`
      insert into user_presence (user_id, process_id, connections, updated_at)
      select u, ${processId}, n, now()
      from unnest(${entries.map(([u]) => u)}::uuid[], ${entries.map(([, n]) => n)}::int[]) as t(u, n)
      where exists (select 1 from users where id = u)
      on conflict (user_id, process_id) do update set connections = excluded.connections, updated_at = now()`.execute(
      this.db,
    );
  }

  /** Users holding rows of processes that stopped heartbeating. */
  async staleUsers(staleSeconds: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('userPresence')
      .select('userId')
      .distinct()
      .where(sql<boolean>`updated_at <= now() - make_interval(secs => ${staleSeconds})`)
      .execute();
    return rows.map((r) => r.userId);
  }

  /** Deletes one user's rows of processes that stopped heartbeating; returns how many went. */
  async deleteStale(staleSeconds: number, userId: string): Promise<number> {
    const r = await this.db
      .deleteFrom('userPresence')
      .where('userId', '=', userId)
      .where(sql<boolean>`updated_at <= now() - make_interval(secs => ${staleSeconds})`)
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  /** Deletes every row of one process (it is shutting down); returns the users they held. */
  async deleteProcess(processId: string): Promise<string[]> {
    const rows = await this.db
      .deleteFrom('userPresence')
      .where('processId', '=', processId)
      .returning('userId')
      .execute();
    return rows.map((r) => r.userId);
  }
}
