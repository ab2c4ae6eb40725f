import { useI18n } from '../../../i18n/i18n.tsx';
import { ApiError } from '../../../lib/api.ts';
import { Link } from '../../../lib/router.tsx';
import { useContactName, useNotification, useNotificationTypes } from '../api.ts';
import { localName } from '../type-name.ts';
import { CHANNEL_LABEL, EVENT_LABEL, STATUS_LABEL } from './labels.ts';

/** One notification: what was asked, where it stands, and every state change with its details. */
export function NotificationDetail({ id }: { id: string }) {
  const { t, fmt, locale } = useI18n();
  const n = useNotification(id);
  const types = useNotificationTypes();
  const contact = useContactName(n.data?.contactId ?? null);
  if (n.error)
    return (
      <p className="form-error" role="alert">
        {n.error instanceof ApiError && n.error.status === 404
          ? t('app.notFound')
          : t('error.generic', { message: n.error.message })}
      </p>
    );
  if (!n.data) return <p className="page-message">{t('app.loading')}</p>;
  const d = n.data;
  return (
    <section className="card" aria-labelledby="nt-detail" data-testid="notification-detail">
      <p>
        <Link to="/notifications">{t('notifications.detail.back')}</Link>
      </p>
      <h2 id="nt-detail">
        {localName(types.data?.find((x) => x.key === d.type)?.name ?? d.type, locale)} <code>{d.type}</code>
      </h2>
      <dl className="facts">
        <dt>{t('notifications.log.status')}</dt>
        <dd>
          <span className={`nt-status nt-status-${d.status}`}>{t(STATUS_LABEL[d.status])}</span>
          {d.reason ? <span className="hint"> · {d.reason}</span> : null}
        </dd>
        <dt>{t('notifications.log.contact')}</dt>
        <dd>{contact.data ?? d.contactId}</dd>
        <dt>{t('notifications.log.channel')}</dt>
        <dd>{d.channel ? t(CHANNEL_LABEL[d.channel] ?? 'notifications.channel.none') : '—'}</dd>
        <dt>{t('notifications.log.created')}</dt>
        <dd>{fmt.dateTime(d.createdAt)}</dd>
        {d.sentAt ? (
          <>
            <dt>{t('notifications.detail.sentAt')}</dt>
            <dd>{fmt.dateTime(d.sentAt)}</dd>
          </>
        ) : null}
      </dl>
      <h3>{t('notifications.detail.history')}</h3>
      <ol className="nt-history" data-testid="notification-history">
        {d.log.map((e, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the history only grows at its end
          <li key={i}>
            <time dateTime={e.at}>{fmt.dateTime(e.at)}</time>{' '}
            <strong>{EVENT_LABEL[e.event] ? t(EVENT_LABEL[e.event]!) : e.event}</strong>
            {e.channel ? (
              <span className="hint"> · {t(CHANNEL_LABEL[e.channel] ?? 'notifications.channel.none')}</span>
            ) : null}
            {Object.keys(e.detail).length > 0 ? (
              <code className="nt-detail-json">{JSON.stringify(e.detail)}</code>
            ) : null}
          </li>
        ))}
      </ol>
      <h3>{t('notifications.detail.data')}</h3>
      <pre className="nt-data">{JSON.stringify(d.data, null, 2)}</pre>
    </section>
  );
}
