import type { Conversation } from '../db/schema.ts';
import { presentConversation } from '../http/conversation.presenters.ts';
import { ConflictError, NotFoundError, ValidationError } from '../lib/errors.ts';
import type { Actor } from '../repositories/audit.repository.ts';
import type { Repos } from '../repositories/index.ts';
import { queueAutoAssign } from './assignment-auto.ts';
import type { Principal } from './auth.service.ts';
import { inTransaction, type ServiceContext } from './context.ts';
import { recordActivity } from './conversation-activity.ts';
import { CONVERSATIONS_ROOM } from './conversation-recorder.ts';
import { canSee } from './conversation-visibility.ts';

/** POST /conversations/:id/assign. `undefined` leaves a field as it is; null clears it. */
export interface AssignInput {
  userId?: string | null;
  teamId?: string | null;
  /** Assign only if nobody holds the conversation (taking it); otherwise 409. */
  ifUnassigned?: boolean;
}

/** Roles that work conversations and so can hold one. */
const ASSIGNABLE_ROLES = new Set(['owner', 'admin', 'agent']);

/**
 * Manual assignment: assign, unassign, take, assign to a team. Anyone who may write conversations and can see this one
 * may assign it (agents to one another, as in Chatwoot); the assignee must be able to work it: a member of its channel
 * or of its team, or an owner or admin (who work every channel).
 */
export class AssignmentService {
  constructor(private readonly ctx: ServiceContext) {}

  async assign(
    p: Principal,
    actor: Actor,
    conversationId: string,
    input: AssignInput,
  ): Promise<Conversation> {
    if (input.userId === undefined && input.teamId === undefined)
      throw new ValidationError('Say whom to assign', [
        { path: '/userId', message: 'give userId or teamId' },
      ]);
    if (input.ifUnassigned && typeof input.userId !== 'string')
      throw new ValidationError('ifUnassigned takes a conversation for a user', [
        { path: '/userId', message: 'required with ifUnassigned' },
      ]);

    return inTransaction(this.ctx, async (r) => {
      const seen = await r.conversations.get(conversationId);
      if (!seen) throw new NotFoundError('Conversation', conversationId);
      if (!(await canSee(r, p, seen))) {
        // A taker who lost the race no longer sees the conversation (someone else holds it now), yet saw it a moment
        // ago as a member of its channel or team: tell them it is taken rather than gone. Read the row again: the
        // visibility check is its own statement, so the winner may have committed between it and the read above.
        const now = input.ifUnassigned ? await r.conversations.get(conversationId) : undefined;
        if (now && now.assigneeId !== null && (await this.worksOn(r, p.id, now, now.teamId)))
          throw await this.taken(r, now);
        // Otherwise a conversation the caller cannot see does not exist for them.
        throw new NotFoundError('Conversation', conversationId);
      }
      const teamId = input.teamId === undefined ? seen.teamId : input.teamId;
      const teamName = typeof input.teamId === 'string' ? await this.teamName(r, input.teamId) : null;
      const assignee =
        typeof input.userId === 'string' ? await this.assignee(r, input.userId, seen, teamId) : null;

      let before: Conversation;
      let after: Conversation;
      if (input.ifUnassigned) {
        // One conditional UPDATE decides between concurrent takers; the row lock comes from the update itself.
        const taken = await r.assignments.assignIfUnassigned(conversationId, input.userId!, input.teamId);
        if (!taken) {
          const current = (await r.conversations.get(conversationId))!;
          if (
            current.assigneeId === input.userId &&
            (input.teamId === undefined || current.teamId === input.teamId)
          )
            return current;
          throw await this.taken(r, current);
        }
        before = seen.assigneeId === null ? seen : { ...seen, assigneeId: null };
        after = taken;
      } else {
        before = (await r.conversations.getForUpdate(conversationId))!;
        const userChanges = input.userId !== undefined && input.userId !== before.assigneeId;
        const teamChanges = input.teamId !== undefined && input.teamId !== before.teamId;
        if (!userChanges && !teamChanges) return before;
        after = await r.assignments.set(conversationId, {
          userId: userChanges ? input.userId : undefined,
          teamId: teamChanges ? input.teamId : undefined,
        });
      }
      await this.recordChange(r, p, actor, before, after, assignee?.displayName ?? null, teamName);
      return after;
    });
  }

