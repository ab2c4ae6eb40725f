import type { OutgoingButtons } from '../channels/channel.ts';
import { ChannelRejectedError } from '../channels/errors.ts';
import type { ChatAction } from '../channels/telegram/telegram.adapter.ts';
import { validateHtml, visibleText } from '../channels/telegram/telegram.html.ts';
import { CAPTION_LIMIT, TEXT_LIMIT } from '../channels/telegram/telegram.split.ts';
import type { Attachment, Conversation, Message } from '../db/schema.ts';
import { presentConversation, presentMessage } from '../http/conversation.presenters.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../lib/errors.ts';
import type { Repos } from '../repositories/index.ts';
import type { Principal } from './auth.service.ts';
import { inTransaction, type ServiceContext } from './context.ts';
import { CONVERSATIONS_ROOM } from './conversation-recorder.ts';
import { canSee } from './conversation-visibility.ts';
import { notifyMentions } from './mention-notifications.ts';
import type { TelegramAdapters } from './outbound.adapters.ts';
import type { OutboundService, ReplyInput } from './outbound.service.ts';

/** Telegram lets a bot delete its messages only within 48 hours of sending (Bot API, deleteMessage). */
export const DELETE_WINDOW_MS = 48 * 3600_000;
/** Most attachments on one reply or note (issue 4). */
export const MAX_ATTACHMENTS = 15;

/** What an agent posts into a conversation (POST /conversations/:id/messages). */
export interface PostInput {
  conversationId: string;
  content?: string | null;
  /** A private note: stored for the team, never sent, never changes waitingSince/firstReplyAt. */
  private?: boolean;
  attachmentIds?: string[];
  replyToMessageId?: string;
  buttons?: OutgoingButtons;
  silent?: boolean;
}

/** Remote sync state of an edit or delete, kept in content_attributes (`remoteEdit`, `remoteDelete`). */
type SyncState = { status: 'queued' | 'synced' | 'failed'; error?: string; at: string };

/**
 * The agent side of a conversation beyond plain sending: replies that mark the conversation answered, private notes
 * with @mentions, edits and deletes of sent messages replayed on the platform by jobs, and the typing indicator.
 * Sending itself stays in OutboundService (queueReply + `messages.send`).
 */
