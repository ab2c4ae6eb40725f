import { Type } from 'typebox';
import type { RawUpdate } from '../../channels/telegram/telegram.receiver.ts';
import { NotFoundError, UnauthorizedError } from '../../lib/errors.ts';
import { errorResponses } from '../schemas.ts';
import type { Http, HttpDeps } from '../server.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Where Telegram posts updates of webhook-mode channels. Public: Telegram proves itself with the channel's secret
 * token header, compared in constant time; a mismatch stores nothing.
 */
export async function telegramWebhookRoutes(app: Http, { services }: HttpDeps) {
  app.post(
    '/webhooks/telegram/:channelId',
    {
      config: { access: 'public' },
      schema: {
        tags: ['webhooks'],
        summary: 'Telegram webhook: stores the update once and queues its processing',
        description:
          'Called by Telegram, not by API clients. 401 unless X-Telegram-Bot-Api-Secret-Token matches the channel; ' +
          '404 for an unknown channel; 503 while the channel is paused (Telegram keeps the update and redelivers); ' +
          '200 for a stored update and for a redelivery of one already stored.',
        params: Type.Object({ channelId: Type.String({ maxLength: 100 }) }),
        body: Type.Object(
          { update_id: Type.Integer({ minimum: 0, description: "Telegram's update id" }) },
          { additionalProperties: true },
        ),
        response: {
          200: Type.Object({ ok: Type.Boolean(), duplicate: Type.Boolean() }),
          ...errorResponses,
          503: Type.Ref('Error'),
        },
      },
    },
    async (req, reply) => {
      const { channelId } = req.params;
      if (!UUID.test(channelId)) throw new NotFoundError('Channel', channelId);
      const header = req.headers['x-telegram-bot-api-secret-token'];
      const secret = typeof header === 'string' ? header : undefined;
      const outcome = await services.telegram.acceptWebhook(channelId, secret, req.body as RawUpdate);
      switch (outcome) {
        case 'unknown':
          throw new NotFoundError('Channel', channelId);
        case 'unauthorized':
          throw new UnauthorizedError('X-Telegram-Bot-Api-Secret-Token does not match this channel');
        case 'paused':
          // Non-2xx on purpose: Telegram keeps the update and redelivers, so a paused channel loses nothing.
          reply.header('retry-after', '60');
          return reply.status(503).send({
            error: {
              code: 'channel_paused',
              message: 'This channel is paused; deliver again later',
              details: [],
            },
          });
        default:
          return { ok: true, duplicate: outcome === 'duplicate' };
      }
    },
  );
}
