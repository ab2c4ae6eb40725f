import { Type } from 'typebox';
import type { CsatResponse } from '../../db/schema.ts';
import { inTransaction } from '../../services/context.ts';
import { principal } from '../auth.ts';
import { errorResponses, IdParams, Nullable } from '../schemas.ts';
import type { Http, HttpDeps } from '../server.ts';

const CsatBody = Type.Object({
  id: Type.String(),
  conversationId: Type.String(),
  contactId: Nullable(Type.String()),
  assigneeId: Nullable(Type.String()),
  messageId: Nullable(Type.String()),
  rating: Nullable(Type.Integer()),
  comment: Nullable(Type.String()),
  sentAt: Type.String(),
  ratedAt: Nullable(Type.String()),
});

const iso = (d: Date | null) => (d ? d.toISOString() : null);
function present(c: CsatResponse) {
  return {
    id: c.id,
    conversationId: c.conversationId,
    contactId: c.contactId,
    assigneeId: c.assigneeId,
    messageId: c.messageId,
    rating: c.rating,
    comment: c.comment,
    sentAt: c.sentAt.toISOString(),
    ratedAt: iso(c.ratedAt),
  };
}

/** CSAT surveys of a conversation: the manual "send survey" action and the list of ratings. */
export async function csatRoutes(app: Http, { services }: HttpDeps) {
  const { csat, replies } = services;

  app.post(
    '/api/v1/conversations/:id/csat',
    {
      config: { access: 'conversations:write' },
      schema: {
        tags: ['conversations'],
        summary: 'Send a CSAT survey now: a question with buttons 1 to 5 (private chats only, else 409)',
        params: IdParams,
        response: { 201: CsatBody, ...errorResponses, 409: Type.Ref('Error') },
      },
    },
    async (req, reply) => {
      const row = await inTransaction(services.ctx, async (r) =>
        csat.sendSurvey(r, await replies.visibleConversation(r, principal(req), req.params.id)),
      );
      return reply.status(201).send(present(row));
    },
  );

  app.get(
    '/api/v1/conversations/:id/csat',
    {
      config: { access: 'conversations:read' },
      schema: {
        tags: ['conversations'],
        summary: "The conversation's CSAT surveys and ratings, newest first",
        params: IdParams,
        response: { 200: Type.Object({ data: Type.Array(CsatBody) }), ...errorResponses },
      },
    },
    async (req) => {
      await replies.visibleConversation(services.ctx.repos, principal(req), req.params.id);
      return { data: (await csat.list(req.params.id)).map(present) };
    },
  );
}