export class RepliesService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly outbound: OutboundService,
    private readonly adapters: TelegramAdapters,
  ) {}

  /** A reply (queued for sending) or a private note. */
  post(who: Principal, input: PostInput): Promise<{ message: Message; attachments: Attachment[] }> {
    return inTransaction(this.ctx, async (r) => {
      const conversation = await this.visibleConversation(r, who, input.conversationId);
      if (input.private) return this.createNote(r, who, conversation, input);
      return this.queueAgentReply(r, conversation, {
        conversationId: conversation.id,
        html: input.content ?? null,
        buttons: input.buttons,
        attachmentIds: input.attachmentIds,
        replyToMessageId: input.replyToMessageId,
        silent: input.silent,
        senderUserId: who.kind === 'user' ? who.id : null,
      });
    });
  }

  /**
   * Queues a reply written by a person or an integration (not the product's own bot messages): nobody waits any more,
   * and the first reply time is set once.
   */
  async queueAgentReply(
    r: Repos,
    conversation: Conversation,
    input: ReplyInput,
    opts: { answers?: boolean } = {},
  ): Promise<{ message: Message; attachments: Attachment[] }> {
    const sent = await this.outbound.queueReply(r, input);
    // A conversation we start has nobody to answer yet: its first reply is the first one after the customer writes.
    if (opts.answers === false) return sent;
    if (conversation.waitingSince !== null || conversation.firstReplyAt === null) {
      const answered = await r.replies.markAnswered(conversation.id, this.ctx.clock.now());
      await r.realtime.publish(CONVERSATIONS_ROOM, 'conversation.updated', {
        conversation: presentConversation(answered),
      });
    }
    return sent;
  }

  /** A private note: stored and shown to the team only; mentioned team members who can see it are notified. */
  private async createNote(
    r: Repos,
    who: Principal,
    conversation: Conversation,
    input: PostInput,
  ): Promise<{ message: Message; attachments: Attachment[] }> {
    const content = input.content?.trim() ? input.content : null;
    const ids = input.attachmentIds ?? [];
    if (!content && ids.length === 0)
      throw new ValidationError('A note needs content or attachments', [
        { path: '/content', message: 'is empty' },
      ]);
    if (input.buttons)
      throw new ValidationError('A note is never sent, so it cannot carry buttons', [
        { path: '/buttons', message: 'not allowed on a private note' },
      ]);
    await this.checkNoteAttachments(r, ids);
    if (input.replyToMessageId) {
      const target = await r.messages.get(input.replyToMessageId);
      if (target?.conversationId !== conversation.id)
        throw new ValidationError('no such message in this conversation', [
          { path: '/replyToMessageId', message: 'no such message in this conversation' },
        ]);
    }
    const note = await r.replies.insertNote({
      conversationId: conversation.id,
      senderUserId: who.kind === 'user' ? who.id : null,
      content,
      contentAttributes: ids.length ? { attachmentOrder: ids } : {},
      replyToId: input.replyToMessageId ?? null,
    });
    if ((await r.deliveries.linkAttachments(note.id, ids)) !== ids.length)
      throw new ConflictError('An attachment was taken by another message meanwhile; send again', [
        { path: '/attachmentIds', message: 'already belongs to a message' },
      ]);
    const mentioned = content ? await notifyMentions(r, who, conversation, note, content) : [];
    const message = mentioned.length
      ? await r.replies.mergeAttributes(note.id, { mentions: mentioned })
      : note;
    const attachments = await r.deliveries.attachmentsOf(note.id);
    await r.realtime.publish(CONVERSATIONS_ROOM, 'message.created', {
      conversationId: conversation.id,
      message: presentMessage(message, attachments),
    });
    return { message, attachments };
  }

  private async checkNoteAttachments(r: Repos, ids: string[]): Promise<void> {
    if (ids.length > MAX_ATTACHMENTS)
      throw new ValidationError(`At most ${MAX_ATTACHMENTS} attachments`, [
        { path: '/attachmentIds', message: `at most ${MAX_ATTACHMENTS}` },
      ]);
    if (new Set(ids).size !== ids.length)
      throw new ValidationError('an attachment is listed twice', [
        { path: '/attachmentIds', message: 'an attachment is listed twice' },
      ]);
    const found = await r.deliveries.attachmentsByIds(ids);
    ids.forEach((id, i) => {
      const a = found.find((f) => f.id === id);
      const path = `/attachmentIds/${i}`;
      const problem = !a
        ? 'no such attachment'
        : a.messageId !== null
          ? 'already belongs to a message'
          : a.storageStatus !== 'stored'
            ? `not uploaded yet (storage status ${a.storageStatus})`
            : null;
      if (problem) throw new ValidationError(problem, [{ path, message: problem }]);
    });
  }

  /**
   * Changes a message: a note locally; a sent outgoing message is changed here (previous version kept in its history)
   * and on Telegram by the `messages.edit` job (editMessageText, or the caption of a media message).
   */
  edit(
    who: Principal,
    conversationId: string,
    messageId: string,
    content: string,
  ): Promise<{ message: Message; attachments: Attachment[] }> {
    return inTransaction(this.ctx, async (r) => {
      const conversation = await this.visibleConversation(r, who, conversationId);
      const stored = await this.ownMessage(r, who, conversation, messageId, 'edit');
      if (!content.trim())
        throw new ValidationError('The new content is empty', [{ path: '/content', message: 'is empty' }]);
      const attachments = await r.deliveries.attachmentsOf(stored.id);
      const now = this.ctx.clock.now();
      let attrs = stored.contentAttributes;
      if (stored.messageType === 'outgoing') {
        await this.refuseSentEmail(r, conversation, 'edited');
        this.checkEditable(stored, content, attachments);
        attrs = { ...attrs, remoteEdit: { status: 'queued', at: now.toISOString() } satisfies SyncState };
      }
      const message = await r.messages.applyEdit(
        stored.id,
        { content, contentAttributes: attrs, editedAt: now },
        {
          content: stored.content,
          contentAttributes: stored.contentAttributes,
          editedAt: stored.editedAt ? stored.editedAt.toISOString() : null,
        },
      );
      if (stored.messageType === 'outgoing')
        await r.jobs.add('messages.edit', { messageId: stored.id }, syncJobOptions(conversation));
      await r.realtime.publish(CONVERSATIONS_ROOM, 'message.updated', {
        conversationId: conversation.id,
        message: presentMessage(message, attachments),
      });
      return { message, attachments };
    });
  }

  /**
   * Deletes a message: marked deleted (content kept for the audit, hidden in the API); a sent outgoing message is also
   * deleted on Telegram by the `messages.delete` job, which Telegram allows within 48 hours of sending.
   */
  delete(who: Principal, conversationId: string, messageId: string): Promise<Message> {
    return inTransaction(this.ctx, async (r) => {
      const conversation = await this.visibleConversation(r, who, conversationId);
      const stored = await this.ownMessage(r, who, conversation, messageId, 'delete');
      const now = this.ctx.clock.now();
      let remote: SyncState | null = null;
      if (stored.messageType === 'outgoing') {
        if (stored.deliveryStatus === 'queued' || stored.deliveryStatus === 'sending')
          throw new ConflictError('The message is still being sent; delete it once it is sent');
        if (stored.deliveryStatus === 'sent') {
          await this.refuseSentEmail(r, conversation, 'deleted');
          const sentAt = stored.sentAt ?? stored.createdAt;
          if (now.getTime() - sentAt.getTime() >= DELETE_WINDOW_MS)
            throw new ConflictError(
              'Telegram lets a bot delete its messages only within 48 hours of sending; this one is older',
            );
          remote = { status: 'queued', at: now.toISOString() };
        }
      }
      const message = await r.replies.markDeleted(stored.id, remote ? { remoteDelete: remote } : {});
      if (remote) await r.jobs.add('messages.delete', { messageId: stored.id }, syncJobOptions(conversation));
      await r.realtime.publish(CONVERSATIONS_ROOM, 'message.updated', {
        conversationId: conversation.id,
        message: presentMessage(message, []),
      });
      return message;
    });
  }

  /**
   * A mail in the customer's mailbox is theirs: nothing can change or take it back, so the inbox does not pretend to.
   * (One still queued leaves within moments, so editing it would race its own send.)
   */
  private async refuseSentEmail(
    r: Repos,
    conversation: Conversation,
    verb: 'edited' | 'deleted',
  ): Promise<void> {
    if ((await r.channels.get(conversation.channelId))?.type === 'email')
      throw new ConflictError(`A sent email cannot be ${verb}: it is already in the customer's mailbox`);
  }

  /** The `messages.edit` job: replays the message's current content on Telegram. */
  async syncEdit(messageId: string, opts: { lastAttempt?: boolean } = {}): Promise<void> {
    const target = await this.syncTarget(messageId);
    if (!target || target.message.deletedAt) return;
    const { message, chatExternalId, channel } = target;
    const attrs = message.contentAttributes as { buttons?: OutgoingButtons; externalIds?: string[] };
    await this.remote(message, 'remoteEdit', opts, async () => {
      await this.adapters.forChannel(channel, 'interactive').edit(
        { chatExternalId, externalId: message.sourceId! },
        {
          html: message.content ?? '',
          // Without reply_markup an edit removes the inline keyboard: keep the one the message was sent with.
          ...(attrs.buttons?.kind === 'inline' ? { buttons: attrs.buttons } : {}),
        },
      );
    });
  }

  /** The `messages.delete` job: deletes every part of the message on Telegram (a part already gone counts as deleted). */
  async syncDelete(messageId: string, opts: { lastAttempt?: boolean } = {}): Promise<void> {
    const target = await this.syncTarget(messageId);
    if (!target) return;
    const { message, chatExternalId, channel } = target;
    const ids = (message.contentAttributes as { externalIds?: string[] }).externalIds ?? [message.sourceId!];
    await this.remote(message, 'remoteDelete', opts, async () => {
      const adapter = this.adapters.forChannel(channel, 'interactive');
      for (const externalId of ids) await adapter.delete({ chatExternalId, externalId });
    });
  }

  /** Shows "typing…" on Telegram (while `on`) and tells the other agents (`conversation.typing`). */
  async typing(
    who: Principal,
    conversationId: string,
    on: boolean,
    action: ChatAction = 'typing',
  ): Promise<void> {
    await inTransaction(this.ctx, async (r) => {
      await this.visibleConversation(r, who, conversationId);
      await r.realtime.publish(CONVERSATIONS_ROOM, 'conversation.typing', {
        conversationId,
        userId: who.kind === 'user' ? who.id : null,
        on,
      });
    });
    // Telegram has no "stopped typing": its indicator fades after about five seconds by itself.
    if (on) await this.outbound.chatAction(conversationId, action);
  }

  /** The conversation, or 404 when it does not exist or the caller may not see it (as if it did not exist). */
  async visibleConversation(r: Repos, who: Principal, id: string): Promise<Conversation> {
    const conversation = await r.conversations.get(id);
    if (!conversation || !(await canSee(r, who, conversation))) throw new NotFoundError('Conversation', id);
    return conversation;
  }

  /**
   * A message the caller may change: outgoing messages and notes only; agents only their own (owners, admins and
   * integrations any, including the bot's own messages).
   */
  private async ownMessage(
    r: Repos,
    who: Principal,
    conversation: Conversation,
    messageId: string,
    verb: 'edit' | 'delete',
  ): Promise<Message> {
    const m = await r.replies.messageForUpdate(conversation.id, messageId);
    if (!m) throw new NotFoundError('Message', messageId);
    if (m.deletedAt) throw new ConflictError('The message is deleted');
    if (m.messageType !== 'outgoing' && m.messageType !== 'note')
      throw new ConflictError(
        `Only our own replies and notes can be changed; a ${m.messageType} message cannot`,
      );
    const privileged = who.kind === 'api_key' || who.role === 'owner' || who.role === 'admin';
    if (!privileged && m.senderUserId !== who.id)
      throw new ForbiddenError(`Agents can ${verb} only their own messages`);
    return m;
  }

  /** What Telegram accepts as an edit of this sent message (checked before it is stored). */
  private checkEditable(m: Message, content: string, attachments: Attachment[]): void {
    if (m.deliveryStatus !== 'sent' || !m.sourceId)
      throw new ConflictError(
        m.deliveryStatus === 'failed'
          ? 'The message was never delivered; send a new one instead'
          : 'The message is still being sent; edit it once it is sent',
      );
    const parts = (m.contentAttributes as { externalIds?: string[] }).externalIds ?? [m.sourceId];
    if (parts.length > 1)
      throw new ConflictError(
        `The message went out as ${parts.length} Telegram messages; only a single message can be edited`,
      );
    const valid = validateHtml(content);
    if (!valid.ok)
      throw new ValidationError(
        valid.tag ? `Unsupported or invalid HTML tag <${valid.tag}>: ${valid.message}` : valid.message,
        [{ path: '/content', message: valid.message }],
      );
    if (attachments.length > 0 && m.content === null)
      throw new ConflictError('The message has no text or caption to edit');
    const limit = attachments.length > 0 ? CAPTION_LIMIT : TEXT_LIMIT;
    const length = visibleText(content).length;
    if (length > limit)
      throw new ValidationError(`An edit cannot be split: at most ${limit} characters`, [
        { path: '/content', message: `${length} characters, over ${limit}` },
      ]);
  }

  private async syncTarget(messageId: string) {
    const { repos } = this.ctx;
    const message = await repos.messages.get(messageId);
    if (!message?.sourceId || message.messageType !== 'outgoing') return undefined;
    const conversation = await repos.conversations.get(message.conversationId);
    const channel = conversation ? await repos.channels.get(conversation.channelId) : undefined;
    if (!conversation || !channel) return undefined;
    return { message, chatExternalId: conversation.chatExternalId, channel };
  }

  /**
   * Runs one platform call and records its outcome in content_attributes[key]: synced, or failed with Telegram's reason
   * (a refusal, or still unavailable on the job's last attempt). Unavailable before that: the job retries.
   */
  private async remote(
    message: Message,
    key: 'remoteEdit' | 'remoteDelete',
    opts: { lastAttempt?: boolean },
    call: () => Promise<void>,
  ): Promise<void> {
    let state: SyncState;
    try {
      await call();
      state = { status: 'synced', at: this.ctx.clock.now().toISOString() };
    } catch (err) {
      const rejected = err instanceof ChannelRejectedError;
      if (!rejected && !opts.lastAttempt) throw err;
      const reason = rejected ? err.description : ((err as Error).message ?? String(err));
      state = { status: 'failed', error: reason, at: this.ctx.clock.now().toISOString() };
    }
    await inTransaction(this.ctx, async (r) => {
      const updated = await r.replies.mergeAttributes(message.id, { [key]: state });
      await r.realtime.publish(CONVERSATIONS_ROOM, 'message.updated', {
        conversationId: updated.conversationId,
        message: presentMessage(updated, await r.deliveries.attachmentsOf(updated.id)),
      });
    });
  }
}

/** Edits and deletes run in the conversation's send queue, so they follow the send of the message they change. */
function syncJobOptions(conversation: Conversation) {
  return { queueName: `conversation:${conversation.id}`, priority: 0, maxAttempts: 5 };
}
