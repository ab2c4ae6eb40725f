import { Type } from 'typebox';
import { presentPresence } from '../assignment.presenters.ts';
import { actor, principal } from '../auth.ts';
import { presentConversation } from '../conversation.presenters.ts';
import { errorResponses, IdParams, Uuid } from '../schemas.ts';
import type { Http, HttpDeps } from '../server.ts';

const Availability = Type.Union([Type.Literal('online'), Type.Literal('busy'), Type.Literal('offline')]);
const PresenceBody = Type.Object({
  userId: Type.String(),
  displayName: Type.Optional(Type.String()),
  availability: Type.String({
    description: 'what others see: offline without a live connection, else manualAvailability',
  }),
  online: Type.Boolean({ description: 'has at least one live realtime connection' }),
  manualAvailability: Type.String({ description: 'what the user chose' }),
});

/** Assigning conversations, and the availability and presence auto-assignment relies on. */
export async function assignmentRoutes(app: Http, { services }: HttpDeps) {
  app.post(
    '/api/v1/conversations/:id/assign',
    {
      config: { access: 'conversations:write' },
      schema: {
        tags: ['conversations'],
        summary: 'Assign, unassign, take (ifUnassigned) or assign to a team',
        description:
          'userId null unassigns; teamId null clears the team; an absent field stays as it is. With ifUnassigned: true ' +
          'the conversation is assigned only if nobody holds it, else 409 (two agents taking at once: one wins). ' +
          'Agents may assign conversations they can see, to themselves or to any agent of the channel (or of the team).',
        params: IdParams,
        body: Type.Object(
          {
            // Null first: with coerceTypes, AJV could turn null into a string in a string-first union.
            userId: Type.Optional(Type.Union([Type.Null(), Uuid])),
            teamId: Type.Optional(Type.Union([Type.Null(), Uuid])),
            ifUnassigned: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Any(), 409: Type.Ref('Error'), ...errorResponses },
      },
    },
    async (req) =>
      presentConversation(
        await services.assignment.assign(principal(req), actor(req), req.params.id, req.body),
      ),
  );

  app.put(
    '/api/v1/auth/me/availability',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['auth'],
        summary: 'Set my availability: online, busy or offline',
        description:
          'Others see offline while you have no live realtime connection, whatever you chose. Auto-assignment gives ' +
          'conversations only to agents who are online and connected. Users only (an API key gets 400).',
        body: Type.Object({ availability: Availability }, { additionalProperties: false }),
        response: { 200: PresenceBody, ...errorResponses },
      },
    },
    async (req) =>
      presentPresence(await services.presence.setAvailability(principal(req), req.body.availability)),
  );

  app.get(
    '/api/v1/users/presence',
    {
      config: { access: 'users:read' },
      schema: {
        tags: ['users'],
        summary: "Every active user's presence; changes arrive as presence.changed in the `presence` room",
        response: { 200: Type.Object({ data: Type.Array(PresenceBody) }), ...errorResponses },
      },
    },
    async () => ({ data: (await services.presence.list()).map(presentPresence) }),
  );
}
