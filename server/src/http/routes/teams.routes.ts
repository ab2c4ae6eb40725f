import { Type } from 'typebox';
import type { TeamWithMembers } from '../../services/teams.service.ts';
import { actor } from '../auth.ts';
import { errorResponses, IdParams, Nullable } from '../schemas.ts';
import type { Http, HttpDeps } from '../server.ts';

const Name = Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' });
const Description = Nullable(Type.String({ maxLength: 500 }));

const TeamBody = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Nullable(Type.String()),
  allowAutoAssign: Type.Boolean(),
  members: Type.Array(
    Type.Object({ userId: Type.String(), displayName: Type.String(), email: Type.String() }),
  ),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

const present = (t: TeamWithMembers) => ({
  id: t.id,
  name: t.name,
  description: t.description,
  allowAutoAssign: t.allowAutoAssign,
  members: t.members.map((m) => ({ userId: m.userId, displayName: m.displayName, email: m.email })),
  createdAt: t.createdAt.toISOString(),
  updatedAt: t.updatedAt.toISOString(),
});
const conflict = { ...errorResponses, 409: Type.Ref('Error') };

/**
 * Teams: anyone who reads conversations lists them (filters, assignment); those who manage settings change them.
 * Members are added and removed at /teams/:id/members (assignment routes).
 */
export async function teamRoutes(app: Http, { services }: HttpDeps) {
  const { teams } = services;

  app.get(
    '/api/v1/teams',
    {
      config: { access: 'conversations:read' },
      schema: {
        tags: ['inbox'],
        summary: 'List teams with their members',
        response: { 200: Type.Object({ data: Type.Array(TeamBody) }), ...errorResponses },
      },
    },
    async () => ({ data: (await teams.list()).map(present) }),
  );

  app.get(
    '/api/v1/teams/:id',
    {
      config: { access: 'conversations:read' },
      schema: {
        tags: ['inbox'],
        summary: 'Get a team with its members',
        params: IdParams,
        response: { 200: TeamBody, ...errorResponses },
      },
    },
    async (req) => present(await teams.get(req.params.id)),
  );

  app.post(
    '/api/v1/teams',
    {
      config: { access: 'settings:write' },
      schema: {
        tags: ['inbox'],
        summary: 'Create a team (names are unique, case-insensitively)',
        body: Type.Object(
          {
            name: Name,
            description: Type.Optional(Description),
            allowAutoAssign: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: { 201: TeamBody, ...conflict },
      },
    },
    async (req, reply) => reply.status(201).send(present(await teams.create(actor(req), req.body))),
  );

  app.patch(
    '/api/v1/teams/:id',
    {
      config: { access: 'settings:write' },
      schema: {
        tags: ['inbox'],
        summary: 'Change a team',
        params: IdParams,
        body: Type.Object(
          {
            name: Type.Optional(Name),
            description: Type.Optional(Description),
            allowAutoAssign: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: TeamBody, ...conflict },
      },
    },
    async (req) => present(await teams.update(actor(req), req.params.id, req.body)),
  );

  app.delete(
    '/api/v1/teams/:id',
    {
      config: { access: 'settings:write' },
      schema: {
        tags: ['inbox'],
        summary: 'Delete a team; its conversations keep their assignee and lose the team',
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (req, reply) => {
      await teams.delete(actor(req), req.params.id);
      return reply.status(204).send(null);
    },
  );
}
