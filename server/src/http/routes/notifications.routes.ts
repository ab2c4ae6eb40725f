import { Type } from 'typebox';
import type { NotificationStatus } from '../../db/schema.ts';
import { ValidationError } from '../../lib/errors.ts';
import { actor } from '../auth.ts';
import { presentLogEntry, presentNotification } from '../notification.presenters.ts';
import {
  BatchAnswer,
  BatchBody,
  ListQuery,
  NotificationBody,
  NotificationWithLog,
  TopicAnswer,
  TopicBody,
  TriggerAnswer,
  TriggerBody,
} from '../notification.schemas.ts';
import { errorResponses, IdParams, PageOf, PageQuery } from '../schemas.ts';
import type { Http, HttpDeps } from '../server.ts';

const TRIGGER_HELP =
  'Queues one notification for one contact and answers 202 at once; delivery runs in a job that reads the contact’s ' +
  'preferences when it runs. The same idempotency key (body `idempotencyKey` or the `Idempotency-Key` header) within 24 h ' +
  'answers with the first notification (`duplicate: true`) and sends nothing new, however many calls race. ' +
  '`to` takes exactly one of contactId, externalId, telegramId, email; an unknown email address becomes a new contact, ' +
  'an unknown contactId, externalId or telegramId is a 400 naming the field.';

/** The Idempotency-Key header merged with the body's key; both given and different is a 400. */
function idempotencyKeyOf(header: unknown, body: string | undefined): string | undefined {
  const h = typeof header === 'string' ? header : undefined;
  if (h !== undefined && body !== undefined && h !== body)
    throw new ValidationError('Two different idempotency keys', [
      {
        path: '/idempotencyKey',
        message: 'differs from the Idempotency-Key header; give one, or the same in both',
      },
    ]);
  return body ?? h;
}

/** /api/v1/notifications: the trigger API (one, batch), the list and one notification with its log. */
export async function notificationsRoutes(app: Http, { services }: HttpDeps) {
  const { notifications } = services;

  app.post(
    '/api/v1/notifications',
    {
      config: { access: 'notifications:write' },
      schema: {
        tags: ['notifications'],
        summary: 'Send a notification (queued; 202)',
        description: TRIGGER_HELP,
        headers: Type.Object({
          'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
        }),
        body: TriggerBody,
        response: { 202: TriggerAnswer, ...errorResponses },
      },
    },
    async (req, reply) => {
      const idempotencyKey = idempotencyKeyOf(req.headers['idempotency-key'], req.body.idempotencyKey);
      const { notification, duplicate } = await notifications.trigger(actor(req), {
        ...req.body,
        idempotencyKey,
      });
      return reply.status(202).send({ id: notification.id, status: notification.status, duplicate });
    },
  );

  app.post(
    '/api/v1/notifications/batch',
    {
      config: { access: 'notifications:write' },
      schema: {
        tags: ['notifications'],
        summary: 'Send up to 1,000 notifications; per-item results',
        description:
          'Each item is handled as its own POST /notifications (idempotency keys included); a bad item does not stop ' +
          'the others. Results are in input order: `{index, id, status, duplicate}` or `{index, error}` with the ' +
          'error’s details naming the item’s fields (`/to/email`).',
        body: BatchBody,
        response: { 202: BatchAnswer, ...errorResponses },
      },
    },
    async (req, reply) => {
      const results = await notifications.batch(actor(req), req.body.notifications);
      const out = results.map((r) =>
        r.ok
          ? {
              index: r.index,
              id: r.result.notification.id,
              status: r.result.notification.status,
              duplicate: r.result.duplicate,
            }
          : {
              index: r.index,
              error: {
                code: r.error.code,
                message: r.error.message,
                details: r.error.details.map((d) => ({ path: d.path, message: d.message })),
              },
            },
      );
      const accepted = results.filter((r) => r.ok).length;
      return reply.status(202).send({ accepted, rejected: results.length - accepted, results: out });
    },
  );

  app.post(
    '/api/v1/notifications/topic',
    {
      config: { access: 'notifications:write' },
      schema: {
        tags: ['notifications'],
        summary: 'Send one type to everyone a segment or filter selects (a broadcast; 202)',
        description:
          'Becomes a broadcast of the type’s Telegram template with `data`, started at once (follow it at ' +
          '/api/v1/broadcasts/:broadcastId). Contacts who turned the type (or Telegram for it) off are left out unless the ' +
          'type is critical; contacts unsubscribed from marketing are skipped as in every broadcast.',
        body: TopicBody,
        response: { 202: TopicAnswer, ...errorResponses },
      },
    },
    async (req, reply) => {
      const b = await services.notificationTopics.send(actor(req), req.body);
      return reply.status(202).send({ broadcastId: b.id, status: b.status, stats: b.stats ?? {} });
    },
  );

  app.get(
    '/api/v1/notifications',
    {
      config: { access: 'notifications:read' },
      schema: {
        tags: ['notifications'],
        summary: 'Notifications, newest first',
        querystring: Type.Object({ ...PageQuery, ...ListQuery }, { additionalProperties: false }),
        response: { 200: PageOf(NotificationBody), ...errorResponses },
      },
    },
    async (req) => {
      const q = req.query;
      const page = await notifications.list({
        contactId: q.contactId,
        type: q.type,
        status: q.status ? (q.status.split(',') as NotificationStatus[]) : undefined,
        from: q.from ? new Date(q.from) : undefined,
        to: q.to ? new Date(q.to) : undefined,
        limit: q.limit ?? 50,
        cursor: q.cursor,
      });
      return { data: page.data.map(presentNotification), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/api/v1/notifications/:id',
    {
      config: { access: 'notifications:read' },
      schema: {
        tags: ['notifications'],
        summary: 'One notification with its log of state changes',
        params: IdParams,
        response: { 200: NotificationWithLog, ...errorResponses },
      },
    },
    async (req) => {
      const { notification, log } = await notifications.get(req.params.id);
      return { ...presentNotification(notification), log: log.map(presentLogEntry) };
    },
  );
}
