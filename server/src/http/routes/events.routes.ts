import { Type } from 'typebox';
import { MAX_BATCH } from '../../services/events.service.ts';
import { presentEvent } from '../presenters.ts';
import { errorResponses, IdParams, Nullable, PageOf, PageQuery } from '../schemas.ts';
import type { Http, HttpDeps } from '../server.ts';

const EventBody = Type.Object({
  id: Type.String(),
  contactId: Type.String(),
  name: Type.String(),
  occurredAt: Type.String(),
  properties: Type.Record(Type.String(), Type.Unknown()),
  idempotencyKey: Nullable(Type.String()),
  createdAt: Type.String(),
});

/** One event as sent; fields are checked by the service with per-field reasons, so batch items get the same ones. */
const EventInput = Type.Object(
  {
    contact: Type.Object(
      {
        id: Type.Optional(Type.String()),
        externalId: Type.Optional(Type.String()),
        telegramId: Type.Optional(Type.Union([Type.String(), Type.Integer()])),
        email: Type.Optional(Type.String()),
      },
      { description: 'Exactly one of id, externalId, telegramId, email' },
    ),
    name: Type.String({ description: 'e.g. purchase, lesson_completed; letters, digits, _ . : -' }),
    properties: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    occurredAt: Type.Optional(Type.String({ description: 'ISO 8601; default now' })),
    idempotencyKey: Type.Optional(
      Type.String({ description: 'A retry with the same key stores nothing new' }),
    ),
  },
  { additionalProperties: false },
);

/** Contact events: recorded by business systems (API keys), read on the contact's timeline. */
export async function eventRoutes(app: Http, { services }: HttpDeps) {
  const { events } = services;

  app.post(
    '/api/v1/events',
    {
      config: { access: 'contacts:write' },
      schema: {
        tags: ['events'],
        summary: 'Record one thing a contact did',
        description:
          '201 with the event; 200 with the first event and `duplicate: true` when the idempotency key was used before. ' +
          'An unknown `externalId` creates the contact unless the setting `events_create_unknown_contacts` is false; ' +
          'an unknown id, telegramId or email is a 404; a telegramId or email shared by several contacts is a 409.',
        body: EventInput,
        response: {
          201: Type.Intersect([
            EventBody,
            Type.Object({ duplicate: Type.Boolean(), contactCreated: Type.Boolean() }),
          ]),
          200: Type.Intersect([
            EventBody,
            Type.Object({ duplicate: Type.Boolean(), contactCreated: Type.Boolean() }),
          ]),
          409: Type.Ref('Error'),
          ...errorResponses,
        },
      },
    },
    async (req, reply) => {
      const r = await events.recordOne(req.body);
      return reply.status(r.status === 'created' ? 201 : 200).send({
        ...presentEvent(r.event),
        duplicate: r.status === 'duplicate',
        contactCreated: r.contactCreated,
      });
    },
  );

  app.post(
    '/api/v1/events/batch',
    {
      config: { access: 'contacts:write' },
      schema: {
        tags: ['events'],
        summary: `Record up to ${MAX_BATCH} events; one result per event`,
        description:
          'Each event is checked and stored on its own: `results[i]` is `created`, `duplicate` (its idempotency key was used: ' +
          'the first event is returned) or `failed` with an error shaped like any API error. Valid events are stored even ' +
          'when others fail; retrying the whole batch with idempotency keys stores nothing twice.',
        body: Type.Object(
          { events: Type.Array(Type.Unknown(), { minItems: 1, maxItems: MAX_BATCH }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            created: Type.Integer(),
            duplicates: Type.Integer(),
            failed: Type.Integer(),
            results: Type.Array(
              Type.Object({
                index: Type.Integer(),
                status: Type.Union([
                  Type.Literal('created'),
                  Type.Literal('duplicate'),
                  Type.Literal('failed'),
                ]),
                event: Type.Optional(EventBody),
                contactCreated: Type.Optional(Type.Boolean()),
                error: Type.Optional(
                  Type.Object({
                    code: Type.String(),
                    message: Type.String(),
                    details: Type.Array(Type.Object({ path: Type.String(), message: Type.String() })),
                  }),
                ),
              }),
            ),
          }),
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const results = await events.record(req.body.events);
      const count = (s: string) => results.filter((r) => r.status === s).length;
      return {
        created: count('created'),
        duplicates: count('duplicate'),
        failed: count('failed'),
        results: results.map((r, index) =>
          r.status === 'failed'
            ? { index, status: r.status, error: r.error }
            : { index, status: r.status, event: presentEvent(r.event), contactCreated: r.contactCreated },
        ),
      };
    },
  );

  app.get(
    '/api/v1/contacts/:id/events',
    {
      config: { access: 'contacts:read' },
      schema: {
        tags: ['events'],
        summary: "A contact's events, newest first",
        params: IdParams,
        querystring: Type.Object(
          { ...PageQuery, name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })) },
          { additionalProperties: false },
        ),
        response: { 200: PageOf(EventBody), ...errorResponses },
      },
    },
    async (req) => {
      const page = await events.timeline(req.params.id, {
        limit: req.query.limit ?? 50,
        cursor: req.query.cursor,
        name: req.query.name,
      });
      return { ...page, data: page.data.map(presentEvent) };
    },
  );
}
