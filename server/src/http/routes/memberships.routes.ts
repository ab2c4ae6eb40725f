import { Type } from 'typebox';
import { presentChannelMember, presentTeamMember } from '../assignment.presenters.ts';
import { actor } from '../auth.ts';
import { errorResponses, Nullable, Uuid } from '../schemas.ts';
import type { Http, HttpDeps } from '../server.ts';

// Null first: with coerceTypes, AJV would turn null into 0 in an integer-first union.
const Capacity = Type.Union([
  Type.Null(),
  Type.Integer({
    minimum: 0,
    maximum: 10_000,
    description:
      "most open conversations of this channel auto-assignment gives the agent; null: the channel's maxPerAgent",
  }),
]);
const ChannelMemberBody = Type.Object({
  channelId: Type.String(),
  userId: Type.String(),
  displayName: Type.String(),
  email: Type.String(),
  role: Type.String(),
  active: Type.Boolean(),
  capacity: Nullable(Type.Integer()),
  availability: Type.String(),
  online: Type.Boolean(),
  createdAt: Type.String(),
});
const TeamMemberBody = Type.Object({
  teamId: Type.String(),
  userId: Type.String(),
  displayName: Type.String(),
  email: Type.String(),
  role: Type.String(),
  active: Type.Boolean(),
  createdAt: Type.String(),
});
const ChannelParams = Type.Object({ id: Uuid });
const MemberParams = Type.Object({ id: Uuid, userId: Uuid });

/** Who works a channel (visibility, auto-assignment, capacity) and who belongs to a team. */
export async function membershipRoutes(app: Http, { services }: HttpDeps) {
  const { memberships } = services;

  app.get(
    '/api/v1/channels/:id/members',
    {
      config: { access: 'channels:read' },
      schema: {
        tags: ['channels'],
        summary: "A channel's members with capacity and presence",
        params: ChannelParams,
        response: { 200: Type.Object({ data: Type.Array(ChannelMemberBody) }), ...errorResponses },
      },
    },
    async (req) => ({
      data: (await memberships.listChannelMembers(req.params.id)).map(presentChannelMember),
    }),
  );

  app.post(
    '/api/v1/channels/:id/members',
    {
      config: { access: 'channels:write' },
      schema: {
        tags: ['channels'],
        summary: 'Add a member to a channel (201; 200 when already a member, capacity applied if given)',
        description: 'Owners, admins and agents can be members; marketing and readonly users cannot (400).',
        params: ChannelParams,
        body: Type.Object(
          { userId: Uuid, capacity: Type.Optional(Capacity) },
          { additionalProperties: false },
        ),
        response: { 200: ChannelMemberBody, 201: ChannelMemberBody, ...errorResponses },
      },
    },
    async (req, reply) => {
      const { member, created } = await memberships.addChannelMember(actor(req), req.params.id, req.body);
      return reply.status(created ? 201 : 200).send(presentChannelMember(member));
    },
  );

  app.patch(
    '/api/v1/channels/:id/members/:userId',
    {
      config: { access: 'channels:write' },
      schema: {
        tags: ['channels'],
        summary: "Change a member's capacity",
        params: MemberParams,
        body: Type.Object({ capacity: Capacity }, { additionalProperties: false }),
        response: { 200: ChannelMemberBody, ...errorResponses },
      },
    },
    async (req) =>
      presentChannelMember(
        await memberships.setCapacity(actor(req), req.params.id, req.params.userId, req.body.capacity),
      ),
  );

  app.delete(
    '/api/v1/channels/:id/members/:userId',
    {
      config: { access: 'channels:write' },
      schema: {
        tags: ['channels'],
        summary: 'Remove a member from a channel (their assigned conversations stay assigned)',
        params: MemberParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (req, reply) => {
      await memberships.removeChannelMember(actor(req), req.params.id, req.params.userId);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/teams/:id/members',
    {
      config: { access: 'settings:read' },
      schema: {
        tags: ['teams'],
        summary: "A team's members",
        params: ChannelParams,
        response: { 200: Type.Object({ data: Type.Array(TeamMemberBody) }), ...errorResponses },
      },
    },
    async (req) => ({ data: (await memberships.listTeamMembers(req.params.id)).map(presentTeamMember) }),
  );

  app.post(
    '/api/v1/teams/:id/members',
    {
      config: { access: 'settings:write' },
      schema: {
        tags: ['teams'],
        summary: 'Add a member to a team (201; 200 when already a member)',
        params: ChannelParams,
        body: Type.Object({ userId: Uuid }, { additionalProperties: false }),
        response: { 200: TeamMemberBody, 201: TeamMemberBody, ...errorResponses },
      },
    },
    async (req, reply) => {
      const { member, created } = await memberships.addTeamMember(actor(req), req.params.id, req.body.userId);
      return reply.status(created ? 201 : 200).send(presentTeamMember(member));
    },
  );

  app.delete(
    '/api/v1/teams/:id/members/:userId',
    {
      config: { access: 'settings:write' },
      schema: {
        tags: ['teams'],
        summary: 'Remove a member from a team',
        params: MemberParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (req, reply) => {
      await memberships.removeTeamMember(actor(req), req.params.id, req.params.userId);
      return reply.status(204).send(null);
    },
  );
}
