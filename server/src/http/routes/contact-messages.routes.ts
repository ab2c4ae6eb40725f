import { Type } from 'typebox';
import { principal } from '../auth.ts';
import { presentConversation, presentMessage } from '../conversation.presenters.ts';
import { errorResponses, IdParams, Nullable, Uuid } from '../schemas.ts';
import type { Http, HttpDeps } from '../server.ts';

const Json = Type.Record(Type.String(), Type.Unknown());

/** Starting a conversation from our side: a direct message to a contact, for staff and integrations. */
export async function contactMessageRoutes(app: Http, { services }: HttpDeps) {
  const { contactMessages } = services;

  app.post(
    '/api/v1/contacts/:id/messages',
    {
      config: { access: 'conversations:write' },
      schema: {
        tags: ['conversations'],
        summary:
          'Message a contact: opens (or reuses) the conversation on a reachable channel and queues the reply',
        description:
          'channelId picks the channel; without it, the channel the contact was most recently active on. 409 with the ' +
          'reason when the contact cannot be reached there: never started the bot (a Telegram bot cannot write first) or ' +
          'blocked it. A conversation started this way is unassigned and not waiting; its firstReplyAt is the first ' +
          'reply after the customer answers.',
        params: IdParams,
        body: Type.Object(
          {
            content: Type.Optional(Nullable(Type.String({ maxLength: 150_000 }))),
            channelId: Type.Optional(Uuid),
            attachmentIds: Type.Optional(Type.Array(Uuid, { maxItems: 15 })),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({ conversation: Json, conversationCreated: Type.Boolean(), message: Json }),
          ...errorResponses,
          409: Type.Ref('Error'),
        },
      },
    },
    async (req, reply) => {
      const sent = await contactMessages.send(principal(req), {
        contactId: req.params.id,
        content: req.body.content ?? null,
        channelId: req.body.channelId,
        attachmentIds: req.body.attachmentIds,
      });
      return reply.status(201).send({
        conversation: presentConversation(sent.conversation),
        conversationCreated: sent.created,
        message: presentMessage(sent.message, sent.attachments),
      });
    },
  );
}
