import { Type } from 'typebox';
import { actor, principal } from '../auth.ts';
import { presentConversation, presentConversationItem, presentMessage } from '../conversation.presenters.ts';
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
  priority: Nullable(Type.String()),
  category: Type.String(),
  labels: Type.Array(Type.String()),
  assigneeId: Nullable(Type.String()),
  teamId: Nullable(Type.String()),
  snoozedUntil: Nullable(Type.String()),
  waitingSince: Nullable(Type.String()),
  firstReplyAt: Nullable(Type.String()),
  resolvedAt: Nullable(Type.String()),
  contactLastSeenAt: Nullable(Type.String()),
  customAttributes: Type.Record(Type.String(), Type.Unknown()),
  // The latest CSAT rating: {responseId, rating, comment, ratedAt} or null.
  csat: Nullable(Type.Record(Type.String(), Type.Unknown())),
  lastActivityAt: Type.String(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

/** A list item: the conversation plus the caller's read state. */
const ConversationItem = Type.Object({
  ...ConversationBody.properties,
  unreadCount: Type.Integer({ description: "incoming messages after the caller's last read mark" }),
  agentLastSeenAt: Nullable(Type.String()),
  contactName: Nullable(
    Type.String({ description: "the contact's name, first and last name, or @username; null for groups" }),
  ),
  lastMessage: Nullable(
    Type.Object(
      {
        id: Type.String(),
        messageType: Type.String(),
        content: Nullable(
          Type.String({ description: 'the first 300 characters; null when deleted or media only' }),
        ),
        attachments: Type.Integer(),
        deleted: Type.Boolean(),
        createdAt: Type.String(),
      },
      { description: 'the newest message that is not an activity line' },
    ),
  ),
});

const Status = Type.Union(['open', 'pending', 'snoozed', 'resolved'].map((s) => Type.Literal(s)));
const Priority = Type.Union(['low', 'medium', 'high', 'urgent'].map((s) => Type.Literal(s)));

const PatchBody = Type.Object(
  {
    status: Type.Optional(Status),
    snoozedUntil: Type.Optional(
      Nullable(Type.String({ format: 'date-time', description: 'alone it implies status "snoozed"' })),
    ),
    priority: Type.Optional(Nullable(Priority)),
    category: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
    labels: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
        maxItems: 50,
        description: 'the whole set; each must name an existing label',
      }),
    ),
    customAttributes: Type.Optional(
      Type.Record(Type.String({ maxLength: 100 }), Type.Unknown(), {
        maxProperties: 100,
        description: 'replaces the whole object',
      }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);

const Counts = Type.Object({
  mine: Type.Integer(),
  unassigned: Type.Integer(),
  all: Type.Integer(),
  byStatus: Type.Object({
    open: Type.Integer(),
    pending: Type.Integer(),
    snoozed: Type.Integer(),
    resolved: Type.Integer(),
  }),
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
  // Set when the message was deleted: content is then null, the row kept for the audit.
  deletedAt: Type.Optional(Nullable(Type.String())),
  deliveryStatus: Nullable(Type.String()),
  deliveryError: Nullable(Type.String()),
  priority: Type.String(),
  throttled: Type.Boolean(),
  sentAt: Nullable(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  attachments: Type.Array(AttachmentBody),
});

const MessagePage = Type.Object({
  data: Type.Array(MessageBody),
  nextCursor: Nullable(Type.String()),
  newerCursor: Nullable(
    Type.String({ description: 'pass with direction=newer to get what arrives after this page' }),
  ),
});

/**
 * The inbox's conversations: lists with filters, search and per-user unread counts, view totals, changes (status,
 * snooze, priority, category, labels, custom attributes), read marks, messages. Visibility per role applies to all:
 * a conversation the caller may not see answers 404.
 */
export async function conversationRoutes(app: Http, { services }: HttpDeps) {
  const { conversations } = services;

  app.get(
    '/api/v1/conversations',
    {
      config: { access: 'conversations:read' },
      schema: {
        tags: ['conversations'],
        summary:
          'List conversations you can see: last activity first, longest waiting first, or changed since',
        querystring: Type.Object(
          {
            ...PageQuery,
            channelId: Type.Optional(Uuid),
            contactId: Type.Optional(Uuid),
            status: Type.Optional(Status),
            assignee: Type.Optional(
              Type.String({
                pattern: '^(me|none|[0-9a-fA-F-]{36})$',
                description: '`me`, `none` or a user id',
              }),
            ),
            teamId: Type.Optional(Uuid),
            label: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
            priority: Type.Optional(Priority),
            category: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
            q: Type.Optional(
              Type.String({
                minLength: 1,
                maxLength: 200,
                description:
                  'words in messages (Russian and English stemming) or part of the contact name/username',
              }),
            ),
            sort: Type.Optional(
              Type.Union([Type.Literal('activity'), Type.Literal('waiting')], {
                description: 'activity (default): newest activity first; waiting: oldest waitingSince first',
              }),
            ),
            updatedSince: Type.Optional(
              Type.String({
                format: 'date-time',
                description:
                  'catch-up after a reconnect: conversations changed after this, oldest change first',
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: PageOf(ConversationItem), ...errorResponses },
      },
    },
    async (req) => {
      const q = req.query;
      const page = await conversations.list(principal(req), {
        filter: {
          channelId: q.channelId,
          contactId: q.contactId,
          status: q.status as never,
          assignee: q.assignee,
          teamId: q.teamId,
          label: q.label,
          priority: q.priority as never,
          category: q.category,
          q: q.q?.trim() || undefined,
          updatedSince: q.updatedSince ? new Date(q.updatedSince) : undefined,
        },
        sort: q.sort as 'activity' | 'waiting' | undefined,
        limit: q.limit ?? 50,
        cursor: q.cursor,
      });
      return { ...page, data: page.data.map(presentConversationItem) };
    },
  );

  app.get(
    '/api/v1/conversations/counts',
    {
      config: { access: 'conversations:read' },
      schema: {
        tags: ['conversations'],
        summary: 'Totals per inbox view for you: mine, unassigned, all (open and pending), and per status',
        response: { 200: Counts, ...errorResponses },
      },
    },
    async (req) => conversations.counts(principal(req)),
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
    async (req) => presentConversation(await conversations.getVisible(principal(req), req.params.id)),
  );

  app.patch(
    '/api/v1/conversations/:id',
    {
      config: { access: 'conversations:write' },
      schema: {
        tags: ['conversations'],
        summary: 'Change status, snooze, priority, category, labels or custom attributes',
        description:
          'Each change leaves an activity message and one `conversation.updated` event names the changed fields.',
        params: IdParams,
        body: PatchBody,
        response: { 200: ConversationBody, ...errorResponses, 409: Type.Ref('Error') },
      },
    },
    async (req) =>
      presentConversation(
        await conversations.update(principal(req), actor(req), req.params.id, req.body as never),
      ),
  );

  app.post(
    '/api/v1/conversations/:id/read',
    {
      // Your own read mark, not a change to the conversation: every role that reads conversations may set it.
      config: { access: 'conversations:read' },
      schema: {
        tags: ['conversations'],
        summary: 'Mark a conversation read by you (at most one stored mark per 15 s)',
        params: IdParams,
        response: {
          200: Type.Object({ conversationId: Type.String(), lastSeenAt: Nullable(Type.String()) }),
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const mark = await conversations.markRead(principal(req), req.params.id);
      return { conversationId: req.params.id, lastSeenAt: mark.lastSeenAt?.toISOString() ?? null };
    },
  );

  app.get(
    '/api/v1/conversations/:id/messages',
    {
      config: { access: 'conversations:read' },
      schema: {
        tags: ['conversations'],
        summary:
          "A conversation's messages: latest page first, `nextCursor` pages back; `direction=newer` pages forward",
        description:
          'Within a page messages are oldest → newest. Each message carries its attachments; their bytes are at `url` once `storageStatus` is `stored`.',
        params: IdParams,
        querystring: Type.Object(
          {
            ...PageQuery,
            direction: Type.Optional(Type.Union([Type.Literal('older'), Type.Literal('newer')])),
          },
          { additionalProperties: false },
        ),
        response: { 200: MessagePage, ...errorResponses },
      },
    },
    async (req) => {
      const page = await conversations.messages(principal(req), req.params.id, {
        limit: req.query.limit ?? 50,
        cursor: req.query.cursor,
        direction: req.query.direction,
      });
      return {
        data: page.data.map((m) => presentMessage(m, page.attachments)),
        nextCursor: page.nextCursor,
        newerCursor: page.newerCursor,
      };
    },
  );
}
