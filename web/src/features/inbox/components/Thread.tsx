import { useEffect, useRef } from 'react';
import { useI18n } from '../../../i18n/i18n.tsx';
import type { Message } from '../../../lib/types.ts';
import { markRead, useMessages } from '../api.ts';
import { threadMessages } from '../message-cache.ts';
import { MessageItem } from './MessageItem.tsx';

/** The messages of one conversation, oldest at the top; stays scrolled to the newest as messages arrive. */
export function Thread({
  conversationId,
  onReply,
}: {
  conversationId: string;
  onReply?: (message: Message) => void;
}) {
  const { t } = useI18n();
  const messages = useMessages(conversationId);
  const list = threadMessages(messages.data);
  const bottom = useRef<HTMLDivElement>(null);
  const lastId = list[list.length - 1]?.id;
  const byId = new Map(list.map((m) => [m.id, m]));
  // replyToId is in every message the API sends; the shared Message type leaves it out.
  const quotedOf = (m: Message) => {
    const id = (m as Message & { replyToId?: string | null }).replyToId;
    return id ? (byId.get(id) ?? null) : null;
  };

  useEffect(() => {
    if (!lastId) return;
    bottom.current?.scrollIntoView({ block: 'end' });
    // Reading the thread is what clears its unread badge; the server ignores marks closer than 15 s apart.
    markRead(conversationId).catch(() => {});
  }, [lastId, conversationId]);

  if (messages.isPending) return <p className="page-message">{t('app.loading')}</p>;
  return (
    <div className="thread" aria-label={t('thread.label')} role="log" aria-live="polite">
      {messages.hasNextPage ? (
        <button
          type="button"
          className="button-quiet more"
          disabled={messages.isFetchingNextPage}
          onClick={() => messages.fetchNextPage()}
        >
          {t('thread.loadOlder')}
        </button>
      ) : null}
      {list.length === 0 ? <p className="page-message">{t('thread.empty')}</p> : null}
      <ol className="messages">
        {list.map((m) => (
          <MessageItem key={m.id} message={m} quoted={quotedOf(m)} onReply={onReply} />
        ))}
      </ol>
      <div ref={bottom} />
    </div>
  );
}
