import { ConflictError, NotFoundError } from '../lib/errors.ts';
import type { Actor } from '../repositories/audit.repository.ts';
import type { Team, TeamMember } from '../repositories/teams.repository.ts';
import { inTransaction, type ServiceContext } from './context.ts';

export interface TeamInput {
  name: string;
  description?: string | null;
  allowAutoAssign?: boolean;
}

export type TeamWithMembers = Team & { members: TeamMember[] };

const taken = (name: string) =>
  new ConflictError(`A team named "${name}" already exists`, [{ path: '/name', message: 'already taken' }]);

/** Teams CRUD; each answer carries the members. Adding and removing members is the memberships service's. */
export class TeamsService {
  constructor(private readonly ctx: ServiceContext) {}

  async list(): Promise<TeamWithMembers[]> {
    const teams = await this.ctx.repos.teams.list();
    return this.withMembers(teams);
  }

  async get(id: string): Promise<TeamWithMembers> {
    const team = await this.ctx.repos.teams.get(id);
    if (!team) throw new NotFoundError('Team', id);
    return (await this.withMembers([team]))[0]!;
  }

  async create(actor: Actor, input: TeamInput): Promise<TeamWithMembers> {
    return inTransaction(this.ctx, async (r) => {
      const team = await r.teams.create({ ...input, name: input.name.trim() });
      if (!team) throw taken(input.name);
      await r.audit.record(actor, {
        action: 'team.created',
        entityType: 'team',
        entityId: team.id,
        after: team,
      });
      return { ...team, members: [] };
    });
  }

  async update(actor: Actor, id: string, patch: Partial<TeamInput>): Promise<TeamWithMembers> {
    const team = await inTransaction(this.ctx, async (r) => {
      const before = await r.teams.get(id);
      if (!before) throw new NotFoundError('Team', id);
      const name = patch.name?.trim();
      const after = await r.teams
        .update(id, { ...patch, ...(name !== undefined ? { name } : {}) })
        .catch((err: { code?: string }) => {
          if (err.code === '23505') throw taken(name ?? '');
          throw err;
        });
      if (!after) throw new NotFoundError('Team', id);
      await r.audit.record(actor, {
        action: 'team.updated',
        entityType: 'team',
        entityId: id,
        before,
        after,
      });
      return after;
    });
    return (await this.withMembers([team]))[0]!;
  }

  /** Deletes a team; its conversations keep their assignee and lose the team. */
  async delete(actor: Actor, id: string): Promise<void> {
    await inTransaction(this.ctx, async (r) => {
      const before = await r.teams.get(id);
      if (!before || !(await r.teams.delete(id))) throw new NotFoundError('Team', id);
      await r.audit.record(actor, { action: 'team.deleted', entityType: 'team', entityId: id, before });
    });
  }

  private async withMembers(teams: Team[]): Promise<TeamWithMembers[]> {
    const members = await this.ctx.repos.teams.membersOf(teams.map((t) => t.id));
    return teams.map((t) => ({ ...t, members: members.filter((m) => m.teamId === t.id) }));
  }
}
