import type { MessageKey } from '../../../i18n/en.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import { TelegramHtml } from '../../../lib/TelegramHtml.tsx';
import type { Message } from '../../../lib/types.ts';
import { quoteText } from '../composer-logic.ts';
import { AttachmentView } from './AttachmentView.tsx';

const DELIVERY: Record<NonNullable<Message['deliveryStatus']>, MessageKey> = {
  queued: 'delivery.queued',
  sending: 'delivery.sending',
  sent: 'delivery.sent',
  failed: 'delivery.failed',
};

/**
 * One line of the thread. Customer text is always plain text (React escapes it); only our own messages (replies and
 * notes, written in Telegram HTML) go through the sanitising renderer.
 */
export function MessageItem({
  message,
  quoted,
  onReply,
}: {
  message: Message;
  /** The message this one answers, when it is in the loaded thread. */
  quoted?: Message | null;
  /** Offered on messages a reply can quote (not notes, activity lines or deleted ones). */
  onReply?: (message: Message) => void;
}) {
  const { t, fmt } = useI18n();
  if (message.messageType === 'activity') {
    return (
      <li className="message activity" data-message-id={message.id}>
        <span>{message.content}</span> <time dateTime={message.createdAt}>{fmt.time(message.createdAt)}</time>
      </li>
    );
  }
  const ours = message.messageType !== 'incoming';
  const who =
    message.messageType === 'note'
      ? t('message.note')
      : message.messageType === 'incoming'
        ? t('message.customer')
        : message.senderUserId
          ? t('message.you')
          : t('message.system');
  return (
    <li className={`message ${message.messageType}`} data-message-id={message.id} data-testid="message">
      <div className="bubble">
        <div className="message-head">
          <span className="sender">{who}</span>
          <time dateTime={message.createdAt} title={fmt.dateTime(message.createdAt)}>
            {fmt.time(message.createdAt)}
          </time>
          {message.editedAt && !message.deletedAt ? (
            <span className="edited" title={fmt.dateTime(message.editedAt)}>
              {t('message.edited')}
            </span>
          ) : null}
          {onReply && !message.deletedAt && message.messageType !== 'note' ? (
            <button
              type="button"
              className="button-quiet reply-button"
              aria-label={t('inbox.replyTo')}
              title={t('inbox.replyTo')}
              onClick={() => onReply(message)}
            >
              ↩
            </button>
          ) : null}
        </div>
        {quoted ? (
          <blockquote className="quoted" cite={`#${quoted.id}`}>
            {quoteText(quoted) || t('message.deleted')}
          </blockquote>
        ) : null}
        {message.deletedAt ? (
          <p className="deleted">{t('message.deleted')}</p>
        ) : message.content ? (
          <div className="content">{ours ? <TelegramHtml html={message.content} /> : message.content}</div>
        ) : null}
        {message.attachments.map((a) => (
          <AttachmentView key={a.id} attachment={a} />
        ))}
        {message.messageType === 'outgoing' && message.deliveryStatus ? (
          <p className={`delivery delivery-${message.deliveryStatus}`} data-testid="delivery">
            {message.deliveryStatus === 'failed' && message.deliveryError
              ? t('delivery.failedReason', { reason: message.deliveryError })
              : t(DELIVERY[message.deliveryStatus])}
          </p>
        ) : null}
      </div>
    </li>
  );
}
