import { escapeHtml } from '../channels/telegram/telegram.html.ts';
import type { Conversation, CsatResponse } from '../db/schema.ts';
import { presentConversation } from '../http/conversation.presenters.ts';
import { ConflictError } from '../lib/errors.ts';
import type { Repos } from '../repositories/index.ts';
import type { CallbackAnswer, CallbackHandler } from './callback-router.ts';
import { inTransaction, type ServiceContext } from './context.ts';
import type { IncomingMessageHook } from './conversation-hooks.ts';
import { CONVERSATIONS_ROOM } from './conversation-recorder.ts';
import { CSAT_BUILT_IN_TEXTS, csatText, csatThanksMessage, csatThanksToast } from './csat.texts.ts';
import { inboxSettingsOf } from './inbox-settings.ts';
import type { OutboundService } from './outbound.service.ts';
import { replyLanguage } from './reply-language.ts';

/** Callback data prefix of the survey's buttons: `csat:<responseId>:<1-5>`. */
export const CSAT_PREFIX = 'csat:';
/** After a rating, the customer's next message within this time is taken as the comment. */
export const COMMENT_WINDOW_MS = 3600_000;
/** Longest comment kept. */
const MAX_COMMENT = 2000;

const DATA = /^csat:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}):([1-5])$/;

/** The CSAT summary kept on the conversation (conversations.csat, migration 0013). */
function summaryOf(row: CsatResponse) {
  return {
    responseId: row.id,
    rating: row.rating,
    comment: row.comment,
    ratedAt: row.ratedAt ? row.ratedAt.toISOString() : null,
  };
}

/**
 * Customer satisfaction: a survey with inline buttons 1–5 sent when a conversation is resolved (inbox settings
 * `csat.enabled`) or on demand; a tap rates (later taps within `csat.windowHours` of sending change it), the customer's
 * next message within an hour becomes the comment. The question, the thanks and the comment prompt are the channel's own
 * when set (inbox settings `csat.question|thanks|commentPrompt`, per language), else the built-in ones (csat.texts.ts).
 * csat_responses keeps every survey (reports read it); the latest rating is also kept on the conversation.
 */
export class CsatService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly outbound: OutboundService,
  ) {}

  /**
   * The `csat.send` job, queued by the resolve path (ConversationsService) when the channel has CSAT on: sends the
   * survey if the conversation is still resolved. Private chats only: a group has no one customer to rate.
   */
  sendOnResolve(conversationId: string): Promise<void> {
    return inTransaction(this.ctx, async (r) => {
      const conversation = await r.conversations.get(conversationId);
      if (conversation?.status !== 'resolved' || conversation.chatKind !== 'private') return;
      // The survey is buttons under a message: channels without buttons (email) get none.
      if ((await r.channels.get(conversation.channelId))?.type !== 'telegram') return;
      await this.sendSurvey(r, conversation);
    });
  }

  /** The manual "send survey" action (POST /conversations/:id/csat); any status, CSAT setting or not. */
  async sendSurvey(r: Repos, conversation: Conversation): Promise<CsatResponse> {
    if (conversation.chatKind !== 'private' || !conversation.contactId)
      throw new ConflictError('A survey goes to one customer: group conversations cannot be rated');
    const channel = await r.channels.get(conversation.channelId);
    if (channel?.type !== 'telegram')
      throw new ConflictError(
        `A survey is a row of rating buttons, which ${channel?.type ?? 'this'} conversations cannot show; it goes through Telegram bots only`,
      );
    const contact = await r.contacts.get(conversation.contactId);
    const lang = await replyLanguage(r, contact?.language);
    const row = await r.csat.create({
      conversationId: conversation.id,
      contactId: conversation.contactId,
      assigneeId: conversation.assigneeId,
      // The service clock, like the window checks that compare against it.
      sentAt: this.ctx.clock.now(),
    });
    const { message } = await this.outbound.queueReply(r, {
      conversationId: conversation.id,
      // The channel's text or the built-in one; plain text either way, escaped for Telegram's HTML mode.
      html: escapeHtml(csatText(inboxSettingsOf(channel), 'question', lang)),
      buttons: {
        kind: 'inline',
        rows: [
          [1, 2, 3, 4, 5].map((n) => ({
            kind: 'callback' as const,
            text: String(n),
            data: `${CSAT_PREFIX}${row.id}:${n}`,
          })),
        ],
      },
      senderUserId: null,
    });
    await r.csat.setMessage(row.id, message.id);
    return { ...row, messageId: message.id };
  }

  /** Surveys of a conversation, newest first. */
  list(conversationId: string): Promise<CsatResponse[]> {
    return this.ctx.repos.csat.listForConversation(conversationId);
  }

  /** The `csat:` button owner: records or changes the rating and answers with a toast. */
  readonly onTap: CallbackHandler = async (r, tap): Promise<CallbackAnswer> => {
    const lang = await replyLanguage(r, tap.contact.language);
    const t = CSAT_BUILT_IN_TEXTS[lang];
    const m = DATA.exec(tap.data);
    const row = m ? await r.csat.getForUpdate(m[1]!) : undefined;
    if (!m || !row || (row.contactId !== null && row.contactId !== tap.contact.id))
      return { text: t.unknown };
    const rating = Number(m[2]);
    const now = this.ctx.clock.now();
    const conversation = await r.conversations.get(row.conversationId);
    const channel = conversation ? await r.channels.get(conversation.channelId) : undefined;
    const settings = inboxSettingsOf(channel ?? { inboxSettings: {} });
    const windowHours = settings.csat.windowHours;
    if (now.getTime() - row.sentAt.getTime() > windowHours * 3600_000) return { text: t.closed };
    const first = row.ratedAt === null;
    const rated = await r.csat.rate(row.id, rating, now, new Date(now.getTime() + COMMENT_WINDOW_MS));
    await this.publishSummary(r, rated);
    if (first && conversation)
      await this.outbound.queueReply(r, {
        conversationId: conversation.id,
        html: escapeHtml(csatThanksMessage(settings, lang)),
        senderUserId: null,
      });
    return { text: first ? csatThanksToast(settings, lang) : t.changed };
  };

  /** The `csat-comment` hook: the customer's next message after a rating (within the hour) is its comment. */
  readonly commentHook: IncomingMessageHook = async (r, event) => {
    if (event.throttled || event.conversation.chatKind !== 'private') return;
    const text = event.message.content?.trim();
    if (!text) return;
    const now = this.ctx.clock.now();
    // A comment can only be awaited after a rating: in this conversation, whose summary then shows a rating without a
    // comment from within the window, or in an earlier one when this message started a new conversation. Any other
    // message needs no lookup.
    const summary = event.conversation.csat as {
      comment?: string | null;
      ratedAt?: string | Date | null;
    } | null;
    const mayAwait =
      event.conversationCreated ||
      (summary?.ratedAt != null &&
        !summary.comment &&
        now.getTime() - new Date(summary.ratedAt).getTime() < COMMENT_WINDOW_MS);
    if (!mayAwait) return;
    const row = await r.csat.awaitingCommentOf(event.contact.id, now);
    if (!row) return;
    await this.publishSummary(r, await r.csat.setComment(row.id, text.slice(0, MAX_COMMENT)));
  };

  private async publishSummary(r: Repos, row: CsatResponse): Promise<void> {
    const conversation = await r.replies.setConversationCsat(row.conversationId, summaryOf(row));
    await r.realtime.publish(CONVERSATIONS_ROOM, 'conversation.updated', {
      conversation: presentConversation(conversation),
    });
  }
}
