import { Type } from 'typebox';
import { actor } from '../auth.ts';
import { errorResponses, IdParams } from '../schemas.ts';
import type { Http, HttpDeps } from '../server.ts';

// The service validates every key (services/inbox-settings.ts) so a 400 names the exact path and reason.
const SettingsBody = Type.Record(Type.String(), Type.Unknown(), {
  description:
    'reopenWindowHours, autoAssign {enabled, order, maxPerAgent, fairLimit}, autoReply {enabled, message, outOfHoursMessage}, ' +
    'businessHours {enabled, timezone, week}, csat {enabled, windowHours}; see docs/api.md "Inbox"',
});

/** A channel's inbox behaviour: read by anyone who reads channels, changed by those who manage them. */
export async function inboxSettingsRoutes(app: Http, { services }: HttpDeps) {
  app.get(
    '/api/v1/channels/:id/inbox-settings',
    {
      config: { access: 'channels:read' },
      schema: {
        tags: ['channels'],
        summary: "A channel's inbox settings, defaults filled in",
        params: IdParams,
        response: { 200: SettingsBody, ...errorResponses },
      },
    },
    async (req) => (await services.inboxSettings.get(req.params.id)) as unknown as Record<string, unknown>,
  );

  app.patch(
    '/api/v1/channels/:id/inbox-settings',
    {
      config: { access: 'channels:write' },
      schema: {
        tags: ['channels'],
        summary: "Change a channel's inbox settings (objects merge key by key; lists and null replace)",
        params: IdParams,
        body: Type.Record(Type.String(), Type.Unknown(), { maxProperties: 20 }),
        response: { 200: SettingsBody, ...errorResponses },
      },
    },
    async (req) =>
      (await services.inboxSettings.update(actor(req), req.params.id, req.body)) as unknown as Record<
        string,
        unknown
      >,
  );
}
