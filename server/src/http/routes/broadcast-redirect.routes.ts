import { Type } from 'typebox';
import type { SentEditStatus } from '../../services/broadcast-sent-edits.ts';
import { actor } from '../auth.ts';
import { errorResponses, IdParams, PageOf, PageQuery, Uuid } from '../schemas.ts';
import type { Http, HttpDeps } from '../server.ts';

// Shown for any link we cannot follow; it names no broadcast and never redirects, so a bad token learns nothing.
const NOT_FOUND_PAGE = `<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Ссылка не найдена / Link not found</title>
<style>body{font:16px system-ui,sans-serif;max-width:420px;margin:3em auto;padding:0 1em}</style></head>
<body><h1>Ссылка не найдена</h1><p>Эта ссылка недействительна или устарела.</p>
<p><small>This link is not valid or no longer exists.</small></p></body></html>`;

const Count = Type.Object({ total: Type.Integer(), unique: Type.Integer() });

const ClickSummaryBody = Type.Object({
  total: Type.Integer(),
  unique: Type.Integer(),
  url: Count,
  callback: Count,
  urlTracking: Type.Boolean(),
  buttons: Type.Array(
    Type.Object({
      button: Type.Integer(),
      kind: Type.Union([Type.Literal('url'), Type.Literal('callback')]),
      text: Type.String(),
      total: Type.Integer(),
      unique: Type.Integer(),
    }),
  ),
});

const ContactClicksBody = Type.Object({
  contactId: Type.String(),
  total: Type.Integer(),
  buttons: Type.Array(Type.Integer()),
  firstClickedAt: Type.String(),
  lastClickedAt: Type.String(),
});

const SentEditBody = Type.Object({
  editVersion: Type.Integer(),
  deletedAt: Type.Union([Type.String(), Type.Null()]),
  sent: Type.Integer(),
  edited: Type.Integer(),
  editFailed: Type.Integer(),
  deleted: Type.Integer(),
  deleteFailed: Type.Integer(),
});

const presentSentEdit = (s: SentEditStatus) => ({ ...s, deletedAt: s.deletedAt?.toISOString() ?? null });

/**
 * GET /r/:token (tracked links of broadcast buttons), the click statistics of a broadcast, and corrections and deletions
 * of its sent messages.
 */
export async function broadcastRedirectRoutes(app: Http, { services }: HttpDeps) {
  const { broadcastClicks, broadcastSentEdits } = services;

  app.get(
    '/r/:token',
    {
      // The recipient opens this from Telegram, signed in nowhere: the signed token is the only credential.
      config: { access: 'public' },
      schema: {
        tags: ['broadcasts'],
        summary:
          'Follow a tracked broadcast link: counts the click, then 302 to the button URL (404 page for a bad link)',
        security: [],
        params: Type.Object({ token: Type.String() }),
      },
    },
    async (req, reply) => {
      const url = await broadcastClicks.openLink(req.params.token);
      // Every click must reach us to be counted, and the token must not leak to the destination.
      reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
      if (url === null)
        return reply.status(404).header('content-type', 'text/html; charset=utf-8').send(NOT_FOUND_PAGE);
      return reply.redirect(url, 302);
    },
  );

  app.get(
    '/api/v1/broadcasts/:id/clicks',
    {
      config: { access: 'broadcasts:read' },
      schema: {
        tags: ['broadcasts'],
        summary:
          'Clicks on URL buttons and taps on callback buttons: totals and distinct contacts, per button',
        params: IdParams,
        response: { 200: ClickSummaryBody, ...errorResponses },
      },
    },
    async (req) => broadcastClicks.summary(req.params.id),
  );

  app.get(
    '/api/v1/broadcasts/:id/clicks/contacts',
    {
      config: { access: 'broadcasts:read' },
      schema: {
        tags: ['broadcasts'],
        summary:
          'Who clicked: per contact, total clicks, the buttons clicked, first and last click (by contact id)',
        params: IdParams,
        querystring: Type.Object(
          { ...PageQuery, contactId: Type.Optional(Uuid) },
          { additionalProperties: false },
        ),
        response: { 200: PageOf(ContactClicksBody), ...errorResponses },
      },
    },
    async (req) => {
      const page = await broadcastClicks.contacts(req.params.id, req.query);
      return {
        ...page,
        data: page.data.map((c) => ({
          ...c,
          firstClickedAt: c.firstClickedAt.toISOString(),
          lastClickedAt: c.lastClickedAt.toISOString(),
        })),
      };
    },
  );

  app.post(
    '/api/v1/broadcasts/:id/sent-edit',
    {
      config: { access: 'broadcasts:write' },
      schema: {
        tags: ['broadcasts'],
        summary:
          'Correct the text of every sent message of a settled broadcast (editMessageText, as bulk traffic)',
        params: IdParams,
        body: Type.Object(
          { content: Type.String({ minLength: 1, maxLength: 20_000 }) },
          { additionalProperties: false },
        ),
        response: { 202: SentEditBody, ...errorResponses, 409: Type.Ref('Error') },
      },
    },
    async (req, reply) =>
      reply
        .status(202)
        .send(
          presentSentEdit(await broadcastSentEdits.requestEdit(actor(req), req.params.id, req.body.content)),
        ),
  );

  app.post(
    '/api/v1/broadcasts/:id/sent-delete',
    {
      config: { access: 'broadcasts:write' },
      schema: {
        tags: ['broadcasts'],
        summary:
          'Delete every sent message of a settled broadcast from the chats (deleteMessage, as bulk traffic)',
        params: IdParams,
        response: { 202: SentEditBody, ...errorResponses, 409: Type.Ref('Error') },
      },
    },
    async (req, reply) =>
      reply
        .status(202)
        .send(presentSentEdit(await broadcastSentEdits.requestDelete(actor(req), req.params.id))),
  );

  app.get(
    '/api/v1/broadcasts/:id/sent-edit',
    {
      config: { access: 'broadcasts:read' },
      schema: {
        tags: ['broadcasts'],
        summary: 'How far the latest correction and the deletion of the sent messages have got',
        params: IdParams,
        response: { 200: SentEditBody, ...errorResponses },
      },
    },
    async (req) => presentSentEdit(await broadcastSentEdits.status(req.params.id)),
  );
}
