import { Type } from 'typebox';
import type { CannedResponse } from '../../db/schema.ts';
import { principal } from '../auth.ts';
import { errorResponses, IdParams, Nullable, Uuid } from '../schemas.ts';
import type { Http, HttpDeps } from '../server.ts';

const CannedBody = Type.Object({
  id: Type.String(),
  shortCode: Type.String(),
  content: Type.String(),
  createdBy: Nullable(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

const ShortCode = Type.String({
  minLength: 1,
  maxLength: 51,
  description: 'letters, digits, _ and -; a leading / is dropped',
});
const Content = Type.String({
  minLength: 1,
  maxLength: 20_000,
  description:
    'Telegram HTML with Liquid variables: {{ contact.firstName }}, {{ conversation.displayId }}, {{ agent.name }}…',
});

function present(c: CannedResponse) {
  return {
    id: c.id,
    shortCode: c.shortCode,
    content: c.content,
    createdBy: c.createdBy,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

/**
 * Canned responses: every team member who reads conversations may list and render them; changing them is a settings
 * matter (owners and admins), as in Chatwoot, so the shared snippets stay curated.
 */
export async function cannedResponseRoutes(app: Http, { services }: HttpDeps) {
  const { cannedResponses } = services;

  app.get(
    '/api/v1/canned-responses',
    {
      config: { access: 'conversations:read' },
      schema: {
        tags: ['canned-responses'],
        summary:
          'List canned responses by short code; ?prefix= for the composer\'s "/sho…", ?q= to search content too',
        querystring: Type.Object(
          {
            prefix: Type.Optional(Type.String({ maxLength: 51 })),
            q: Type.Optional(Type.String({ maxLength: 200 })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ data: Type.Array(CannedBody) }), ...errorResponses },
      },
    },
    async (req) => {
      const prefix = req.query.prefix?.replace(/^\//, '');
      const q = req.query.q?.replace(/^\//, '');
      const rows = await cannedResponses.list({
        prefix: prefix || undefined,
        q: q || undefined,
        limit: req.query.limit,
      });
      return { data: rows.map(present) };
    },
  );

  app.get(
    '/api/v1/canned-responses/:id',
    {
      config: { access: 'conversations:read' },
      schema: {
        tags: ['canned-responses'],
        summary: 'One canned response',
        params: IdParams,
        response: { 200: CannedBody, ...errorResponses },
      },
    },
    async (req) => present(await cannedResponses.get(req.params.id)),
  );

  app.post(
    '/api/v1/canned-responses',
    {
      config: { access: 'settings:write' },
      schema: {
        tags: ['canned-responses'],
        summary: 'Create a canned response (a taken short code: 409)',
        body: Type.Object({ shortCode: ShortCode, content: Content }, { additionalProperties: false }),
        response: { 201: CannedBody, ...errorResponses, 409: Type.Ref('Error') },
      },
    },
    async (req, reply) =>
      reply.status(201).send(present(await cannedResponses.create(principal(req), req.body))),
  );

  app.patch(
    '/api/v1/canned-responses/:id',
    {
      config: { access: 'settings:write' },
      schema: {
        tags: ['canned-responses'],
        summary: 'Change a canned response',
        params: IdParams,
        body: Type.Object(
          { shortCode: Type.Optional(ShortCode), content: Type.Optional(Content) },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: CannedBody, ...errorResponses, 409: Type.Ref('Error') },
      },
    },
    async (req) => present(await cannedResponses.update(req.params.id, req.body)),
  );

  app.delete(
    '/api/v1/canned-responses/:id',
    {
      config: { access: 'settings:write' },
      schema: {
        tags: ['canned-responses'],
        summary: 'Delete a canned response',
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (req, reply) => {
      await cannedResponses.delete(req.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/canned-responses/:id/render',
    {
      config: { access: 'conversations:read' },
      schema: {
        tags: ['canned-responses'],
        summary:
          'Render a canned response for a conversation (contact, conversation, agent variables, escaped)',
        description:
          'Returns content (Telegram HTML, ready for POST /conversations/:id/messages) and text (what the customer reads). ' +
          'Inserted values are HTML-escaped as Telegram HTML mode needs.',
        params: IdParams,
        body: Type.Object({ conversationId: Uuid }, { additionalProperties: false }),
        response: { 200: Type.Object({ content: Type.String(), text: Type.String() }), ...errorResponses },
      },
    },
    async (req) => cannedResponses.render(principal(req), req.params.id, req.body.conversationId),
  );
}