  /** History row, activity lines, the conversation.updated event; a freed or unassigned conversation wakes auto-assignment. */
  private async recordChange(
    r: Repos,
    p: Principal,
    actor: Actor,
    before: Conversation,
    after: Conversation,
    assigneeName: string | null,
    teamName: string | null,
  ): Promise<void> {
    const userChanged = before.assigneeId !== after.assigneeId;
    const teamChanged = before.teamId !== after.teamId;
    if (!userChanged && !teamChanged) return;
    await r.assignments.record({
      conversationId: after.id,
      userId: after.assigneeId,
      teamId: after.teamId,
      assignedBy: p.kind === 'user' ? p.id : null,
      automatic: false,
    });
    const by = { type: actor.type, id: actor.id, name: actor.name };
    if (teamChanged)
      await recordActivity(
        r,
        after.id,
        after.teamId
          ? { kind: 'team_assigned', data: { teamId: after.teamId, teamName } }
          : { kind: 'team_unassigned', data: { teamId: before.teamId } },
        by,
      );
    if (userChanged)
      await recordActivity(
        r,
        after.id,
        after.assigneeId
          ? { kind: 'assigned', data: { assigneeId: after.assigneeId, assigneeName } }
          : { kind: 'unassigned', data: { previousAssigneeId: before.assigneeId } },
        by,
      );
    await r.realtime.publish(CONVERSATIONS_ROOM, 'conversation.updated', {
      conversation: presentConversation(after),
      changed: [...(userChanged ? ['assigneeId'] : []), ...(teamChanged ? ['teamId'] : [])],
    });
    // Unassigned: back in the queue. Reassigned away: the previous agent has room for the next one.
    if (userChanged && (after.assigneeId === null || before.assigneeId !== null))
      await queueAutoAssign(r, after.channelId);
  }

  private async taken(r: Repos, c: Conversation): Promise<ConflictError> {
    const holder = c.assigneeId ? await r.users.get(c.assigneeId) : undefined;
    return new ConflictError('The conversation is already assigned', [
      { path: '/userId', message: `already assigned to ${holder?.displayName ?? 'someone else'}` },
    ]);
  }

  /** Whether a user works this conversation's channel or its team. */
  private async worksOn(r: Repos, userId: string, c: Conversation, teamId: string | null): Promise<boolean> {
    if (await r.memberships.getChannelMember(c.channelId, userId)) return true;
    return teamId !== null && (await r.memberships.isTeamMember(teamId, userId));
  }

  private async teamName(r: Repos, teamId: string): Promise<string> {
    const name = await r.memberships.teamName(teamId);
    if (name === undefined)
      throw new ValidationError('No such team', [{ path: '/teamId', message: `team ${teamId} not found` }]);
    return name;
  }

  /** The user to assign, if they can work this conversation. */
  private async assignee(r: Repos, userId: string, c: Conversation, teamId: string | null) {
    const user = await r.users.get(userId);
    const bad = (message: string) =>
      new ValidationError('Cannot assign to this user', [{ path: '/userId', message }]);
    if (!user) throw bad(`user ${userId} not found`);
    if (!user.active) throw bad('the user is deactivated');
    if (!ASSIGNABLE_ROLES.has(user.role)) throw bad(`a ${user.role} user does not work conversations`);
    if (user.role === 'agent' && !(await this.worksOn(r, userId, c, teamId)))
      throw bad("the agent is not a member of the conversation's channel or team");
    return user;
  }
}
