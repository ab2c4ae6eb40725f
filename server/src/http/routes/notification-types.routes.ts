import { actor } from '../auth.ts';
import { presentNotificationType } from '../notification.presenters.ts';
import { CreateTypeBody, PatchTypeBody, TypeBody, TypeParams } from '../notification.schemas.ts';
import { errorResponses, PageOf } from '../schemas.ts';
import type { Http, HttpDeps } from '../server.ts';

const TYPE_HELP =
  'A type has a key the business’s system triggers it by, a category (transactional, or marketing: honours the global ' +
  'unsubscribe and quiet hours), `critical` (ignores opt-outs; not for marketing), the channel kinds in order, a template ' +
  'per channel kind (id or key; telegram_html for telegram, email_html for email), optional throttling ' +
  '`{limit, periodSeconds}` per contact and an optional digest window in seconds.';

/** /api/v1/notification-types: CRUD; built-in types are editable but not deletable. */
export async function notificationTypesRoutes(app: Http, { services }: HttpDeps) {
  const { notificationTypes } = services;

  app.get(
    '/api/v1/notification-types',
    {
      config: { access: 'notifications:read' },
      schema: {
        tags: ['notifications'],
        summary: 'All notification types: built-in ones first, then by key',
        response: { 200: PageOf(TypeBody), ...errorResponses },
      },
    },
    async () => ({ data: (await notificationTypes.list()).map(presentNotificationType), nextCursor: null }),
  );

  app.post(
    '/api/v1/notification-types',
    {
      config: { access: 'notifications:write' },
      schema: {
        tags: ['notifications'],
        summary: 'Create a notification type',
        description: TYPE_HELP,
        body: CreateTypeBody,
        response: { 201: TypeBody, ...errorResponses },
      },
    },
    async (req, reply) =>
      reply.status(201).send(presentNotificationType(await notificationTypes.create(actor(req), req.body))),
  );

  app.get(
    '/api/v1/notification-types/:idOrKey',
    {
      config: { access: 'notifications:read' },
      schema: {
        tags: ['notifications'],
        summary: 'One notification type, by id or key',
        params: TypeParams,
        response: { 200: TypeBody, ...errorResponses },
      },
    },
    async (req) => presentNotificationType(await notificationTypes.get(req.params.idOrKey)),
  );

  app.patch(
    '/api/v1/notification-types/:idOrKey',
    {
      config: { access: 'notifications:write' },
      schema: {
        tags: ['notifications'],
        summary: 'Change a notification type (any subset; the key cannot change)',
        description: TYPE_HELP,
        params: TypeParams,
        body: PatchTypeBody,
        response: { 200: TypeBody, ...errorResponses },
      },
    },
    async (req) =>
      presentNotificationType(await notificationTypes.update(actor(req), req.params.idOrKey, req.body)),
  );

  app.delete(
    '/api/v1/notification-types/:idOrKey',
    {
      config: { access: 'notifications:write' },
      schema: {
        tags: ['notifications'],
        summary: 'Delete a custom notification type (built-ins: 409; disable them instead)',
        params: TypeParams,
        response: { 409: { $ref: 'Error' }, ...errorResponses },
      },
    },
    async (req, reply) => {
      await notificationTypes.delete(actor(req), req.params.idOrKey);
      return reply.status(204).send();
    },
  );
}
