import { Type } from 'typebox';
import { presentConversation, presentMessage } from '../conversation.presenters.ts';
import { errorResponses, IdParams, Nullable, PageOf, PageQuery, Uuid } from '../schemas.ts';
import type { Http, HttpDeps } from '../server.ts';

const ConversationBody = Type.Object({
  id: Type.String(),
  displayId: Type.Integer(),
  channelId: Type.String(),
  contactId: Nullable(Type.String()),
  chatKind: Type.String(),
  chatExternalId: Type.String(),
  title: Nullable(Type.String()),
  status: Type.String(),
  lastActivityAt: Type.String(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

const AttachmentBody = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  fileName: Nullable(Type.String()),
  mimeType: Nullable(Type.String()),
  size: Nullable(Type.Integer()),
  width: Nullable(Type.Integer()),
  height: Nullable(Type.Integer()),
  duration: Nullable(Type.Integer()),
  storageStatus: Type.String(),
  url: Type.String(),
});

const MessageBody = Type.Object({
  id: Type.String(),
  conversationId: Type.String(),
  messageType: Type.String(),
  senderType: Type.String(),
  senderContactId: Nullable(Type.String()),
  senderUserId: Nullable(Type.String()),
  sourceId: Nullable(Type.String()),
  content: Nullable(Type.String()),
  contentAttributes: Type.Record(Type.String(), Type.Unknown()),
  replyToId: Nullable(Type.String()),
  editedAt: Nullable(Type.String()),
  editHistory: Type.Array(Type.Record(Type.String(), Type.Unknown())),
  deliveryStatus: Nullable(Type.String()),
  deliveryError: Nullable(Type.String()),
  priority: Type.String(),
  throttled: Type.Boolean(),
  sentAt: Nullable(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  attachments: Type.Array(AttachmentBody),
});

/** Conversations and their messages, read-only (the inbox issue adds writes). */
export async function conversationRoutes(app: Http, { services }: HttpDeps) {
  const { conversations } = services;

  app.get(
    '/api/v1/conversations',
    {
      config: { access: 'conversations:read' },
      schema: {
        tags: ['conversations'],
        summary: 'List conversations, most recent activity first',
        querystring: Type.Object(
          {
            ...PageQuery,
            channelId: Type.Optional(Uuid),
            contactId: Type.Optional(Uuid),
            status: Type.Optional(
              Type.Union(['open', 'pending', 'snoozed', 'resolved'].map((s) => Type.Literal(s))),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: PageOf(ConversationBody), ...errorResponses },
      },
    },
    async (req) => {
      const q = req.query;
      const page = await conversations.list({
        filter: { channelId: q.channelId, contactId: q.contactId, status: q.status as never },
        limit: q.limit ?? 50,
        cursor: q.cursor,
      });
      return { ...page, data: page.data.map(presentConversation) };
    },
  );

  app.get(
    '/api/v1/conversations/:id',
    {
      config: { access: 'conversations:read' },
      schema: {
        tags: ['conversations'],
        summary: 'Get a conversation',
        params: IdParams,
        response: { 200: ConversationBody, ...errorResponses },
      },
    },
    async (req) => presentConversation(await conversations.get(req.params.id)),
  );

  app.get(
    '/api/v1/conversations/:id/messages',
    {
      config: { access: 'conversations:read' },
      schema: {
        tags: ['conversations'],
        summary: "A conversation's messages: latest page first, `nextCursor` pages back in time",
        description:
          'Within a page messages are oldest → newest. Each message carries its attachments; their bytes are at `url` once `storageStatus` is `stored`.',
        params: IdParams,
        querystring: Type.Object({ ...PageQuery }, { additionalProperties: false }),
        response: { 200: PageOf(MessageBody), ...errorResponses },
      },
    },
    async (req) => {
      const page = await conversations.messages(req.params.id, {
        limit: req.query.limit ?? 50,
        cursor: req.query.cursor,
      });
      return { data: page.data.map((m) => presentMessage(m, page.attachments)), nextCursor: page.nextCursor };
    },
  );
}
