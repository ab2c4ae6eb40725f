import type { MessageKey } from '../../../i18n/en.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import { Link } from '../../../lib/router.tsx';
import type { Conversation } from '../../../lib/types.ts';
import { type InboxConversation, useContact, useContactConversations, useScopeOptions } from '../api.ts';
import { ContactName } from './ContactName.tsx';
import { STATUS_LABELS } from './ConversationList.tsx';

interface Identity {
  id: string;
  channelId: string;
  externalId: string;
  reachable: boolean;
  lastError: string | null;
}

type ContactCard = Record<string, unknown> & { tags?: string[]; channels?: Identity[] };

/**
 * The third column: who the customer is (fields, tags, channels), this conversation's CSAT, the customer's other
 * conversations, and what can be done with this one (children: the actions).
 */
export function ContactPanel({
  conversation,
  children,
}: {
  conversation: InboxConversation;
  children: React.ReactNode;
}) {
  const { t, fmt } = useI18n();
  const contact = useContact(conversation.contactId);
  const others = useContactConversations(conversation.contactId);
  const { channels } = useScopeOptions();
  const channelName = (id: string) => channels.find((c) => c.id === id)?.name ?? t('inbox.channel');
  const c = contact.data as ContactCard | undefined;
  const fields: { key: 'username' | 'phone' | 'email' | 'language'; label: MessageKey }[] = [
    { key: 'username', label: 'contact.username' },
    { key: 'phone', label: 'contact.phone' },
    { key: 'email', label: 'contact.email' },
    { key: 'language', label: 'contact.language' },
  ];
  const previous = (others.data ?? []).filter((o: Conversation) => o.id !== conversation.id);
  const csat = conversation.csat;
  return (
    <aside className="inbox-panel" aria-labelledby="panel-title">
      <h2 id="panel-title">
        {conversation.contactId ? (
          <Link to={`/contacts/${conversation.contactId}`}>
            <ContactName conversation={conversation} />
          </Link>
        ) : (
          <ContactName conversation={conversation} />
        )}
      </h2>
      <p className="hint">
        {t('conversation.number', { number: conversation.displayId })} ·{' '}
        {t(STATUS_LABELS[conversation.status])}
      </p>
      {c ? (
        <dl className="contact-fields">
          {fields.map(({ key, label }) =>
            typeof c[key] === 'string' && c[key] ? (
              <div key={key}>
                <dt className="visually-hidden">{t(label)}</dt>
                <dd>{key === 'username' ? `@${c[key]}` : String(c[key])}</dd>
              </div>
            ) : null,
          )}
          {c.tags?.length ? (
            <div>
              <dt className="visually-hidden">{t('contact.tags')}</dt>
              <dd className="tags">
                {c.tags.map((tag) => (
                  <span key={tag} className="tag">
                    {tag}
                  </span>
                ))}
              </dd>
            </div>
          ) : null}
          {c.channels?.length ? (
            <div>
              <dt className="panel-label">{t('inbox.channels')}</dt>
              {c.channels.map((ch) => (
                <dd key={ch.id} className={ch.reachable ? undefined : 'form-error'}>
                  {channelName(ch.channelId)}
                  {ch.reachable ? '' : ` · ${ch.lastError ?? t('inbox.unreachable')}`}
                </dd>
              ))}
            </div>
          ) : null}
        </dl>
      ) : null}
      <p className="panel-csat" data-testid="panel-csat">
        <span className="panel-label">{t('inbox.csat')}</span>{' '}
        {csat ? (
          <>
            <span role="img" aria-label={t('inbox.csatRating', { rating: csat.rating })}>
              {'★'.repeat(csat.rating)}
              {'☆'.repeat(Math.max(0, 5 - csat.rating))}
            </span>
            {csat.comment ? <q className="csat-comment">{csat.comment}</q> : null}
          </>
        ) : (
          <span className="hint">{t('inbox.csatNone')}</span>
        )}
      </p>
      {previous.length ? (
        <section className="panel-previous" aria-labelledby="previous-title">
          <h3 id="previous-title" className="panel-label">
            {t('inbox.previous')}
          </h3>
          <ul>
            {previous.map((o) => (
              <li key={o.id}>
                <Link to={`/inbox/${o.id}`}>#{o.displayId}</Link>{' '}
                <span className="hint">
                  {t(STATUS_LABELS[o.status])} · {fmt.dateTime(o.lastActivityAt)}
                </span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {children}
    </aside>
  );
}
