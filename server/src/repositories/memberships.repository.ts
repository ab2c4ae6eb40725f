import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type { Role } from '../db/schema.ts';

/** A channel member with the user fields a member list shows. */
export interface ChannelMemberRow {
  channelId: string;
  userId: string;
  capacity: number | null;
  createdAt: Date;
  displayName: string;
  email: string;
  role: Role;
  active: boolean;
}

/** A team member with the user fields a member list shows. */
export interface TeamMemberRow {
  teamId: string;
  userId: string;
  createdAt: Date;
  displayName: string;
  email: string;
  role: Role;
  active: boolean;
}

/** Who works which channel (channel_members, with a per-channel capacity) and who belongs to which team. */
export class MembershipsRepository {
  constructor(private readonly db: DbOrTx) {}

  /** Adds a member; an existing member keeps its row (and gets `capacity` when one is given). */
  async addChannelMember(
    channelId: string,
    userId: string,
    capacity: number | null | undefined,
  ): Promise<{ created: boolean }> {
    const inserted = await this.db
      .insertInto('channelMembers')
      .values({ channelId, userId, capacity: capacity ?? null })
      .onConflict((oc) => oc.columns(['channelId', 'userId']).doNothing())
      .returning('userId')
      .executeTakeFirst();
    if (!inserted && capacity !== undefined) await this.setCapacity(channelId, userId, capacity);
    return { created: Boolean(inserted) };
  }

  async setCapacity(channelId: string, userId: string, capacity: number | null): Promise<boolean> {
    const r = await this.db
      .updateTable('channelMembers')
      .set({ capacity })
      .where('channelId', '=', channelId)
      .where('userId', '=', userId)
      .executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }

  async removeChannelMember(channelId: string, userId: string): Promise<boolean> {
    const r = await this.db
      .deleteFrom('channelMembers')
      .where('channelId', '=', channelId)
      .where('userId', '=', userId)
      .executeTakeFirst();
    return r.numDeletedRows > 0n;
  }

  /** Members in the order they were added. */
  listChannelMembers(channelId: string): Promise<ChannelMemberRow[]> {
    return this.db
      .selectFrom('channelMembers as m')
      .innerJoin('users as u', 'u.id', 'm.userId')
      .select(['m.channelId', 'm.userId', 'm.capacity', 'm.createdAt'])
      .select(['u.displayName', 'u.email', 'u.role', 'u.active'])
      .where('m.channelId', '=', channelId)
      .orderBy('m.createdAt')
      .orderBy('m.userId')
      .execute();
  }

  getChannelMember(channelId: string, userId: string): Promise<ChannelMemberRow | undefined> {
    return this.db
      .selectFrom('channelMembers as m')
      .innerJoin('users as u', 'u.id', 'm.userId')
      .select(['m.channelId', 'm.userId', 'm.capacity', 'm.createdAt'])
      .select(['u.displayName', 'u.email', 'u.role', 'u.active'])
      .where('m.channelId', '=', channelId)
      .where('m.userId', '=', userId)
      .executeTakeFirst();
  }

  /** The channels a user works (auto-assignment runs there when the user becomes available). */
  async channelsOf(userId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('channelMembers')
      .select('channelId')
      .where('userId', '=', userId)
      .execute();
    return rows.map((r) => r.channelId);
  }

  async teamExists(teamId: string): Promise<boolean> {
    const row = await this.db.selectFrom('teams').select('id').where('id', '=', teamId).executeTakeFirst();
    return Boolean(row);
  }

  async teamName(teamId: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('teams').select('name').where('id', '=', teamId).executeTakeFirst();
    return row?.name;
  }

  async addTeamMember(teamId: string, userId: string): Promise<{ created: boolean }> {
    const inserted = await this.db
      .insertInto('teamMembers')
      .values({ teamId, userId })
      .onConflict((oc) => oc.columns(['teamId', 'userId']).doNothing())
      .returning('userId')
      .executeTakeFirst();
    return { created: Boolean(inserted) };
  }

  async removeTeamMember(teamId: string, userId: string): Promise<boolean> {
    const r = await this.db
      .deleteFrom('teamMembers')
      .where('teamId', '=', teamId)
      .where('userId', '=', userId)
      .executeTakeFirst();
    return r.numDeletedRows > 0n;
  }

  listTeamMembers(teamId: string): Promise<TeamMemberRow[]> {
    return this.db
      .selectFrom('teamMembers as m')
      .innerJoin('users as u', 'u.id', 'm.userId')
      .select(['m.teamId', 'm.userId', 'm.createdAt'])
      .select(['u.displayName', 'u.email', 'u.role', 'u.active'])
      .where('m.teamId', '=', teamId)
      .orderBy('m.createdAt')
      .orderBy('m.userId')
      .execute();
  }

  async isTeamMember(teamId: string, userId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('teamMembers')
      .select(sql`1`.as('one'))
      .where('teamId', '=', teamId)
      .where('userId', '=', userId)
      .executeTakeFirst();
    return Boolean(row);
  }
}
