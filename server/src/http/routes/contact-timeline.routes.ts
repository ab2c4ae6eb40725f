import { Type } from 'typebox';
import { TIMELINE_KINDS } from '../../repositories/contact-timeline.repository.ts';
import { principal } from '../auth.ts';
import { errorResponses, IdParams, PageOf, PageQuery } from '../schemas.ts';
import type { Http, HttpDeps } from '../server.ts';

const Kind = Type.Union(TIMELINE_KINDS.map((k) => Type.Literal(k)));

const TimelineItem = Type.Object({
  kind: Kind,
  id: Type.String({
    description: "the item's id in its own resource (message, event, delivery, notification)",
  }),
  at: Type.String(),
  data: Type.Record(Type.String(), Type.Unknown(), {
    description:
      'message: conversationId, displayId, channelId, messageType, content (≤ 500 characters), attachments, deleted, deliveryStatus; ' +
      'event: name, properties; broadcast: broadcastId, title, status, reason; notification: typeKey, status, channel, reason, sentAt',
  }),
});

/** A contact's timeline: messages, events, broadcasts received and notifications merged, newest first. */
export async function contactTimelineRoutes(app: Http, { services }: HttpDeps) {
  app.get(
    '/api/v1/contacts/:id/timeline',
    {
      config: { access: 'contacts:read' },
      schema: {
        tags: ['contacts'],
        summary: "A contact's messages, events, broadcasts received and notifications, newest first",
        description:
          '`kind` may repeat to keep only some kinds. Messages are those of conversations the caller may see; activity lines are left out.',
        params: IdParams,
        querystring: Type.Object(
          { ...PageQuery, kind: Type.Optional(Type.Array(Kind, { maxItems: 4 })) },
          { additionalProperties: false },
        ),
        response: { 200: PageOf(TimelineItem), ...errorResponses },
      },
    },
    async (req) => {
      const page = await services.contactTimeline.page(principal(req), req.params.id, {
        kinds: req.query.kind,
        limit: req.query.limit ?? 50,
        cursor: req.query.cursor,
      });
      return {
        ...page,
        data: page.data.map((r) => ({
          kind: r.kind,
          id: r.id,
          at: new Date(r.at).toISOString(),
          data: r.data,
        })),
      };
    },
  );
}
