import type { MessageKey } from '../../i18n/en.ts';
import { telegramHtmlToText } from '../../lib/telegram-html.ts';
import type { InboxConversation } from './api.ts';

/** What a list item shows of its last message: who wrote it (ours only), one line of text, files, deleted. */
export interface Preview {
  who: MessageKey | null;
  text: string;
  attachments: number;
  deleted: boolean;
}

/** The preview line; our messages are Telegram HTML and show as their text, a customer's text as is. */
export function previewOf(last: InboxConversation['lastMessage']): Preview | null {
  if (!last) return null;
  const raw = last.content ?? '';
  const text = (last.messageType === 'incoming' ? raw : telegramHtmlToText(raw)).replace(/\s+/g, ' ').trim();
  const who: MessageKey | null =
    last.messageType === 'outgoing'
      ? 'inbox.preview.you'
      : last.messageType === 'note'
        ? 'inbox.preview.note'
        : null;
  return { who, text, attachments: last.attachments, deleted: last.deleted };
}
