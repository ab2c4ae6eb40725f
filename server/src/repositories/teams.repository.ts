import type { Selectable } from 'kysely';
import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type { TeamsTable } from '../db/schema.ts';

export type Team = Selectable<TeamsTable>;
export interface TeamMember {
  teamId: string;
  userId: string;
  displayName: string;
  email: string;
}

/** Teams (names unique case-insensitively). Membership changes live in memberships.repository.ts (assignment). */
export class TeamsRepository {
  constructor(private readonly db: DbOrTx) {}

  list(): Promise<Team[]> {
    return this.db.selectFrom('teams').selectAll().orderBy(sql`lower(name)`).execute();
  }

  get(id: string): Promise<Team | undefined> {
    return this.db.selectFrom('teams').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** The members of several teams in one query (the list payload). */
  membersOf(teamIds: string[]): Promise<TeamMember[]> {
    if (teamIds.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('teamMembers as tm')
      .innerJoin('users as u', 'u.id', 'tm.userId')
      .select(['tm.teamId', 'tm.userId', 'u.displayName', 'u.email'])
      .where('tm.teamId', 'in', teamIds)
      .orderBy('u.displayName')
      .execute();
  }

  /** Inserts a team; undefined when the name is taken. */
  create(values: {
    name: string;
    description?: string | null;
    allowAutoAssign?: boolean;
  }): Promise<Team | undefined> {
    return this.db
      .insertInto('teams')
      .values(values)
      .onConflict((oc) => oc.expression(sql`lower(name)`).doNothing())
      .returningAll()
      .executeTakeFirst();
  }

  update(
    id: string,
    patch: { name?: string; description?: string | null; allowAutoAssign?: boolean },
  ): Promise<Team | undefined> {
    return this.db
      .updateTable('teams')
      .set({ ...patch, updatedAt: sql`now()` })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  /** Deletes a team; its conversations lose the team (on delete set null), so their updated_at is bumped first. */
  async delete(id: string): Promise<boolean> {
    await this.db
      .updateTable('conversations')
      .set({ updatedAt: sql`now()` })
      .where('teamId', '=', id)
      .execute();
    const res = await this.db.deleteFrom('teams').where('id', '=', id).executeTakeFirst();
    return res.numDeletedRows > 0n;
  }
}
