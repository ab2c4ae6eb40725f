import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { ValidationError } from '../../lib/errors.ts';
import { presentNotification } from '../../services/mention-notifications.ts';
import { principal } from '../auth.ts';
import { errorResponses, IdParams, Nullable, PageQuery, Uuid } from '../schemas.ts';
import type { Http, HttpDeps } from '../server.ts';

const NotificationBody = Type.Object({
  id: Type.String(),
  kind: Type.String({
    description: 'mention (a note named you), broadcast_auto_paused (owners and admins: too many failures)',
  }),
  conversationId: Nullable(Type.String()),
  messageId: Nullable(Type.String()),
  actorId: Nullable(Type.String()),
  broadcastId: Nullable(Type.String()),
  detail: Nullable(Type.String({ description: 'A line saying why (the auto-pause reason)' })),
  readAt: Nullable(Type.String()),
  createdAt: Type.String(),
});

/** The signed-in user's id; API keys have no inbox of their own. */
function userId(req: FastifyRequest): string {
  const who = principal(req);
  if (who.kind !== 'user')
    throw new ValidationError('Notifications belong to users; an API key has none', [
      { path: '', message: 'sign in as a user' },
    ]);
  return who.id;
}

/**
 * The caller's in-app notifications (mentions in notes). Live ones arrive as `notification.created` in the realtime room
 * `user:<userId>`. Under /me so they never mix with the customer notifications of issue 6.
 */
export async function meNotificationRoutes(app: Http, { services }: HttpDeps) {
  const { userNotifications } = services;

  app.get(
    '/api/v1/me/notifications',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['notifications'],
        summary: 'My notifications, newest first, with the unread count',
        querystring: Type.Object(
          { ...PageQuery, unread: Type.Optional(Type.Boolean({ description: 'only unread ones' })) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            data: Type.Array(NotificationBody),
            nextCursor: Nullable(Type.String()),
            unreadCount: Type.Integer(),
          }),
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const page = await userNotifications.list(userId(req), {
        unreadOnly: req.query.unread === true,
        limit: req.query.limit ?? 50,
        cursor: req.query.cursor,
      });
      return {
        data: page.data.map(presentNotification),
        nextCursor: page.nextCursor,
        unreadCount: page.unreadCount,
      };
    },
  );

  app.post(
    '/api/v1/me/notifications/read',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['notifications'],
        summary: 'Mark notifications read: the listed ids, or all of them when ids is absent',
        body: Type.Optional(
          Type.Object(
            { ids: Type.Optional(Type.Array(Uuid, { maxItems: 500 })) },
            { additionalProperties: false },
          ),
        ),
        response: { 200: Type.Object({ updated: Type.Integer() }), ...errorResponses },
      },
    },
    async (req) => ({ updated: await userNotifications.markRead(userId(req), req.body?.ids) }),
  );

  app.patch(
    '/api/v1/me/notifications/:id',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['notifications'],
        summary: 'Mark one notification read or unread',
        params: IdParams,
        body: Type.Object({ read: Type.Boolean() }, { additionalProperties: false }),
        response: { 200: NotificationBody, ...errorResponses },
      },
    },
    async (req) =>
      presentNotification(await userNotifications.setRead(userId(req), req.params.id, req.body.read)),
  );

  app.delete(
    '/api/v1/me/notifications/:id',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['notifications'],
        summary: 'Dismiss a notification',
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (req, reply) => {
      await userNotifications.delete(userId(req), req.params.id);
      return reply.status(204).send(null);
    },
  );
}
