import { Type } from 'typebox';
import { actor, principal } from '../auth.ts';
import { presentApiKey } from '../presenters.ts';
import { errorResponses, IdParams, Nullable, PageOf, PageQuery, RoleSchema, Uuid } from '../schemas.ts';
import type { Http, HttpDeps } from '../server.ts';

const ApiKeyBody = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: Type.String(),
  prefix: Type.String(),
  rateLimitPerMinute: Nullable(Type.Integer()),
  createdAt: Type.String(),
  lastUsedAt: Nullable(Type.String()),
  revokedAt: Nullable(Type.String()),
});

/** API keys for the business's own systems. The secret is in the create answer only. */
export async function apiKeyRoutes(app: Http, { services }: HttpDeps) {
  const { apiKeys } = services;

  app.get(
    '/api/v1/api-keys',
    {
      config: { access: 'api_keys:read' },
      schema: {
        tags: ['api-keys'],
        summary: 'List API keys (never their secrets)',
        querystring: Type.Object(
          { ...PageQuery, cursor: Type.Optional(Uuid), includeRevoked: Type.Optional(Type.Boolean()) },
          { additionalProperties: false },
        ),
        response: { 200: PageOf(ApiKeyBody), ...errorResponses },
      },
    },
    async (req) => {
      const limit = req.query.limit ?? 50;
      const rows = await apiKeys.list({
        limit: limit + 1,
        after: req.query.cursor,
        includeRevoked: req.query.includeRevoked ?? false,
      });
      const page = rows.slice(0, limit);
      return { data: page.map(presentApiKey), nextCursor: rows.length > limit ? page.at(-1)!.id : null };
    },
  );

  app.post(
    '/api/v1/api-keys',
    {
      config: { access: 'api_keys:write' },
      schema: {
        tags: ['api-keys'],
        summary: 'Create an API key; the `key` field is shown this once',
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 100 }),
            role: RoleSchema,
            rateLimitPerMinute: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Intersect([ApiKeyBody, Type.Object({ key: Type.String() })]),
          ...errorResponses,
        },
      },
    },
    async (req, reply) => {
      const created = await apiKeys.create(principal(req), actor(req), req.body as never);
      return reply.status(201).send({ ...presentApiKey(created), key: created.key });
    },
  );

  app.delete(
    '/api/v1/api-keys/:id',
    {
      config: { access: 'api_keys:write' },
      schema: {
        tags: ['api-keys'],
        summary: 'Revoke an API key',
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (req, reply) => {
      await apiKeys.revoke(principal(req), actor(req), req.params.id);
      return reply.status(204).send(null);
    },
  );
}
