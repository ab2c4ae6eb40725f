import { useI18n } from '../../../i18n/i18n.tsx';
import { problemText } from '../../../lib/field-errors.ts';
import { usePermissions } from '../../../lib/me.ts';
import { Link } from '../../../lib/router.tsx';
import { useChannels } from '../api.ts';
import { AddEmailForm } from './AddEmailForm.tsx';
import { AddTelegramForm } from './AddTelegramForm.tsx';

/** Settings → Channels: connect a bot by its token or a mailbox, and see each channel's state at a glance. */
export function ChannelsPage() {
  const { t, fmt } = useI18n();
  const can = usePermissions();
  const channels = useChannels();
  const writable = can('channels:write');

  return (
    <div className="page">
      <h1>{t('channels.title')}</h1>
      {writable ? (
        <div className="add-channel">
          <AddTelegramForm />
          <details className="card narrow">
            <summary>{t('settings.email.add')}</summary>
            <AddEmailForm />
          </details>
        </div>
      ) : null}

      <h2>{t('channels.list')}</h2>
      {channels.error ? (
        <p className="form-error" role="alert">
          {problemText(channels.error, t)}
        </p>
      ) : null}
      {channels.data?.length === 0 ? <p className="page-message">{t('channels.empty')}</p> : null}
      <ul className="channel-cards">
        {channels.data?.map((c) => (
          <li key={c.id} className="card">
            <h3>
              <Link to={`/settings/channels/${c.id}`}>{c.name}</Link>{' '}
              {c.bot.username ? <span className="hint">@{c.bot.username}</span> : null}{' '}
              {c.staffBot ? (
                <span className="status-pill">{t('settings.telegram.staffBotBadge')}</span>
              ) : null}
            </h3>
            <dl className="facts">
              <dt>{t('settings.channel.type')}</dt>
              <dd>
                {c.type === 'email' ? t('settings.channel.typeEmail') : t('settings.channel.typeTelegram')}
              </dd>
              <dt>{t('channels.status')}</dt>
              <dd>
                {c.status === 'paused' ? (
                  <span className="status-pill status-paused">{t('settings.channel.paused')}</span>
                ) : c.health.lastError ? (
                  <span className="status-pill status-error">{c.health.lastError}</span>
                ) : (
                  <span className="status-pill status-ok">{t('channels.healthy')}</span>
                )}
              </dd>
              {c.mode ? (
                <>
                  <dt>{t('channels.mode')}</dt>
                  <dd>
                    {c.mode === 'webhook' ? t('settings.channel.webhook') : t('settings.channel.polling')}
                  </dd>
                </>
              ) : null}
              <dt>{t('channels.lastUpdate')}</dt>
              <dd>{c.health.lastUpdateAt ? fmt.dateTime(c.health.lastUpdateAt) : t('channels.never')}</dd>
            </dl>
            {c.health.pausedUntil ? (
              <p className="form-error">
                {t('channels.pausedUntil', { time: fmt.dateTime(c.health.pausedUntil) })}
              </p>
            ) : null}
            <Link to={`/settings/channels/${c.id}`} className="card-link">
              {t('settings.channel.open')}
            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}
