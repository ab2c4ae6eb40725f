import { Readable } from 'node:stream';
import { Type } from 'typebox';
import type { BroadcastDeliveryStatus, BroadcastStatus } from '../../db/schema.ts';
import { actor } from '../auth.ts';
import { presentBroadcast, presentDelivery } from '../broadcast.presenters.ts';
import {
  AUDIENCE_HELP,
  BroadcastBody,
  CreateBody,
  DELIVERY_STATUSES,
  DeliveryBody,
  PatchBody,
  STATUSES,
  split,
  statusList,
} from '../broadcast.schemas.ts';
import { errorResponses, IdParams, PageOf, PageQuery, Uuid } from '../schemas.ts';
import type { Http, HttpDeps } from '../server.ts';

const conflict = { 409: Type.Ref('Error') };
/** A status action: no body, answers the broadcast as it is after the transition. */
const action = (summary: string) => ({
  config: { access: 'broadcasts:write' as const },
  schema: {
    tags: ['broadcasts'],
    summary,
    params: IdParams,
    response: { 200: BroadcastBody, ...conflict, ...errorResponses },
  },
});

/** /api/v1/broadcasts: CRUD, the status machine's actions, test sends, recipients and their CSV export. */
export async function broadcastRoutes(app: Http, { services }: HttpDeps) {
  const { broadcasts } = services;

  app.get(
    '/api/v1/broadcasts',
    {
      config: { access: 'broadcasts:read' },
      schema: {
        tags: ['broadcasts'],
        summary: 'Broadcasts, newest first',
        querystring: Type.Object(
          { ...PageQuery, status: Type.Optional(statusList(STATUSES)) },
          { additionalProperties: false },
        ),
        response: { 200: PageOf(BroadcastBody), ...errorResponses },
      },
    },
    async (req) => {
      const q = req.query;
      const page = await broadcasts.list({
        status: split<BroadcastStatus>(q.status),
        limit: q.limit ?? 50,
        cursor: q.cursor,
      });
      return { data: page.data.map(presentBroadcast), nextCursor: page.nextCursor };
    },
  );

  app.post(
    '/api/v1/broadcasts',
    {
      config: { access: 'broadcasts:write' },
      schema: {
        tags: ['broadcasts'],
        summary: 'Create a draft (or a scheduled broadcast when scheduledAt is given)',
        description: AUDIENCE_HELP,
        body: CreateBody,
        response: { 201: BroadcastBody, ...errorResponses },
      },
    },
    async (req, reply) =>
      reply.status(201).send(presentBroadcast(await broadcasts.create(actor(req), req.body))),
  );

  app.get(
    '/api/v1/broadcasts/:id',
    {
      config: { access: 'broadcasts:read' },
      schema: {
        tags: ['broadcasts'],
        summary: 'A broadcast with its counters and click statistics',
        params: IdParams,
        response: {
          200: Type.Object({
            ...BroadcastBody.properties,
            clicks: Type.Unknown({ description: 'Clicks and taps per button (see "Broadcast clicks")' }),
            failedByReason: Type.Array(Type.Object({ reason: Type.String(), count: Type.Integer() }), {
              description: 'The ten most common reasons of failed recipients',
            }),
            progress: Type.Object({
              ratePerSecond: Type.Number({ description: 'Outcomes per second since the start (average)' }),
              estimatedFinishAt: Type.Union([Type.Null(), Type.String({ format: 'date-time' })]),
            }),
          }),
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const b = await broadcasts.get(req.params.id);
      return {
        ...presentBroadcast(b),
        clicks: await services.broadcastClicks.summary(b.id),
        ...(await broadcasts.details(b)),
      };
    },
  );

  app.patch(
    '/api/v1/broadcasts/:id',
    {
      config: { access: 'broadcasts:write' },
      schema: {
        tags: ['broadcasts'],
        summary: 'Change a draft or scheduled broadcast (409 otherwise)',
        description: `${AUDIENCE_HELP} \`scheduledAt\` schedules or moves the start; \`scheduledAt: null\` makes it a draft again.`,
        params: IdParams,
        body: PatchBody,
        response: { 200: BroadcastBody, ...conflict, ...errorResponses },
      },
    },
    async (req) => presentBroadcast(await broadcasts.update(actor(req), req.params.id, req.body)),
  );

  app.delete(
    '/api/v1/broadcasts/:id',
    {
      config: { access: 'broadcasts:write' },
      schema: {
        tags: ['broadcasts'],
        summary:
          'Delete a draft, scheduled, cancelled, completed or failed broadcast with its recipients (409 otherwise)',
        params: IdParams,
        response: { 204: Type.Null(), ...conflict, ...errorResponses },
      },
    },
    async (req, reply) => {
      await broadcasts.delete(actor(req), req.params.id);
      return reply.status(204).send(null);
    },
  );

  const actions = [
    [
      'send-now',
      'Start now: fix the recipients and queue the delivery (draft or scheduled)',
      broadcasts.sendNow,
    ],
    ['unschedule', 'Scheduled → draft', broadcasts.unschedule],
    ['pause', 'Stop claiming recipients; sends in flight finish (sending → paused)', broadcasts.pause],
    ['resume', 'Continue with the recipients left (paused → sending)', broadcasts.resume],
    [
      'cancel',
      'Stop for good; recipients not yet sent become cancelled (scheduled, sending or paused)',
      broadcasts.cancel,
    ],
  ] as const;
  for (const [path, summary, run] of actions)
    app.post(`/api/v1/broadcasts/:id/${path}`, action(summary), async (req) =>
      presentBroadcast(await run.call(broadcasts, actor(req), req.params.id)),
    );

  app.post(
    '/api/v1/broadcasts/:id/schedule',
    {
      config: { access: 'broadcasts:write' },
      schema: {
        tags: ['broadcasts'],
        summary: 'Schedule or move the start (draft or scheduled)',
        params: IdParams,
        body: Type.Object({ at: Type.String({ format: 'date-time' }) }, { additionalProperties: false }),
        response: { 200: BroadcastBody, ...conflict, ...errorResponses },
      },
    },
    async (req) => presentBroadcast(await broadcasts.schedule(actor(req), req.params.id, req.body.at)),
  );

  app.post(
    '/api/v1/broadcasts/:id/duplicate',
    {
      config: { access: 'broadcasts:write' },
      schema: {
        tags: ['broadcasts'],
        summary: 'A new draft with the same audience, message and options',
        params: IdParams,
        response: { 201: BroadcastBody, ...errorResponses },
      },
    },
    async (req, reply) =>
      reply.status(201).send(presentBroadcast(await broadcasts.duplicate(actor(req), req.params.id))),
  );

  app.post(
    '/api/v1/broadcasts/:id/test',
    {
      config: { access: 'broadcasts:write' },
      schema: {
        tags: ['broadcasts'],
        summary: 'Send the message to one contact now, without touching recipients or counters',
        description:
          'A contact the bot cannot reach, or a message Telegram refuses, is a 400 on `contactId` with the reason.',
        params: IdParams,
        body: Type.Object({ contactId: Uuid }, { additionalProperties: false }),
        response: {
          200: Type.Object({ chatExternalId: Type.String(), externalId: Type.String() }),
          503: Type.Ref('Error'),
          ...errorResponses,
        },
      },
    },
    async (req) => broadcasts.testSend(req.params.id, req.body.contactId),
  );

  app.get(
    '/api/v1/broadcasts/:id/deliveries',
    {
      config: { access: 'broadcasts:read' },
      schema: {
        tags: ['broadcasts'],
        summary: 'Recipients and their outcomes, in snapshot order',
        params: IdParams,
        querystring: Type.Object(
          { ...PageQuery, status: Type.Optional(statusList(DELIVERY_STATUSES)) },
          { additionalProperties: false },
        ),
        response: { 200: PageOf(DeliveryBody), ...errorResponses },
      },
    },
    async (req) => {
      const q = req.query;
      const page = await broadcasts.deliveries(req.params.id, {
        status: split<BroadcastDeliveryStatus>(q.status),
        limit: q.limit ?? 50,
        cursor: q.cursor,
      });
      return { data: page.data.map(presentDelivery), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/api/v1/broadcasts/:id/deliveries.csv',
    {
      config: { access: 'broadcasts:read' },
      schema: {
        tags: ['broadcasts'],
        summary: 'Every recipient and outcome as CSV (streamed; any size)',
        description: '`delimiter=;` and `bom=true` suit Excel in Russian locales.',
        produces: ['text/csv'],
        params: IdParams,
        querystring: Type.Object(
          {
            delimiter: Type.Optional(Type.Union([Type.Literal(','), Type.Literal(';')])),
            bom: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.String({ description: 'text/csv' }), ...errorResponses },
      },
    },
    async (req, reply) => {
      const rows = await broadcasts.deliveriesCsv(req.params.id, {
        delimiter: req.query.delimiter ?? ',',
        bom: req.query.bom ?? false,
      });
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="broadcast-${req.params.id}-recipients.csv"`)
        .send(Readable.from(rows));
    },
  );
}
