import '../inbox.css';
import { useEffect, useRef, useState } from 'react';
import { useI18n } from '../../../i18n/i18n.tsx';
import { useMe } from '../../../lib/me.ts';
import { Link, navigate } from '../../../lib/router.tsx';
import type { Message } from '../../../lib/types.ts';
import { type InboxFilter, useConversation, useConversationActions, useConversations } from '../api.ts';
import { useInboxLiveUpdates } from '../live-updates.ts';
import { neighbour, shortcutFor } from '../shortcuts.ts';
import { Composer, type ComposerHandle } from './Composer.tsx';
import { ContactName } from './ContactName.tsx';
import { ContactPanel } from './ContactPanel.tsx';
import { ConversationActions } from './ConversationActions.tsx';
import { ConversationList } from './ConversationList.tsx';
import { ShortcutsHelp } from './ShortcutsHelp.tsx';
import { Thread } from './Thread.tsx';

const FILTER_KEY = 'switchboard.inbox.filter';

function initialFilter(): InboxFilter {
  try {
    const saved = JSON.parse(sessionStorage.getItem(FILTER_KEY) ?? 'null') as InboxFilter | null;
    if (saved?.view && saved.status) return { ...saved, q: '' };
  } catch {}
  return { view: 'all', status: 'open', q: '' };
}

/**
 * The inbox: conversations, the open thread with its composer, and the contact with the actions. On a phone one
 * column shows at a time (the list, or the open conversation with a way back).
 */
export function InboxPage({ conversationId }: { conversationId: string | undefined }) {
  const { t } = useI18n();
  const me = useMe();
  const [filter, setFilter] = useState<InboxFilter>(initialFilter);
  const [help, setHelp] = useState(false);
  // The message a reply will quote; it belongs to the open conversation only.
  const [replyTo, setReplyTo] = useState<{ conversationId: string; message: Message } | null>(null);
  const quoting = replyTo && replyTo.conversationId === conversationId ? replyTo.message : null;
  const list = useConversations(filter);
  const conversations = list.data?.pages.flatMap((p) => p.data) ?? [];
  const current = useConversation(conversationId);
  const composer = useRef<ComposerHandle>(null);
  const search = useRef<HTMLInputElement>(null);
  const actions = useConversationActions(conversationId ?? '');
  const timeZone = me.data?.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;

  useInboxLiveUpdates((goneId) => {
    if (goneId === conversationId) navigate('/inbox', true);
  });

  useEffect(() => {
    sessionStorage.setItem(FILTER_KEY, JSON.stringify(filter));
  }, [filter]);

  // Shortcuts act on what is on screen; read through a ref so the listener is added once.
  const state = useRef({ conversations, conversationId, me: me.data, current: current.data, actions });
  state.current = { conversations, conversationId, me: me.data, current: current.data, actions };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const action = shortcutFor({
        key: e.key,
        ctrlKey: e.ctrlKey,
        metaKey: e.metaKey,
        altKey: e.altKey,
        target: e.target as HTMLElement | null,
      });
      if (!action || document.querySelector('dialog[open]')) return;
      const s = state.current;
      const ids = s.conversations.map((c) => c.id);
      e.preventDefault();
      if (action === 'next' || action === 'previous') {
        const to = neighbour(ids, s.conversationId, action === 'next' ? 1 : -1);
        if (to) navigate(`/inbox/${to}`);
      } else if (action === 'reply' || action === 'note') composer.current?.focus(action);
      else if (action === 'search') search.current?.focus();
      else if (action === 'help') setHelp(true);
      else if (action === 'resolve' && s.current && s.current.status !== 'resolved')
        s.actions.update.mutate({ status: 'resolved' });
      else if (action === 'assignToMe' && s.current && s.me && s.current.assigneeId !== s.me.id)
        s.actions.assign.mutate(s.me.id);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <div className={`inbox${conversationId ? ' has-selection' : ''}`}>
      <h1 className="visually-hidden">{t('inbox.title')}</h1>
      <ConversationList
        filter={filter}
        onFilter={setFilter}
        conversations={conversations}
        selectedId={conversationId}
        loading={list.isPending}
        hasMore={Boolean(list.hasNextPage)}
        onMore={() => list.fetchNextPage()}
        searchRef={search}
      />
      {conversationId && current.data ? (
        <>
          <section className="inbox-thread" aria-labelledby="thread-title">
            <header className="thread-head">
              <Link to="/inbox" className="back-link">
                {t('inbox.back')}
              </Link>
              <h2 id="thread-title">
                <ContactName conversation={current.data} />
              </h2>
            </header>
            <Thread
              key={conversationId}
              conversationId={conversationId}
              onReply={(message) => {
                setReplyTo({ conversationId, message });
                composer.current?.focus('reply');
              }}
            />
            <Composer
              key={`composer-${conversationId}`}
              conversationId={conversationId}
              replyTo={quoting}
              onClearReply={() => setReplyTo(null)}
              ref={composer}
            />
          </section>
          <ContactPanel conversation={current.data}>
            <ConversationActions conversation={current.data} meId={me.data?.id} timeZone={timeZone} />
          </ContactPanel>
        </>
      ) : (
        <section className="inbox-thread empty">
          <p className="page-message">{current.isError ? t('app.notFound') : t('inbox.pick')}</p>
        </section>
      )}
      {help ? <ShortcutsHelp onClose={() => setHelp(false)} /> : null}
    </div>
  );
}
