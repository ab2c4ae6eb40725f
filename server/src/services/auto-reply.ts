import { escapeHtml } from '../channels/telegram/telegram.html.ts';
import type { Repos } from '../repositories/index.ts';
import { isWithinBusinessHours } from './business-hours.ts';
import { inTransaction, type ServiceContext } from './context.ts';
import type { IncomingMessageHook } from './conversation-hooks.ts';
import { inboxSettingsOf } from './inbox-settings.ts';
import type { OutboundService } from './outbound.service.ts';
import { replyLanguage } from './reply-language.ts';

/**
 * The channel's auto-reply to a new conversation (inbox settings `autoReply`), chosen by business hours: the usual
 * message inside them, the out-of-hours one outside. Sent at most once per conversation (conversations.auto_reply_sent_at
 * claimed with a conditional UPDATE), as an outgoing bot message; it is not an agent's answer, so waitingSince and
 * firstReplyAt stay as they are.
 */
export class AutoReplyService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly outbound: OutboundService,
  ) {}

  /** The `auto-reply` conversation hook: a new private conversation (not a flood) gets its auto-reply by a job. */
  readonly hook: IncomingMessageHook = async (r, event) => {
    if (!event.conversationCreated || event.throttled || event.conversation.chatKind !== 'private') return;
    await r.jobs.add(
      'conversations.auto_reply',
      { conversationId: event.conversation.id },
      { jobKey: `auto-reply:${event.conversation.id}`, maxAttempts: 5 },
    );
  };

  /** The `conversations.auto_reply` job. */
  send(conversationId: string): Promise<void> {
    return inTransaction(this.ctx, (r) => this.sendIn(r, conversationId));
  }

  private async sendIn(r: Repos, conversationId: string): Promise<void> {
    const conversation = await r.conversations.get(conversationId);
    if (!conversation) return;
    const channel = await r.channels.get(conversation.channelId);
    if (!channel) return;
    const settings = inboxSettingsOf(channel);
    if (!settings.autoReply.enabled) return;
    const now = this.ctx.clock.now();
    if (!(await r.replies.claimAutoReply(conversation.id, now))) return;
    const contact = conversation.contactId ? await r.contacts.get(conversation.contactId) : undefined;
    const lang = await replyLanguage(r, contact?.language);
    const open = isWithinBusinessHours(settings.businessHours, now);
    const text = open ? settings.autoReply.message[lang] : settings.autoReply.outOfHoursMessage[lang];
    // Inbox settings hold plain text: escaped for Telegram's HTML mode.
    await this.outbound.queueReply(r, {
      conversationId: conversation.id,
      html: escapeHtml(text),
      senderUserId: null,
    });
  }
}
