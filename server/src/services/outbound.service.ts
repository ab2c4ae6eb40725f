import type { OutgoingButtons } from '../channels/channel.ts';
import { ChannelRejectedError } from '../channels/errors.ts';
import type { ChatAction } from '../channels/telegram/telegram.adapter.ts';
import type { Attachment, AttemptOutcome, Channel, Conversation, Message } from '../db/schema.ts';
import { presentMessage } from '../http/conversation.presenters.ts';
import { ConflictError, NotFoundError, ValidationError } from '../lib/errors.ts';
import type { Repos } from '../repositories/index.ts';
import { inTransaction, type ServiceContext } from './context.ts';
import type { EmailSenders } from './email-senders.ts';
import type { TelegramAdapters } from './outbound.adapters.ts';
import { checkEmailReply, emailReplyOf } from './outbound.email.ts';
import {
  interruptedReason,
  judgeFailure,
  needsRetryCount,
  RETRYABLE_OUTCOMES,
  unreachableReason,
} from './outbound.failure.ts';
import { checkReply, ordered, outgoingOf, type ReplyInput } from './outbound.message.ts';
import { DEFAULT_RETRY, type RetryPolicy } from './outbound.retry.ts';

export type { ReplyInput } from './outbound.message.ts';

/** A paused channel's queued messages look again this often (resuming does not need to find them). */
const PAUSED_RECHECK_MS = 15_000;
/** Realtime room of conversations. */
const ROOM = 'conversations';

/** Progress of a send as stored in content_attributes.delivery (see DeliveriesRepository). */
interface DeliveryState {
  parts: string[][];
  inFlight: number | null;
  total: number | null;
}

/**
 * The one way out: features queue replies here (in their own transaction), and the `messages.send` job delivers them
 * through the channel's adapter, recording every attempt. See docs/architecture.md, "Sending".
 */
