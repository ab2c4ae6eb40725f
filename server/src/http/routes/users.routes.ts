import { Type } from 'typebox';
import { actor, principal } from '../auth.ts';
import { presentUser } from '../presenters.ts';
import { errorResponses, IdParams, PageOf, PageQuery, RoleSchema, Uuid } from '../schemas.ts';
import type { Http, HttpDeps } from '../server.ts';

const UserBody = Type.Object({
  id: Type.String(),
  email: Type.String(),
  displayName: Type.String(),
  role: Type.String(),
  locale: Type.String(),
  timezone: Type.String(),
  active: Type.Boolean(),
  lastSeenAt: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
const Locale = Type.Union([Type.Literal('ru'), Type.Literal('en')]);

/** Team accounts (owners and admins write; everyone signed in reads, to assign work). */
export async function userRoutes(app: Http, { services }: HttpDeps) {
  const { users } = services;

  app.get(
    '/api/v1/users',
    {
      config: { access: 'users:read' },
      schema: {
        tags: ['users'],
        summary: 'List users',
        querystring: Type.Object(
          {
            ...PageQuery,
            // The cursor is the last id of the previous page.
            cursor: Type.Optional(Uuid),
            role: Type.Optional(RoleSchema),
            active: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: { 200: PageOf(UserBody), ...errorResponses },
      },
    },
    async (req) => {
      const limit = req.query.limit ?? 50;
      const rows = await users.list({
        limit: limit + 1,
        after: req.query.cursor,
        role: req.query.role as never,
        active: req.query.active,
      });
      const page = rows.slice(0, limit);
      return { data: page.map(presentUser), nextCursor: rows.length > limit ? page.at(-1)!.id : null };
    },
  );

  app.get(
    '/api/v1/users/:id',
    {
      config: { access: 'users:read' },
      schema: {
        tags: ['users'],
        summary: 'Get a user',
        params: IdParams,
        response: { 200: UserBody, ...errorResponses },
      },
    },
    async (req) => presentUser(await users.get(req.params.id)),
  );

  app.post(
    '/api/v1/users',
    {
      config: { access: 'users:write' },
      schema: {
        tags: ['users'],
        summary: 'Create a user (only owners create owners)',
        body: Type.Object(
          {
            email: Type.String({ format: 'email', maxLength: 320 }),
            displayName: Type.String({ minLength: 1, maxLength: 100 }),
            password: Type.Optional(Type.String({ minLength: 8, maxLength: 200 })),
            role: RoleSchema,
            locale: Type.Optional(Locale),
            timezone: Type.Optional(Type.String({ maxLength: 64 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: UserBody, 409: Type.Ref('Error'), ...errorResponses },
      },
    },
    async (req, reply) =>
      reply.status(201).send(presentUser(await users.create(principal(req), actor(req), req.body as never))),
  );

  app.patch(
    '/api/v1/users/:id',
    {
      config: { access: 'users:write' },
      schema: {
        tags: ['users'],
        summary: 'Change a user (the last owner cannot be demoted or deactivated)',
        params: IdParams,
        body: Type.Object(
          {
            email: Type.Optional(Type.String({ format: 'email', maxLength: 320 })),
            displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
            password: Type.Optional(Type.String({ minLength: 8, maxLength: 200 })),
            role: Type.Optional(RoleSchema),
            locale: Type.Optional(Locale),
            timezone: Type.Optional(Type.String({ maxLength: 64 })),
            active: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: UserBody, 409: Type.Ref('Error'), ...errorResponses },
      },
    },
    async (req) =>
      presentUser(await users.update(principal(req), actor(req), req.params.id, req.body as never)),
  );

  app.delete(
    '/api/v1/users/:id',
    {
      config: { access: 'users:write' },
      schema: {
        tags: ['users'],
        summary: 'Remove a user (not the last owner)',
        params: IdParams,
        response: { 204: Type.Null(), 409: Type.Ref('Error'), ...errorResponses },
      },
    },
    async (req, reply) => {
      await users.delete(principal(req), actor(req), req.params.id);
      return reply.status(204).send(null);
    },
  );
}
