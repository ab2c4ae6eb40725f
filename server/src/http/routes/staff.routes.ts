import { Type } from 'typebox';
import { ForbiddenError } from '../../lib/errors.ts';
import type { StaffLinkView } from '../../services/staff-bot.links.ts';
import { actor, principal } from '../auth.ts';
import { errorResponses, Nullable } from '../schemas.ts';
import type { Http, HttpDeps } from '../server.ts';

const Kind = Type.Union(
  ['waiting', 'broadcast_paused', 'channel_error', 'daily_report', 'automation'].map((k) => Type.Literal(k)),
);
const Bots = Type.Array(Type.Object({ channelId: Type.String(), username: Nullable(Type.String()) }));
const LinkBody = Type.Object({
  linked: Type.Boolean(),
  telegramUsername: Nullable(Type.String()),
  linkedAt: Nullable(Type.String()),
  mutedKinds: Type.Array(Type.String()),
  bots: Bots,
});

const present = (v: StaffLinkView) => ({ ...v, linkedAt: v.linkedAt ? v.linkedAt.toISOString() : null });

/** The signed-in user's staff-bot link: a one-time code to link Telegram, the link's state, muting alert kinds. */
export async function staffRoutes(app: Http, { services }: HttpDeps) {
  const links = services.staffBotLinks;
  /** A person links their own Telegram: API keys have no one to link. */
  const me = (req: Parameters<typeof principal>[0]) => {
    const p = principal(req);
    if (p.kind !== 'user') throw new ForbiddenError('Only a signed-in user can link a Telegram account');
    return p.id;
  };

  app.get(
    '/api/v1/me/staff-link',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['staff bot'],
        summary: 'Whether my Telegram is linked to a staff bot',
        response: { 200: LinkBody, ...errorResponses },
      },
    },
    async (req) => present(await links.view(me(req))),
  );

  app.post(
    '/api/v1/me/staff-link',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['staff bot'],
        summary: 'A one-time code (10 minutes) to send as `/link CODE` to a staff bot',
        description:
          'Asking again replaces the earlier code. `bots` lists the staff bots (none: mark a bot channel as staffBot).',
        response: {
          201: Type.Object({
            code: Type.String(),
            expiresAt: Type.String(),
            command: Type.String(),
            bots: Bots,
          }),
          ...errorResponses,
        },
      },
    },
    async (req, reply) => {
      const out = await links.createCode(actor(req), me(req));
      return reply.status(201).send({
        code: out.code,
        expiresAt: out.expiresAt.toISOString(),
        command: `/link ${out.code}`,
        bots: out.bots,
      });
    },
  );

  app.patch(
    '/api/v1/me/staff-link',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['staff bot'],
        summary: 'Choose which staff alerts I do not want',
        body: Type.Object({ mutedKinds: Type.Array(Kind, { maxItems: 5 }) }, { additionalProperties: false }),
        response: { 200: LinkBody, ...errorResponses },
      },
    },
    async (req) => present(await links.setMuted(me(req), req.body.mutedKinds as never)),
  );

  app.delete(
    '/api/v1/me/staff-link',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['staff bot'],
        summary: 'Unlink my Telegram account',
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (req, reply) => {
      await links.unlink(actor(req), me(req));
      return reply.status(204).send(null);
    },
  );
}
