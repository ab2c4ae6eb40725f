import { Type } from 'typebox';
import { CSAT_BUILT_IN_TEXTS } from '../../services/csat.texts.ts';
import { CSAT_TEXT_KEYS } from '../../services/inbox-settings.ts';
import { actor } from '../auth.ts';
import { errorResponses, IdParams } from '../schemas.ts';
import type { Http, HttpDeps } from '../server.ts';

// The service validates every key (services/inbox-settings.ts) so a 400 names the exact path and reason.
const SettingsBody = Type.Record(Type.String(), Type.Unknown(), {
  description:
    'reopenWindowHours, autoAssign {enabled, order, maxPerAgent, fairLimit}, autoReply {enabled, message, outOfHoursMessage}, ' +
    'businessHours {enabled, timezone, week}, csat {enabled, windowHours, question, thanks, commentPrompt}; see docs/api.md "Inbox"',
});

const Localized = Type.Object({ ru: Type.String(), en: Type.String() });
const CsatTextsBody = Type.Object({ question: Localized, thanks: Localized, commentPrompt: Localized });

/** The built-in CSAT texts, which an empty `csat.question|thanks|commentPrompt` stands for. */
const builtInCsatTexts = Object.fromEntries(
  CSAT_TEXT_KEYS.map((key) => [key, { ru: CSAT_BUILT_IN_TEXTS.ru[key], en: CSAT_BUILT_IN_TEXTS.en[key] }]),
) as Record<(typeof CSAT_TEXT_KEYS)[number], { ru: string; en: string }>;

/** A channel's inbox behaviour: read by anyone who reads channels, changed by those who manage them. */
export async function inboxSettingsRoutes(app: Http, { services }: HttpDeps) {
  app.get(
    '/api/v1/inbox-settings/csat-texts',
    {
      config: { access: 'channels:read' },
      schema: {
        tags: ['channels'],
        summary:
          'The built-in CSAT texts per language: what an empty csat.question, thanks or commentPrompt sends',
        response: { 200: CsatTextsBody, ...errorResponses },
      },
    },
    async () => builtInCsatTexts,
  );

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
