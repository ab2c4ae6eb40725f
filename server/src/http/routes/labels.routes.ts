import { Type } from 'typebox';
import type { Label } from '../../repositories/labels.repository.ts';
import { actor } from '../auth.ts';
import { errorResponses, IdParams, Nullable } from '../schemas.ts';
import type { Http, HttpDeps } from '../server.ts';

const Name = Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' });
const Color = Type.String({ pattern: '^#[0-9a-fA-F]{6}$', description: 'hex color, e.g. #6b7280' });
const Description = Nullable(Type.String({ maxLength: 500 }));

const LabelBody = Type.Object({
  id: Type.String(),
  name: Type.String(),
  color: Type.String(),
  description: Nullable(Type.String()),
  createdAt: Type.String(),
});

const present = (l: Label) => ({ ...l, createdAt: l.createdAt.toISOString() });
const conflict = { ...errorResponses, 409: Type.Ref('Error') };

/** Conversation labels: anyone who reads conversations lists them; those who manage settings change them. */
export async function labelRoutes(app: Http, { services }: HttpDeps) {
  const { labels } = services;

  app.get(
    '/api/v1/labels',
    {
      config: { access: 'conversations:read' },
      schema: {
        tags: ['inbox'],
        summary: 'List labels',
        response: { 200: Type.Object({ data: Type.Array(LabelBody) }), ...errorResponses },
      },
    },
    async () => ({ data: (await labels.list()).map(present) }),
  );

  app.post(
    '/api/v1/labels',
    {
      config: { access: 'settings:write' },
      schema: {
        tags: ['inbox'],
        summary: 'Create a label (names are unique, case-insensitively)',
        body: Type.Object(
          { name: Name, color: Type.Optional(Color), description: Type.Optional(Description) },
          { additionalProperties: false },
        ),
        response: { 201: LabelBody, ...conflict },
      },
    },
    async (req, reply) => reply.status(201).send(present(await labels.create(actor(req), req.body))),
  );

  app.patch(
    '/api/v1/labels/:id',
    {
      config: { access: 'settings:write' },
      schema: {
        tags: ['inbox'],
        summary: 'Change a label; a rename is carried onto every conversation that has it',
        params: IdParams,
        body: Type.Object(
          { name: Type.Optional(Name), color: Type.Optional(Color), description: Type.Optional(Description) },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: LabelBody, ...conflict },
      },
    },
    async (req) => present(await labels.update(actor(req), req.params.id, req.body)),
  );

  app.delete(
    '/api/v1/labels/:id',
    {
      config: { access: 'settings:write' },
      schema: {
        tags: ['inbox'],
        summary: 'Delete a label; it is removed from every conversation',
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (req, reply) => {
      await labels.delete(actor(req), req.params.id);
      return reply.status(204).send(null);
    },
  );
}