export class OutboundService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly adapters: TelegramAdapters,
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
    /** Mail for email channels' conversations; null: only Telegram conversations can be answered. */
    private readonly email: EmailSenders | null = null,
  ) {}

  /** Validates and queues a reply inside the caller's transaction; the send job is queued with it. */
  async queueReply(r: Repos, input: ReplyInput): Promise<{ message: Message; attachments: Attachment[] }> {
    const conversation = await r.deliveries.getConversation(input.conversationId);
    if (!conversation) throw new NotFoundError('Conversation', input.conversationId);
    const channel = await r.channels.get(conversation.channelId);
    if (!channel) throw new NotFoundError('Channel', conversation.channelId);
    const isEmail = channel.type === 'email' && this.email !== null;
    if (channel.type !== 'telegram' && !isEmail)
      throw new ValidationError(`Sending through ${channel.type} channels is not supported yet`);
    const { html, attachments } = isEmail
      ? await checkEmailReply(r, conversation, input)
      : await checkReply(r, conversation, input);
    const ids = attachments.map((a) => a.id);

    const message = await r.deliveries.createOutgoing({
      conversationId: conversation.id,
      senderType: input.senderUserId ? 'user' : 'bot',
      senderUserId: input.senderUserId ?? null,
      content: html,
      contentAttributes: {
        ...(input.buttons ? { buttons: input.buttons } : {}),
        ...(input.silent ? { silent: true } : {}),
        ...(ids.length ? { attachmentOrder: ids } : {}),
      },
      replyToId: input.replyToMessageId ?? null,
      priority: input.priority ?? 'interactive',
    });
    if ((await r.deliveries.linkAttachments(message.id, ids)) !== ids.length)
      throw new ConflictError('An attachment was taken by another message meanwhile; send again', [
        { path: '/attachmentIds', message: 'already belongs to a message' },
      ]);
    const linked = await r.deliveries.attachmentsOf(message.id);
    await r.jobs.add('messages.send', { messageId: message.id }, sendJobOptions(conversation, message, 0));
    await r.realtime.publish(ROOM, 'message.created', {
      conversationId: conversation.id,
      message: presentMessage(message, linked),
    });
    return { message, attachments: linked };
  }

  /** `queueReply` in its own transaction, for the API. */
  reply(input: ReplyInput): Promise<{ message: Message; attachments: Attachment[] }> {
    return inTransaction(this.ctx, (r) => this.queueReply(r, input));
  }

  /** The `messages.send` job: delivers one queued message and records the outcome (see "Sending" in the docs). */
  async send(messageId: string, opts: { lastAttempt?: boolean } = {}): Promise<void> {
    const { repos } = this.ctx;
    const found = await repos.deliveries.getForSend(messageId);
    if (found?.message.messageType !== 'outgoing') return;
    const { message, conversation } = found;
    if (message.deliveryStatus !== 'queued' && message.deliveryStatus !== 'sending') return;
    // Held by the bulk sender (services/bulk-sender.ts): it alone sends and records this message.
    if (message.heldUntil !== null) return;
    const state = deliveryState(message);
    const startedAt = new Date();
    if (message.deliveryStatus === 'sending' && state.inFlight !== null) {
      // A run died with a request possibly on its way: sending it again could show the customer a duplicate.
      const part = state.total && state.total > 1 ? ` part ${state.inFlight + 1} of ${state.total}` : '';
      return this.fail(message, 'unavailable', null, interruptedReason(part), startedAt);
    }
    const channel = await repos.channels.get(conversation.channelId);
    if (!channel) {
      this.adapters.forget(conversation.channelId);
      this.email?.forget(conversation.channelId);
      return this.fail(message, 'rejected', null, 'the channel was deleted', startedAt);
    }
    if (channel.status === 'paused') {
      await repos.jobs.add(
        'messages.send',
        { messageId },
        sendJobOptions(conversation, message, PAUSED_RECHECK_MS),
      );
      return;
    }
    if (conversation.chatKind === 'private') {
      const identity = await repos.deliveries.identityOfChat(channel.id, conversation.chatExternalId);
      if (identity && !identity.reachable)
        return this.fail(
          message,
          'unreachable',
          null,
          unreachableReason(identity.lastError),
          startedAt,
          channel,
        );
    }
    const attachments = await repos.deliveries.attachmentsOf(message.id);
    if (channel.type === 'email')
      return this.sendEmail(message, conversation, channel, ordered(attachments, message), startedAt, opts);
    const replyTo = message.replyToId
      ? ((await repos.deliveries.sourceIdOf(conversation.id, message.replyToId)) ?? undefined)
      : undefined;
    const attrs = message.contentAttributes as { buttons?: OutgoingButtons; silent?: boolean };
    const outgoing = outgoingOf(
      conversation,
      message.content,
      { buttons: attrs.buttons, silent: attrs.silent },
      ordered(attachments, message),
      replyTo ?? undefined,
    );
    const parts = [...state.parts];
    let attemptStart = startedAt;
    try {
      await this.adapters.forChannel(channel, message.priority).send(outgoing, {
        delivered: state.parts,
        beforePart: async (i, total) => {
          if (!(await repos.deliveries.markInFlight(message.id, i, total))) throw new HeldElsewhere();
        },
        afterPart: async (i, ids, total) => {
          parts.push(ids);
          // The last part's ids are written with the outcome below, in one transaction.
          if (i < total - 1) await repos.deliveries.recordPart(message.id, i, ids);
        },
        onRateLimited: async ({ description }) => {
          await repos.deliveries.addAttempt({
            messageId: message.id,
            outcome: 'rate_limited',
            errorCode: 429,
            description,
            startedAt: attemptStart,
          });
          this.ctx.sendMetrics?.attempt(channel.type, 'rate_limited');
          attemptStart = new Date();
        },
      });
    } catch (err) {
      if (err instanceof HeldElsewhere) return;
      return this.onFailure(message, conversation, channel, err, attemptStart, opts);
    }
    await inTransaction(this.ctx, async (r) => {
      const sent = await r.deliveries.markSent(message.id, parts);
      await r.deliveries.addAttempt({ messageId: message.id, outcome: 'sent', startedAt: attemptStart });
      await this.publishUpdated(r, sent);
    });
    this.ctx.sendMetrics?.attempt(channel.type, 'sent');
  }

  /**
   * An email conversation's reply: one mail through the channel's SMTP server (EmailSenders.sendAndRecordBounces, which
   * also keeps the address's bounce record). Marked in flight first like a Telegram part: a run that dies during the SMTP
   * exchange leaves it `sending`, and the next run fails it as interrupted instead of mailing it twice.
   */
  private async sendEmail(
    message: Message,
    conversation: Conversation,
    channel: Channel,
    attachments: Attachment[],
    startedAt: Date,
    opts: { lastAttempt?: boolean },
  ): Promise<void> {
    const { repos } = this.ctx;
    if (!this.email)
      return this.fail(message, 'rejected', null, 'email sending is not set up', startedAt, channel);
    const lastIncoming = await repos.deliveries.lastIncomingEmail(conversation.id);
    const mail = emailReplyOf(this.ctx.secretBox, channel, conversation, message, lastIncoming, attachments);
    // Retries of a 4xx end in a soft bounce for the address; the run that will not be retried says so.
    const prior = await repos.deliveries.countAttempts(message.id, RETRYABLE_OUTCOMES);
    if (!(await repos.deliveries.markInFlight(message.id, 0, 1))) return;
    let messageId: string;
    try {
      const sender = this.email.forChannel(channel);
      ({ messageId } = await this.email.sendAndRecordBounces(sender, mail, {
        lastAttempt: prior + 1 >= this.retry.maxAttempts,
      }));
    } catch (err) {
      return this.onFailure(message, conversation, channel, err, startedAt, opts);
    }
    await inTransaction(this.ctx, async (r) => {
      const sent = await r.deliveries.markSent(message.id, [[messageId]]);
      await r.deliveries.addAttempt({ messageId: message.id, outcome: 'sent', startedAt });
      await this.publishUpdated(r, sent);
    });
    this.ctx.sendMetrics?.attempt(channel.type, 'sent');
  }

  /** Shows "typing…" (or another chat action) in a conversation's chat. */
  async chatAction(conversationId: string, action: ChatAction = 'typing'): Promise<void> {
    const conversation = await this.ctx.repos.deliveries.getConversation(conversationId);
    if (!conversation) throw new NotFoundError('Conversation', conversationId);
    const channel = await this.ctx.repos.channels.get(conversation.channelId);
    if (!channel) throw new NotFoundError('Channel', conversation.channelId);
    if (channel.status === 'paused') throw new ConflictError('The channel is paused');
    // Mail has no "typing…": nothing to show, and nothing wrong in asking.
    if (channel.type === 'email') return;
    try {
      await this.adapters.forChannel(channel, 'interactive').chatAction(conversation.chatExternalId, action);
    } catch (err) {
      if (err instanceof ChannelRejectedError)
        throw new ConflictError(`Telegram refused the chat action: ${err.description}`);
      throw err;
    }
  }

  /** Classifies a failed send (judgeFailure): unreachable recipient, other refusal, or retry later with backoff. */
  private async onFailure(
    message: Message,
    conversation: Conversation,
    channel: Channel,
    err: unknown,
    startedAt: Date,
    opts: { lastAttempt?: boolean },
  ): Promise<void> {
    const prior = needsRetryCount(err)
      ? await this.ctx.repos.deliveries.countAttempts(message.id, RETRYABLE_OUTCOMES)
      : 0;
    const verdict = judgeFailure(err, prior, this.retry);
    if (verdict.action === 'fail') {
      const { outcome, errorCode, description } = verdict;
      if (!verdict.unreachable)
        return this.fail(message, outcome, errorCode, description, startedAt, channel);
      await inTransaction(this.ctx, async (r) => {
        if (conversation.chatKind === 'private') {
          const identity = await r.deliveries.identityOfChat(channel.id, conversation.chatExternalId);
          if (identity) await r.identities.setReachable(identity.id, false, description);
        }
        await this.failIn(r, message, outcome, errorCode, description, startedAt);
      });
      this.ctx.sendMetrics?.attempt(channel.type, outcome);
      return;
    }
    if (verdict.action === 'retry') {
      await inTransaction(this.ctx, async (r) => {
        await r.deliveries.addAttempt({
          messageId: message.id,
          outcome: verdict.outcome,
          errorCode: verdict.errorCode,
          description: verdict.description,
          startedAt,
        });
        const queued = await r.deliveries.requeue(message.id, verdict.reason);
        await r.jobs.add(
          'messages.send',
          { messageId: message.id },
          sendJobOptions(conversation, message, verdict.delayMs),
        );
        await this.publishUpdated(r, queued);
      });
      this.ctx.sendMetrics?.attempt(channel.type, verdict.outcome);
      return;
    }
    // Our own failure (database, bug): the job retries it; on its last run the message must not stay queued forever.
    if (opts.lastAttempt)
      await this.fail(
        message,
        'unavailable',
        null,
        `internal error: ${(err as Error).message ?? err}`,
        startedAt,
      );
    throw err;
  }

  private async fail(
    message: Message,
    outcome: AttemptOutcome,
    errorCode: number | null,
    description: string,
    startedAt: Date,
    channel?: Channel,
  ): Promise<void> {
    await inTransaction(this.ctx, (r) => this.failIn(r, message, outcome, errorCode, description, startedAt));
    if (channel) this.ctx.sendMetrics?.attempt(channel.type, outcome);
  }

  private async failIn(
    r: Repos,
    message: Message,
    outcome: AttemptOutcome,
    errorCode: number | null,
    description: string,
    startedAt: Date,
  ): Promise<void> {
    await r.deliveries.addAttempt({ messageId: message.id, outcome, errorCode, description, startedAt });
    await this.publishUpdated(r, await r.deliveries.markFailed(message.id, description));
  }

  private async publishUpdated(r: Repos, message: Message): Promise<void> {
    await r.realtime.publish(ROOM, 'message.updated', {
      conversationId: message.conversationId,
      message: presentMessage(message, await r.deliveries.attachmentsOf(message.id)),
    });
  }
}

/** The bulk sender claimed the message between this run's read and its first write: nothing was sent, nothing to do. */
class HeldElsewhere extends Error {}

function deliveryState(message: Message): DeliveryState {
  const d = (message.contentAttributes as { delivery?: Partial<DeliveryState> }).delivery ?? {};
  return { parts: d.parts ?? [], inFlight: d.inFlight ?? null, total: d.total ?? null };
}

/**
 * The send job's options: one queue per conversation, so its replies leave one at a time in the order they were written
 * (a message waiting for a retry does not hold back later ones); interactive before bulk; a few runs for our own errors.
 */
function sendJobOptions(conversation: Conversation, message: Message, delayMs: number) {
  return {
    queueName: `conversation:${conversation.id}`,
    priority: message.priority === 'interactive' ? 0 : 10,
    maxAttempts: 5,
    runAt: new Date(Date.now() + delayMs),
  };
}
