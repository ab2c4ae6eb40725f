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

// The same shape as engineer A's message presenter (http/conversation.presenters.ts), which this route reuses.
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

/** Replies into a conversation: queued at once, delivered by the `messages.send` job through the rate-limited adapter. */
export async function conversationMessageRoutes(app: Http, { services }: HttpDeps) {
  const { outbound } = services;

  app.post(
    '/api/v1/conversations/:id/messages',
    {
      config: { access: 'conversations:write' },
      schema: {
        tags: ['conversations'],
        summary:
          'Send a reply: queued (201), then delivered; watch deliveryStatus or the message.updated event',
        description:
          'content is Telegram HTML (b, i, u, s, a href, code, pre, blockquote, tg-spoiler, …); an unsupported tag is a 400 ' +
          'naming it. Long text is split into several messages, a caption over 1024 characters continues as text. ' +
          'attachmentIds are uploaded files, sent as one message or as albums (photos with videos, documents together).',
        params: IdParams,
        body: Type.Object(
          {
            content: Type.Optional(Nullable(Type.String({ maxLength: 100_000 }))),
            buttons: Type.Optional(Buttons),
            attachmentIds: Type.Optional(Type.Array(Uuid, { maxItems: 50 })),
            replyToMessageId: Type.Optional(Uuid),
            silent: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: { 201: MessageBody, ...errorResponses, 409: Type.Ref('Error') },
      },
    },
    async (req, reply) => {
      const who = principal(req);
      const body = req.body;
      const { message, attachments } = await outbound.reply({
        conversationId: req.params.id,
        html: body.content ?? null,
        buttons: body.buttons as never,
        attachmentIds: body.attachmentIds,
        replyToMessageId: body.replyToMessageId,
        silent: body.silent,
        senderUserId: who.kind === 'user' ? who.id : null,
      });
      return reply.status(201).send(presentMessage(message, attachments));
    },
  );

  app.post(
    '/api/v1/conversations/:id/typing',
    {
      config: { access: 'conversations:write' },
      schema: {
        tags: ['conversations'],
        summary: 'Show "typing…" (or another chat action) to the customer for about five seconds',
        params: IdParams,
        body: Type.Optional(
          Type.Object({ action: Type.Optional(ChatActionName) }, { additionalProperties: false }),
        ),
        response: { 204: Type.Null(), ...errorResponses, 409: Type.Ref('Error'), 503: Type.Ref('Error') },
      },
    },
    async (req, reply) => {
      await outbound.chatAction(req.params.id, (req.body?.action ?? 'typing') as never);
      return reply.status(204).send(null);
    },
  );
}
