import { Type } from 'typebox';
import type { ChannelView } from '../../services/channels.service.ts';
import { actor } from '../auth.ts';
import { presentChannel, presentChannelHealth } from '../presenters.ts';
import { errorResponses, IdParams, Nullable, PageOf, PageQuery, Uuid } from '../schemas.ts';
import type { Http, HttpDeps } from '../server.ts';

const Mode = Type.Union([Type.Literal('webhook'), Type.Literal('polling')]);
const Status = Type.Union([Type.Literal('active'), Type.Literal('paused')]);
// The bot id, a colon, then the secret; the pattern also keeps "/" and "?" out of the Bot API URL it goes into.
const Token = Type.String({
  pattern: '^[0-9]{1,20}:[A-Za-z0-9_-]{1,200}$',
  description: 'Bot token from @BotFather',
});
const ApiRoot = Type.String({
  pattern: '^https?://[^\\s?#]+$',
  maxLength: 500,
  description: 'Bot API root for this bot (e.g. a local Bot API server); default TELEGRAM_API_ROOT',
});
// Known keys and their ranges are checked by the service (telegram.settings.ts) so the 400 names the key and the reason.
const Settings = Type.Record(Type.String({ maxLength: 100 }), Type.Unknown(), {
  maxProperties: 100,
  description:
    'Telegram: rateLimitPerSecond (integer 1..30, up to 1000 with paidBroadcasts: true; default 30), paidBroadcasts (boolean). ' +
    'Other keys are refused. PATCH replaces the whole object. ' +
    'Email: address, fromName?, smtp {host, port, secure, user, password}, imap? {host, port, secure, user, password, ' +
    'mailbox?}, inbound ("imap" | "smtp" | "none"), ratePerSecond?. Passwords are never returned (passwordSet instead); ' +
    'PATCH merges: {smtp: {password}} rotates a password and keeps the rest.',
});
const Name = Type.String({ minLength: 1, maxLength: 100 });
const StaffBot = Type.Boolean({
  description:
    'Telegram only: the bot serves the team (coupon checks, /login, alerts); its updates never reach the inbox',
});
/** The channel as presented, plus the staff-bot flag (issue 8). */
const withStaffBot = (c: ChannelView) => ({ ...presentChannel(c), staffBot: c.staffBot });

