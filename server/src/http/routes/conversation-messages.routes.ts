import { Type } from 'typebox';
import { principal } from '../auth.ts';
import { presentMessage } from '../conversation.presenters.ts';
import { errorResponses, IdParams, Nullable, Uuid } from '../schemas.ts';
import type { Http, HttpDeps } from '../server.ts';

const ButtonText = Type.String({ minLength: 1, maxLength: 200 });
const InlineButton = Type.Union([
  Type.Object(
    { kind: Type.Literal('url'), text: ButtonText, url: Type.String({ minLength: 1, maxLength: 2000 }) },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal('callback'),
      text: ButtonText,
      data: Type.String({ minLength: 1, maxLength: 64, description: 'at most 64 bytes in UTF-8' }),
    },
    { additionalProperties: false },
  ),
]);
const ReplyButton = Type.Object(
  {
    text: ButtonText,
    requestContact: Type.Optional(Type.Boolean()),
    requestLocation: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const Rows = <T extends Parameters<typeof Type.Array>[0]>(button: T) =>
  Type.Array(Type.Array(button, { maxItems: 8 }), { minItems: 1, maxItems: 100 });
const Buttons = Type.Union([
  Type.Object({ kind: Type.Literal('inline'), rows: Rows(InlineButton) }, { additionalProperties: false }),
  Type.Object(
    {
      kind: Type.Literal('reply'),
      rows: Rows(ReplyButton),
      oneTime: Type.Optional(Type.Boolean()),
      resize: Type.Optional(Type.Boolean()),
      placeholder: Type.Optional(Type.String({ maxLength: 64 })),
    },
    { additionalProperties: false },
  ),
  Type.Object({ kind: Type.Literal('remove') }, { additionalProperties: false }),
]);

// The same shape as the message presenter (http/conversation.presenters.ts), which this route reuses.
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
  editHistory: Type.Array(Type.Unknown()),
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

const ChatActionName = Type.Union(
  [
    'typing',
    'upload_photo',
    'upload_video',
    'upload_voice',
    'upload_document',
    'record_video',
    'record_voice',
    'choose_sticker',
    'find_location',
  ].map((a) => Type.Literal(a)),
);

const MessageParams = Type.Object({ id: Uuid, messageId: Uuid });
/** Issue 4's limits: 150,000 characters of content (Telegram gets it split), 15 attachments. */
const MAX_CONTENT = 150_000;
const AttachmentIds = Type.Array(Uuid, { maxItems: 15 });

/**
 * Replies and notes into a conversation: replies are queued at once and delivered by the `messages.send` job through the
 * rate-limited adapter; notes stay with the team. Edits and deletes of sent messages are replayed on Telegram by jobs.
 */
export async function conversationMessageRoutes(app: Http, { services }: HttpDeps) {
  const { replies } = services;

  app.post(
    '/api/v1/conversations/:id/messages',
    {
      config: { access: 'conversations:write' },
      schema: {
        tags: ['conversations'],
        summary:
          'Send a reply (queued: 201, then delivered; watch deliveryStatus or message.updated) or write a private note',
        description:
          'content is Telegram HTML (b, i, u, s, a href, code, pre, blockquote, tg-spoiler, …); an unsupported tag is a 400 ' +
          'naming it; at most 150,000 characters: long text is split into several Telegram messages, a caption over 1024 ' +
          'characters continues as text. attachmentIds (alias attachments, at most 15) are uploaded files, sent as one ' +
          'message or as albums. private: true stores a note for the team (message_type note): never sent, it does not ' +
          'answer the customer; @[Name](userId) or @email-local-part in a note notifies that team member. A reply (not a ' +
          'note) clears waitingSince and sets firstReplyAt once.',
        params: IdParams,
        body: Type.Object(
          {
            content: Type.Optional(Nullable(Type.String({ maxLength: MAX_CONTENT }))),
            private: Type.Optional(Type.Boolean()),
            buttons: Type.Optional(Buttons),
            attachmentIds: Type.Optional(AttachmentIds),
            attachments: Type.Optional(AttachmentIds),
            replyToMessageId: Type.Optional(Uuid),
            replyToId: Type.Optional(Uuid),
            silent: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: { 201: MessageBody, ...errorResponses, 409: Type.Ref('Error') },
      },
    },
    async (req, reply) => {
      const body = req.body;
      const { message, attachments } = await replies.post(principal(req), {
        conversationId: req.params.id,
        content: body.content ?? null,
        private: body.private === true,
        buttons: body.buttons as never,
        attachmentIds: body.attachmentIds ?? body.attachments,
        replyToMessageId: body.replyToMessageId ?? body.replyToId,
        silent: body.silent,
      });
      return reply.status(201).send(presentMessage(message, attachments));
    },
  );

  app.patch(
    '/api/v1/conversations/:id/messages/:messageId',
    {
      config: { access: 'conversations:write' },
      schema: {
        tags: ['conversations'],
        summary: 'Edit a sent reply (replayed on Telegram with editMessageText) or a note',
        description:
          'Agents edit their own messages; owners, admins and API keys any. The previous version is kept in editHistory. ' +
          'Only a reply sent as one Telegram message can be edited (4096 characters, 1024 for a caption); ' +
          'contentAttributes.remoteEdit tells whether Telegram took it (queued, synced, failed with the reason).',
        params: MessageParams,
        body: Type.Object(
          { content: Type.String({ minLength: 1, maxLength: MAX_CONTENT }) },
          { additionalProperties: false },
        ),
        response: { 200: MessageBody, ...errorResponses, 409: Type.Ref('Error') },
      },
    },
    async (req) => {
      const { message, attachments } = await replies.edit(
        principal(req),
        req.params.id,
        req.params.messageId,
        req.body.content,
      );
      return presentMessage(message, attachments);
    },
  );

  app.delete(
    '/api/v1/conversations/:id/messages/:messageId',
    {
      config: { access: 'conversations:write' },
      schema: {
        tags: ['conversations'],
        summary: 'Delete a sent reply (also on Telegram, within 48 hours of sending) or a note',
        description:
          'The message is marked deleted (deletedAt): its content is kept for the audit but no longer shown. A sent reply ' +
          'is deleted on Telegram by a job (contentAttributes.remoteDelete); Telegram allows bots this only within 48 hours ' +
          'of sending, so older ones are refused with 409. Queued replies cannot be deleted until sent.',
        params: MessageParams,
        response: { 200: MessageBody, ...errorResponses, 409: Type.Ref('Error') },
      },
    },
    async (req) =>
      presentMessage(await replies.delete(principal(req), req.params.id, req.params.messageId), []),
  );

  app.post(
    '/api/v1/conversations/:id/typing',
    {
      config: { access: 'conversations:write' },
      schema: {
        tags: ['conversations'],
        summary:
          'Agent typing: "typing…" to the customer (about five seconds) and conversation.typing to other agents',
        description:
          'Call it every few seconds while the agent types (on: true, the default), and once with on: false when they stop: ' +
          'other agents get conversation.typing {conversationId, userId, on}. Telegram has no "stopped typing"; its ' +
          "indicator fades by itself. The customer's typing is not available in the Bot API.",
        params: IdParams,
        body: Type.Optional(
          Type.Object(
            { action: Type.Optional(ChatActionName), on: Type.Optional(Type.Boolean()) },
            { additionalProperties: false },
          ),
        ),
        response: { 204: Type.Null(), ...errorResponses, 409: Type.Ref('Error'), 503: Type.Ref('Error') },
      },
    },
    async (req, reply) => {
      await replies.typing(
        principal(req),
        req.params.id,
        req.body?.on ?? true,
        (req.body?.action ?? 'typing') as never,
      );
      return reply.status(204).send(null);
    },
  );
}
