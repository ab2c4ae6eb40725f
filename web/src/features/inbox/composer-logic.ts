import { telegramHtmlToText } from '../../lib/telegram-html.ts';
import type { Message } from '../../lib/types.ts';

/** A small built-in emoji set: what support replies use most, no picker library (the bundle stays small). */
export const EMOJI = [
  '😀',
  '😊',
  '🙂',
  '😉',
  '😍',
  '🤗',
  '🤔',
  '😅',
  '😂',
  '😢',
  '😔',
  '😮',
  '👍',
  '👎',
  '👌',
  '🙏',
  '👏',
  '🤝',
  '💪',
  '👋',
  '✅',
  '❌',
  '⚠️',
  '❗',
  '❓',
  '🔥',
  '⭐',
  '🎉',
  '🎁',
  '💰',
  '📦',
  '🚚',
  '📞',
  '📧',
  '⏰',
  '❤️',
] as const;

/** Puts `insert` in place of the selection (or at the caret) and says where the caret goes next. */
export function insertAtCaret(
  text: string,
  selectionStart: number | null,
  selectionEnd: number | null,
  insert: string,
): { text: string; caret: number } {
  // No caret known (the field never had focus): append, as a person would expect from a picker.
  const start = Math.min(Math.max(selectionStart ?? text.length, 0), text.length);
  const end = Math.min(Math.max(selectionEnd ?? start, start), text.length);
  return { text: text.slice(0, start) + insert + text.slice(end), caret: start + insert.length };
}

/** One file being attached: uploaded first (POST /attachments), then sent by id. */
export interface PendingUpload {
  key: string;
  name: string;
  size: number;
  status: 'uploading' | 'ready' | 'failed';
  attachmentId?: string;
  error?: string;
}

/** At most this many attachments per message (the API's limit). */
export const MAX_ATTACHMENTS = 15;

/** Whether the composer may send: something to send, and no upload still on its way (it would go missing). */
export function canSend(text: string, uploads: PendingUpload[], busy: boolean): boolean {
  if (busy || uploads.some((u) => u.status === 'uploading')) return false;
  return text.trim().length > 0 || uploads.some((u) => u.status === 'ready');
}

/** The body of POST …/messages: content (escaped by the caller), stored attachment ids in order, reply-to. */
export function messageBody(opts: {
  content: string;
  note: boolean;
  uploads: PendingUpload[];
  replyTo: Message | null;
}): Record<string, unknown> {
  const ids = opts.uploads.filter((u) => u.status === 'ready').map((u) => u.attachmentId!);
  return {
    ...(opts.content ? { content: opts.content } : {}),
    private: opts.note,
    ...(ids.length ? { attachmentIds: ids } : {}),
    // A note is never sent to Telegram, so quoting there has no meaning for the customer.
    ...(opts.replyTo && !opts.note ? { replyToMessageId: opts.replyTo.id } : {}),
  };
}

/** A one-line quote of a message for the reply-to bar and quoted replies: its text, or a word for media. */
export function quoteText(
  message: Pick<Message, 'messageType' | 'content' | 'attachments'>,
  max = 90,
): string {
  const raw = message.content ?? '';
  const text = (message.messageType === 'incoming' ? raw : telegramHtmlToText(raw))
    .replace(/\s+/g, ' ')
    .trim();
  if (!text) return message.attachments.length ? '📎' : '';
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