const ChannelBody = Type.Object({
  id: Type.String(),
  type: Type.String(),
  name: Type.String(),
  status: Type.String(),
  mode: Nullable(Type.String()),
  apiRoot: Nullable(Type.String()),
  settings: Type.Record(Type.String(), Type.Unknown()),
  staffBot: Type.Boolean({
    description: 'a staff bot talks to the team (docs/staff-bot.md), never to customers',
  }),
  bot: Type.Object({ id: Nullable(Type.String()), username: Nullable(Type.String()) }),
  tokenHint: Nullable(
    Type.String({ description: 'bot id and the last 4 characters; the token is never returned' }),
  ),
  health: Type.Object({
    lastUpdateAt: Nullable(Type.String()),
    lastError: Nullable(Type.String()),
    lastErrorAt: Nullable(Type.String()),
    pausedUntil: Nullable(
      Type.String({ description: 'set by a 429 from Telegram: nothing is sent before then' }),
    ),
  }),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

const channelErrors = { ...errorResponses, 409: Type.Ref('Error'), 503: Type.Ref('Error') };

const HealthBody = Type.Object({
  channelId: Type.String(),
  status: Type.String(),
  mode: Nullable(Type.String()),
  lastUpdateAt: Nullable(Type.String()),
  lastError: Nullable(Type.String({ description: 'the last receive or processing failure' })),
  lastErrorAt: Nullable(Type.String()),
  updates: Type.Object({
    unprocessed: Type.Integer({
      description: 'stored updates not processed yet (including those that gave up)',
    }),
    lastProcessingError: Nullable(
      Type.Object({ updateId: Type.Integer(), error: Type.String(), receivedAt: Type.String() }),
    ),
  }),
  webhook: Nullable(
    Type.Object(
      {
        url: Type.String(),
        pendingUpdateCount: Type.Integer(),
        lastErrorDate: Nullable(Type.String()),
        lastErrorMessage: Nullable(Type.String()),
        maxConnections: Nullable(Type.Integer()),
      },
      { description: "Telegram's getWebhookInfo (webhook mode only)" },
    ),
  ),
  webhookInfoError: Nullable(
    Type.String({ description: 'why getWebhookInfo gave nothing (Telegram down, slow, token revoked)' }),
  ),
  polling: Nullable(
    Type.Object({
      offset: Nullable(Type.Integer({ description: 'the next getUpdates offset' })),
      lease: Nullable(
        Type.Object(
          {
            databasePid: Type.Integer(),
            applicationName: Nullable(Type.String()),
            clientAddress: Nullable(Type.String()),
            connectedAt: Nullable(Type.String()),
          },
          {
            description:
              'the database session of the worker process polling this bot; null: nobody polls it now',
          },
        ),
      ),
    }),
  ),
  sending: Type.Object({
    sentLastMinute: Type.Integer(),
    pausedUntil: Nullable(
      Type.String({ description: 'set by a 429 from Telegram: nothing is sent before then' }),
    ),
    rateLimitPerSecond: Type.Number({
      description: 'the rate the limiter applies (settings, default and caps applied)',
    }),
    paidBroadcasts: Type.Boolean(),
  }),
  checkedAt: Type.String(),
});

/** Telegram bots and mailboxes as channels. Tokens and passwords go in, are checked, and never come out. */
export async function channelRoutes(app: Http, { services }: HttpDeps) {
  const { channels } = services;

  app.get(
    '/api/v1/channels',
    {
      config: { access: 'channels:read' },
      schema: {
        tags: ['channels'],
        summary: 'List channels (never their tokens)',
        querystring: Type.Object(
          { ...PageQuery, cursor: Type.Optional(Uuid) },
          { additionalProperties: false },
        ),
        response: { 200: PageOf(ChannelBody), ...errorResponses },
      },
    },
    async (req) => {
      const limit = req.query.limit ?? 50;
      const { rows, total } = await channels.list({ limit: limit + 1, after: req.query.cursor });
      const page = rows.slice(0, limit);
      return {
        data: page.map(withStaffBot),
        nextCursor: rows.length > limit ? page.at(-1)!.id : null,
        total,
      };
    },
  );

  app.post(
    '/api/v1/channels',
    {
      config: { access: 'channels:write' },
      schema: {
        tags: ['channels'],
        summary:
          'Connect a Telegram bot (token checked with getMe) or a mailbox (SMTP and IMAP logins tried); secrets stored encrypted',
        description:
          'Telegram: token is required; mode defaults to webhook when PUBLIC_URL is https, else polling. A bad token is a 400 ' +
          'on /token; Telegram unreachable is a 503. The same bot cannot be connected twice (409). ' +
          'Email: settings is required (see settings); the SMTP login, and the IMAP login with inbound "imap", are tried ' +
          "before saving: a refusal or an unreachable server is a 400 on the field to fix with the server's words. " +
          'The same address cannot be connected twice (409).',
        body: Type.Object(
          {
            type: Type.Union([Type.Literal('telegram'), Type.Literal('email')]),
            name: Name,
            token: Type.Optional(Token),
            mode: Type.Optional(Mode),
            apiRoot: Type.Optional(Nullable(ApiRoot)),
            settings: Type.Optional(Settings),
            staffBot: Type.Optional(StaffBot),
          },
          { additionalProperties: false },
        ),
        response: { 201: ChannelBody, ...channelErrors },
      },
    },
    async (req, reply) =>
      reply.status(201).send(withStaffBot(await channels.create(actor(req), req.body as never))),
  );

  app.get(
    '/api/v1/channels/:id',
    {
      config: { access: 'channels:read' },
      schema: {
        tags: ['channels'],
        summary: 'Get a channel with its health',
        params: IdParams,
        response: { 200: ChannelBody, ...errorResponses },
      },
    },
    async (req) => withStaffBot(await channels.get(req.params.id)),
  );

  app.get(
    '/api/v1/channels/:id/health',
    {
      config: { access: 'channels:read' },
      schema: {
        tags: ['channels'],
        summary: 'Channel health: updates backlog, webhook or poller state, sending rate and 429 pause',
        description:
          'Asks Telegram for getWebhookInfo in webhook mode (5 s at most); when that fails the answer is still 200, with ' +
          'webhook null and webhookInfoError saying why.',
        params: IdParams,
        response: { 200: HealthBody, ...errorResponses },
      },
    },
    async (req) => presentChannelHealth(await services.channelHealth.get(req.params.id)),
  );

  app.patch(
    '/api/v1/channels/:id',
    {
      config: { access: 'channels:write' },
      schema: {
        tags: ['channels'],
        summary:
          'Change a channel: rename, pause/resume, switch mode, rotate the token (same bot only) or the mail passwords',
        params: IdParams,
        body: Type.Object(
          {
            name: Type.Optional(Name),
            token: Type.Optional(Token),
            mode: Type.Optional(Mode),
            apiRoot: Type.Optional(Nullable(ApiRoot)),
            status: Type.Optional(Status),
            settings: Type.Optional(Settings),
            staffBot: Type.Optional(StaffBot),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: ChannelBody, ...channelErrors },
      },
    },
    async (req) => withStaffBot(await channels.update(actor(req), req.params.id, req.body as never)),
  );

  app.delete(
    '/api/v1/channels/:id',
    {
      config: { access: 'channels:write' },
      schema: {
        tags: ['channels'],
        summary: 'Remove a channel; contacts stay, their identities through this bot go with it',
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (req, reply) => {
      await channels.delete(actor(req), req.params.id);
      return reply.status(204).send(null);
    },
  );
}
