import { Type } from 'typebox';
import { actor } from '../auth.ts';
import { presentContact, presentSegment } from '../presenters.ts';
import { errorResponses, IdParams, Nullable, PageOf } from '../schemas.ts';
import type { Http, HttpDeps } from '../server.ts';

const FILTER_HELP =
  'A filter is a group `{op: "and"|"or", conditions: [...]}` of conditions and nested groups; see docs/api.md "Segments" for ' +
  'every condition. Errors name the node: `filter.conditions[2].value`.';

const SegmentBody = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Nullable(Type.String()),
  filter: Type.Unknown(),
  builtIn: Type.Boolean(),
  builtInKey: Nullable(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

const SegmentInput = {
  name: Type.String({ maxLength: 200 }),
  description: Type.Optional(Nullable(Type.String({ maxLength: 1000 }))),
  // Checked by the service, which names the failing node (`filter.conditions[1].op`).
  filter: Type.Unknown({ description: FILTER_HELP }),
};

/** Segments: saved contact filters, their counts and live previews. */
export async function segmentRoutes(app: Http, { services }: HttpDeps) {
  const { segments } = services;

  app.get(
    '/api/v1/segments',
    {
      config: { access: 'segments:read' },
      schema: {
        tags: ['segments'],
        summary: 'All segments: built-in ones first, then by name',
        response: { 200: PageOf(SegmentBody), ...errorResponses },
      },
    },
    async () => ({ data: (await segments.list()).map(presentSegment), nextCursor: null }),
  );

  app.post(
    '/api/v1/segments',
    {
      config: { access: 'segments:write' },
      schema: {
        tags: ['segments'],
        summary: 'Save a segment',
        description: FILTER_HELP,
        body: Type.Object(SegmentInput, { additionalProperties: false }),
        response: { 201: SegmentBody, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(presentSegment(await segments.create(actor(req), req.body))),
  );

  app.post(
    '/api/v1/segments/preview',
    {
      config: { access: 'segments:read' },
      schema: {
        tags: ['segments'],
        summary: 'Count and a sample of 20 (newest first) for a filter being edited',
        description: `${FILTER_HELP} A count that takes over 2 s is answered with the planner's estimate and \`countExact: false\`.`,
        body: Type.Object({ filter: SegmentInput.filter }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            count: Type.Integer(),
            countExact: Type.Boolean(),
            sample: Type.Array(Type.Record(Type.String(), Type.Unknown())),
          }),
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const { count, countExact, sample } = await segments.preview(req.body.filter);
      return { count, countExact, sample: sample.map(presentContact) };
    },
  );

  app.get(
    '/api/v1/segments/:id',
    {
      config: { access: 'segments:read' },
      schema: {
        tags: ['segments'],
        summary: 'Get a segment',
        params: IdParams,
        response: { 200: SegmentBody, ...errorResponses },
      },
    },
    async (req) => presentSegment(await segments.get(req.params.id)),
  );

  app.patch(
    '/api/v1/segments/:id',
    {
      config: { access: 'segments:write' },
      schema: {
        tags: ['segments'],
        summary: 'Change a segment (built-in ones: 409)',
        params: IdParams,
        body: Type.Object(
          {
            name: Type.Optional(SegmentInput.name),
            description: SegmentInput.description,
            filter: Type.Optional(SegmentInput.filter),
          },
          { additionalProperties: false },
        ),
        response: { 200: SegmentBody, 409: Type.Ref('Error'), ...errorResponses },
      },
    },
    async (req) => presentSegment(await segments.update(actor(req), req.params.id, req.body)),
  );

  app.delete(
    '/api/v1/segments/:id',
    {
      config: { access: 'segments:write' },
      schema: {
        tags: ['segments'],
        summary: 'Delete a segment (built-in ones: 409)',
        params: IdParams,
        response: { 204: Type.Null(), 409: Type.Ref('Error'), ...errorResponses },
      },
    },
    async (req, reply) => {
      await segments.delete(actor(req), req.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/segments/:id/count',
    {
      config: { access: 'segments:read' },
      schema: {
        tags: ['segments'],
        summary: 'How many contacts the segment holds now',
        params: IdParams,
        response: { 200: Type.Object({ count: Type.Integer() }), 409: Type.Ref('Error'), ...errorResponses },
      },
    },
    async (req) => ({ count: await segments.count(req.params.id) }),
  );
}
