import type { Attachment, Conversation, Message } from '../db/schema.ts';
import { presentConversation } from '../http/conversation.presenters.ts';
import { ConflictError, NotFoundError } from '../lib/errors.ts';
import type { Principal } from './auth.service.ts';
import { inTransaction, type ServiceContext } from './context.ts';
import { CONVERSATIONS_ROOM } from './conversation-recorder.ts';
import type { RepliesService } from './replies.service.ts';

/** What starting a conversation from our side takes (POST /api/v1/contacts/:id/messages). */
export interface ContactMessageInput {
  contactId: string;
  content?: string | null;
  channelId?: string;
  attachmentIds?: string[];
}

/**
 * Messages to a contact rather than into a conversation: picks the identity to reach them on (the given channel, or
 * the one they were most recently active on), opens or reuses that chat's conversation, and queues the reply.
 * Refused (409) when the contact cannot be reached: never wrote to the bot there (a bot cannot start a chat), or
 * blocked it.
 */
export class ContactMessagesService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly replies: Pick<RepliesService, 'queueAgentReply'>,
  ) {}

  send(
    who: Principal,
    input: ContactMessageInput,
  ): Promise<{ conversation: Conversation; created: boolean; message: Message; attachments: Attachment[] }> {
    return inTransaction(this.ctx, async (r) => {
      const contact = await r.contacts.get(input.contactId);
      if (!contact) throw new NotFoundError('Contact', input.contactId);
      if (input.channelId && !(await r.channels.get(input.channelId)))
        throw new NotFoundError('Channel', input.channelId);
      const identities = (await r.replies.identitiesOf(contact.id, input.channelId)).filter(
        (i) => i.channelType === 'telegram',
      );
      const where = input.channelId ? ' on this channel' : '';
      if (identities.length === 0)
        throw new ConflictError(
          `The contact cannot be reached${where}: they never started the bot, and a Telegram bot cannot write first`,
          [{ path: input.channelId ? '/channelId' : '/contactId', message: 'never started the bot' }],
        );
      const identity = identities.find((i) => i.reachable);
      if (!identity) {
        const reason = identities[0]!.lastError ?? 'blocked the bot';
        throw new ConflictError(`The contact cannot be reached${where}: ${reason}`, [
          { path: input.channelId ? '/channelId' : '/contactId', message: reason },
        ]);
      }
      let conversation = await r.conversations.findOpenForUpdate(identity.channelId, identity.externalId);
      const created = !conversation;
      if (!conversation) {
        conversation = await r.conversations.create({
          channelId: identity.channelId,
          contactId: contact.id,
          chatExternalId: identity.externalId,
          chatKind: 'private',
          title: null,
          lastActivityAt: this.ctx.clock.now(),
        });
        await r.realtime.publish(CONVERSATIONS_ROOM, 'conversation.created', {
          conversation: presentConversation(conversation),
        });
      }
      const sent = await this.replies.queueAgentReply(
        r,
        conversation,
        {
          conversationId: conversation.id,
          html: input.content ?? null,
          attachmentIds: input.attachmentIds,
          senderUserId: who.kind === 'user' ? who.id : null,
        },
        { answers: !created },
      );
      const current = (await r.conversations.get(conversation.id)) ?? conversation;
      return { conversation: current, created, ...sent };
    });
  }
}
