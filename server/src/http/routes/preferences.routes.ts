import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { PreferenceForm } from '../../services/preferences.web.ts';
import { pageLanguage } from '../../services/preferences.web.ts';
import { actor } from '../auth.ts';
import {
  linkNotFoundPage,
  preferencesPage,
  unsubscribeConfirmPage,
  unsubscribedPage,
} from '../preference-page.ts';
import { errorResponses, IdParams, Nullable } from '../schemas.ts';
import type { Http, HttpDeps } from '../server.ts';

const Kind = Type.Union([Type.Literal('telegram'), Type.Literal('email')]);
const ChannelSwitches = Type.Object(
  { telegram: Type.Optional(Type.Boolean()), email: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
const FullSwitches = Type.Object({ telegram: Type.Boolean(), email: Type.Boolean() });

const PreferencesInput = Type.Object(
  {
    subscribed: Type.Optional(
      Type.Boolean({ description: 'Marketing at all (the contact field `subscribed`)' }),
    ),
    preferredChannel: Type.Optional(Nullable(Kind)),
    channels: Type.Optional(ChannelSwitches),
    types: Type.Optional(
      Type.Record(
        Type.String({ maxLength: 64 }),
        Type.Object(
          { enabled: Type.Optional(Type.Boolean()), channels: Type.Optional(ChannelSwitches) },
          { additionalProperties: false },
        ),
        {
          description:
            'Per notification type key; replaces the stored per-type choices as a whole (a type left out is on)',
        },
      ),
    ),
  },
  { additionalProperties: false },
);

const PreferencesBody = Type.Object({
  contactId: Type.String(),
  subscribed: Type.Boolean(),
  preferredChannel: Nullable(Kind),
  channels: FullSwitches,
  types: Type.Record(Type.String(), Type.Object({ enabled: Type.Boolean(), channels: FullSwitches })),
  reachable: FullSwitches,
  effective: Type.Array(
    Type.Object({
      key: Type.String(),
      name: Type.String(),
      category: Type.String(),
      critical: Type.Boolean(),
      enabled: Type.Boolean(),
      reason: Nullable(Type.String()),
      channels: Type.Array(Kind),
      channel: Nullable(Kind),
    }),
  ),
});

const TokenParams = Type.Object({ token: Type.String({ maxLength: 100 }) });

/** Forms from the page: `a=1&a=2` gathers repeated names into arrays. */
function parseForm(body: string): PreferenceForm {
  const out: PreferenceForm = {};
  for (const [name, value] of new URLSearchParams(body)) {
    const prev = out[name];
    out[name] = prev === undefined ? value : [...(Array.isArray(prev) ? prev : [prev]), value];
  }
  return out;
}

/**
 * A customer's page: never cached (it shows their choices), never framed (a hidden one-click button is clickjacking),
 * no referrer (the URL is the credential), no script.
 */
function sendPage(reply: FastifyReply, status: number, html: string) {
  return reply
    .status(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY')
    .header(
      'content-security-policy',
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    )
    .send(html);
}

/** Contacts' notification preferences: the business's API, and the customer's page behind a signed link. */
export async function preferencesRoutes(app: Http, { services }: HttpDeps) {
  const { preferences, preferencePage } = services;

  app.get(
    '/api/v1/contacts/:id/preferences',
    {
      config: { access: 'contacts:read' },
      schema: {
        tags: ['contacts'],
        summary: "A contact's notification preferences, with what each notification type would do now",
        params: IdParams,
        response: { 200: PreferencesBody, ...errorResponses },
      },
    },
    async (req) => preferences.get(req.params.id),
  );

  app.put(
    '/api/v1/contacts/:id/preferences',
    {
      config: { access: 'contacts:write' },
      schema: {
        tags: ['contacts'],
        summary: "Change a contact's notification preferences (parts left out keep their value)",
        description:
          'Unknown type keys and opt-outs of critical types are refused (400 naming the field). Audited as ' +
          '`contact.preferences_updated`.',
        params: IdParams,
        body: PreferencesInput,
        response: { 200: PreferencesBody, ...errorResponses },
      },
    },
    async (req) => preferences.put(actor(req), req.params.id, req.body),
  );

  // The customer's side: public, the signed token is the only credential (services/preference-links.ts).
  // Scoped to these routes (each route file is its own plugin); skipped if the app ever gains a form parser of its own.
  if (!app.hasContentTypeParser('application/x-www-form-urlencoded'))
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 64 * 1024 },
      (_req, body, done) => done(null, parseForm(body as string)),
    );
  const acceptLanguage = (req: FastifyRequest) => req.headers['accept-language'];
  const notFound = async (req: FastifyRequest, reply: FastifyReply) =>
    sendPage(
      reply,
      404,
      linkNotFoundPage(
        pageLanguage(null, acceptLanguage(req), await services.ctx.repos.settings.get('default_language')),
      ),
    );
  const pagePath = (token: string) => `/p/${encodeURIComponent(token)}`;
  const publicRoute = (summary: string) => ({
    config: { access: 'public' as const },
    schema: { tags: ['preferences'], summary, security: [], params: TokenParams },
  });

  app.get(
    '/p/:token',
    publicRoute("The customer's preference page (HTML, in their language); 404 page for a bad link"),
    async (req, reply) => {
      const model = await preferencePage.load(req.params.token, acceptLanguage(req));
      return model ? sendPage(reply, 200, preferencesPage(model)) : notFound(req, reply);
    },
  );

  app.post(
    '/p/:token',
    publicRoute('Save the preference page (form post); answers the page again with "Saved"'),
    async (req, reply) => {
      const form = (req.body ?? {}) as PreferenceForm;
      const model = await preferencePage.save(req.params.token, form, acceptLanguage(req));
      return model ? sendPage(reply, 200, preferencesPage(model, { saved: true })) : notFound(req, reply);
    },
  );

  app.get(
    '/p/:token/unsubscribe',
    publicRoute(
      'Asks to confirm the unsubscribe; never unsubscribes by itself (mail scanners prefetch links)',
    ),
    async (req, reply) => {
      const model = await preferencePage.load(req.params.token, acceptLanguage(req));
      return model
        ? sendPage(reply, 200, unsubscribeConfirmPage(model, pagePath(req.params.token)))
        : notFound(req, reply);
    },
  );

  app.post(
    '/p/:token/unsubscribe',
    publicRoute(
      'RFC 8058 one-click unsubscribe (body `List-Unsubscribe=One-Click`): marketing off for the contact, 200',
    ),
    async (req, reply) => {
      const model = await preferencePage.unsubscribe(req.params.token, acceptLanguage(req));
      return model
        ? sendPage(reply, 200, unsubscribedPage(model, pagePath(req.params.token)))
        : notFound(req, reply);
    },
  );
}
