import { useI18n } from '../../../i18n/i18n.tsx';
import { ApiError } from '../../../lib/api.ts';
import { usePermissions } from '../../../lib/me.ts';
import { Link } from '../../../lib/router.tsx';
import { useChannelOptions, useContactConversations, useContactDetail } from '../api.ts';
import { contactDisplayName } from '../contact-name.ts';
import { ContactForm } from './ContactForm.tsx';
import { ContactTimeline } from './ContactTimeline.tsx';

/** One contact: the timeline in the middle; editable fields, channels and conversations at the side. */
export function ContactPage({ id }: { id: string }) {
  const { t, fmt } = useI18n();
  const can = usePermissions();
  const contact = useContactDetail(id);
  const channels = useChannelOptions();
  const conversations = useContactConversations(id);
  const channelName = (channelId: string) =>
    channels.data?.find((c) => c.id === channelId)?.name ?? channelId;

  if (contact.isPending) return <p className="page-message">{t('app.loading')}</p>;
  if (contact.error)
    return (
      <p className="page-message">
        {contact.error instanceof ApiError && contact.error.status === 404
          ? t('app.notFound')
          : t('error.generic', { message: contact.error.message })}
      </p>
    );
  const c = contact.data;
  return (
    <div className="page contact-page">
      <Link to="/contacts" className="back">
        {t('contacts.backToList')}
      </Link>
      <h1>{contactDisplayName(c) ?? t('contacts.noName')}</h1>
      <p className="hint">
        {t('contacts.since', { date: fmt.dateTime(c.createdAt) })}
        {c.source ? ` · ${t('contacts.source', { source: c.source })}` : ''}
      </p>
      <div className="contact-layout">
        <ContactTimeline contactId={id} />
        <aside className="contact-side">
          <ContactForm contact={c} writable={can('contacts:write')} />
          <section className="card" aria-labelledby="channels-title">
            <h2 id="channels-title">{t('contacts.channels')}</h2>
            {c.channels.length === 0 ? <p className="hint">{t('contacts.noChannels')}</p> : null}
            <ul className="plain-list">
              {c.channels.map((ch) => (
                <li key={ch.id}>
                  <strong>{channelName(ch.channelId)}</strong> <code>{ch.externalId}</code>
                  <br />
                  <span className={ch.reachable ? 'hint' : 'form-error'}>
                    {ch.reachable ? t('contacts.reachable') : t('contacts.unreachable')}
                    {ch.lastError ? ` · ${ch.lastError}` : ''}
                  </span>
                  {ch.lastSeenAt ? (
                    <span className="hint">
                      {' '}
                      · {t('contacts.lastSeen', { date: fmt.dateTime(ch.lastSeenAt) })}
                    </span>
                  ) : null}
                </li>
              ))}
            </ul>
          </section>
          <section className="card" aria-labelledby="conversations-title">
            <h2 id="conversations-title">{t('contacts.conversations')}</h2>
            {conversations.data?.data.length === 0 ? (
              <p className="hint">{t('contacts.noConversations')}</p>
            ) : null}
            <ul className="plain-list">
              {(conversations.data?.data ?? []).map((cv) => (
                <li key={cv.id}>
                  <Link to={`/inbox/${cv.id}`}>{t('conversation.number', { number: cv.displayId })}</Link>{' '}
                  <span className="hint">
                    {channelName(cv.channelId)} · {fmt.dateTime(cv.lastActivityAt)}
                  </span>
                </li>
              ))}
            </ul>
          </section>
        </aside>
      </div>
    </div>
  );
}
