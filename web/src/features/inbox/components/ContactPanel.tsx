import type { MessageKey } from '../../../i18n/en.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import type { Conversation } from '../../../lib/types.ts';
import { useContact } from '../api.ts';
import { ContactName } from './ContactName.tsx';
import { STATUS_LABELS } from './ConversationList.tsx';

/** The third column: who the customer is, and what can be done with the conversation (children: the actions). */
export function ContactPanel({
  conversation,
  children,
}: {
  conversation: Conversation;
  children: React.ReactNode;
}) {
  const { t } = useI18n();
  const contact = useContact(conversation.contactId);
  const c = contact.data as (Record<string, unknown> & { tags?: string[] }) | undefined;
  const fields: { key: 'username' | 'phone' | 'email' | 'language'; label: MessageKey }[] = [
    { key: 'username', label: 'contact.username' },
    { key: 'phone', label: 'contact.phone' },
    { key: 'email', label: 'contact.email' },
    { key: 'language', label: 'contact.language' },
  ];
  return (
    <aside className="inbox-panel" aria-labelledby="panel-title">
      <h2 id="panel-title">
        <ContactName conversation={conversation} />
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
        </dl>
      ) : null}
      {children}
    </aside>
  );
}
