import { NotFoundError, ValidationError } from '../lib/errors.ts';
import type { Actor } from '../repositories/audit.repository.ts';
import type { Repos } from '../repositories/index.ts';
import type { ChannelMemberRow, TeamMemberRow } from '../repositories/memberships.repository.ts';
import { queueAutoAssign } from './assignment-auto.ts';
import { inTransaction, type ServiceContext } from './context.ts';
import { effectivePresence, type PresenceState } from './presence.service.ts';
import { PRESENCE_STALE_SECONDS } from './presence-timing.ts';

/** Roles that work conversations: only they can be channel members (marketing and readonly read every conversation anyway). */
const WORKING_ROLES = new Set(['owner', 'admin', 'agent']);

export type ChannelMember = ChannelMemberRow & { presence: PresenceState };

/**
 * Channel members (who works a channel: visibility of its unassigned conversations, auto-assignment, capacity) and
 * team members. Every change tells the user's sockets to reload their memberships (`membership.changed` in their
 * personal room), so realtime visibility follows at once, and is audited.
 */
export class MembershipsService {
  constructor(private readonly ctx: ServiceContext) {}

  async listChannelMembers(channelId: string): Promise<ChannelMember[]> {
    const { repos } = this.ctx;
    if (!(await repos.channels.get(channelId))) throw new NotFoundError('Channel', channelId);
    const rows = await repos.memberships.listChannelMembers(channelId);
    const presence = new Map(
      (
        await repos.presence.list(
          PRESENCE_STALE_SECONDS,
          rows.map((m) => m.userId),
        )
      ).map((p) => [p.userId, p]),
    );
    return rows.map((m) => ({ ...m, presence: effectivePresence(presence.get(m.userId)!) }));
  }

  /** Adds a member (an existing one keeps its row; a given capacity is applied). */
  async addChannelMember(
    actor: Actor,
    channelId: string,
    input: { userId: string; capacity?: number | null },
  ): Promise<{ member: ChannelMember; created: boolean }> {
    const created = await inTransaction(this.ctx, async (r) => {
      if (!(await r.channels.get(channelId))) throw new NotFoundError('Channel', channelId);
      await this.workingUser(r, input.userId);
      const { created } = await r.memberships.addChannelMember(channelId, input.userId, input.capacity);
      await this.changed(r, actor, 'channel.member_added', channelId, input);
      // A new member may be able to take waiting conversations.
      await queueAutoAssign(r, channelId);
      return created;
    });
    return { member: await this.channelMember(channelId, input.userId), created };
  }

  async setCapacity(
    actor: Actor,
    channelId: string,
    userId: string,
    capacity: number | null,
  ): Promise<ChannelMember> {
    await inTransaction(this.ctx, async (r) => {
      if (!(await r.memberships.setCapacity(channelId, userId, capacity)))
        throw new NotFoundError('Channel member', userId);
      await this.changed(r, actor, 'channel.member_updated', channelId, { userId, capacity });
      await queueAutoAssign(r, channelId);
    });
    return this.channelMember(channelId, userId);
  }

  /** Removes a member; conversations assigned to them stay assigned. */
  async removeChannelMember(actor: Actor, channelId: string, userId: string): Promise<void> {
    await inTransaction(this.ctx, async (r) => {
      if (!(await r.memberships.removeChannelMember(channelId, userId)))
        throw new NotFoundError('Channel member', userId);
      await this.changed(r, actor, 'channel.member_removed', channelId, { userId });
    });
  }

  async listTeamMembers(teamId: string): Promise<TeamMemberRow[]> {
    if (!(await this.ctx.repos.memberships.teamExists(teamId))) throw new NotFoundError('Team', teamId);
    return this.ctx.repos.memberships.listTeamMembers(teamId);
  }

  async addTeamMember(
    actor: Actor,
    teamId: string,
    userId: string,
  ): Promise<{ member: TeamMemberRow; created: boolean }> {
    const { created } = await inTransaction(this.ctx, async (r) => {
      if (!(await r.memberships.teamExists(teamId))) throw new NotFoundError('Team', teamId);
      await this.workingUser(r, userId);
      const result = await r.memberships.addTeamMember(teamId, userId);
      await this.changed(r, actor, 'team.member_added', teamId, { userId }, 'team');
      return result;
    });
    const member = (await this.ctx.repos.memberships.listTeamMembers(teamId)).find(
      (m) => m.userId === userId,
    );
    if (!member) throw new NotFoundError('Team member', userId);
    return { member, created };
  }

  async removeTeamMember(actor: Actor, teamId: string, userId: string): Promise<void> {
    await inTransaction(this.ctx, async (r) => {
      if (!(await r.memberships.removeTeamMember(teamId, userId)))
        throw new NotFoundError('Team member', userId);
      await this.changed(r, actor, 'team.member_removed', teamId, { userId }, 'team');
    });
  }

  private async channelMember(channelId: string, userId: string): Promise<ChannelMember> {
    const member = (await this.listChannelMembers(channelId)).find((m) => m.userId === userId);
    if (!member) throw new NotFoundError('Channel member', userId);
    return member;
  }

  private async workingUser(r: Repos, userId: string): Promise<void> {
    const user = await r.users.get(userId);
    const bad = (message: string) =>
      new ValidationError('Cannot add this user', [{ path: '/userId', message }]);
    if (!user) throw bad(`user ${userId} not found`);
    if (!WORKING_ROLES.has(user.role)) throw bad(`a ${user.role} user does not work conversations`);
  }

  private async changed(
    r: Repos,
    actor: Actor,
    action: string,
    entityId: string,
    after: { userId: string; capacity?: number | null },
    entityType = 'channel',
  ): Promise<void> {
    await r.audit.record(actor, { action, entityType, entityId, after });
    await r.realtime.publish(`user:${after.userId}`, 'membership.changed', { userId: after.userId });
  }
}
