import { useI18n } from '../../../i18n/i18n.tsx';
import { problemText } from '../../../lib/field-errors.ts';
import { usePermissions } from '../../../lib/me.ts';
import { Link, navigate } from '../../../lib/router.tsx';
import { useChannel, useDeleteChannel } from '../api.ts';
import { ChannelHealthCard } from './ChannelHealthCard.tsx';
import { EmailSettingsCard } from './EmailSettingsCard.tsx';
import { InboxSettingsCard } from './InboxSettingsCard.tsx';
import { MembersCard } from './MembersCard.tsx';
import { TelegramSettingsCard } from './TelegramSettingsCard.tsx';

/** One channel: health, its own settings (bot or mailbox), who works it, and how its inbox behaves. */
export function ChannelPage({ id }: { id: string }) {
  const { t } = useI18n();
  const can = usePermissions();
  const channel = useChannel(id);
  const remove = useDeleteChannel();
  const writable = can('channels:write');

  if (channel.error)
    return (
      <div className="page">
        <Link to="/settings/channels">{t('settings.channel.back')}</Link>
        <p className="form-error" role="alert">
          {problemText(channel.error, t)}
        </p>
      </div>
    );
  const c = channel.data;
  if (!c) return <p className="page-message">{t('app.loading')}</p>;

  return (
    <div className="page wide channel-page">
      <Link to="/settings/channels">{t('settings.channel.back')}</Link>
      <h1>
        {c.name} {c.bot.username ? <span className="hint">@{c.bot.username}</span> : null}{' '}
        {c.status === 'paused' ? (
          <span className="status-pill status-paused">{t('settings.channel.paused')}</span>
        ) : null}
      </h1>
      <div className="channel-grid">
        <ChannelHealthCard channel={c} />
        {c.type === 'telegram' ? <TelegramSettingsCard channel={c} writable={writable} /> : null}
        {c.type === 'email' ? <EmailSettingsCard channel={c} writable={writable} /> : null}
        <MembersCard channelId={c.id} writable={writable} />
      </div>
      <InboxSettingsCard channelId={c.id} channelType={c.type} writable={writable} />
      {writable ? (
        <section className="card danger-zone" aria-labelledby="channel-delete">
          <h2 id="channel-delete">{t('settings.channel.deleteTitle')}</h2>
          <p className="hint">{t('settings.channel.deleteHint')}</p>
          <button
            type="button"
            className="button-danger"
            disabled={remove.isPending}
            onClick={() => {
              if (window.confirm(t('settings.channel.confirmDelete', { name: c.name })))
                remove.mutate(c.id, { onSuccess: () => navigate('/settings/channels') });
            }}
          >
            {t('settings.channel.delete')}
          </button>
          {remove.error ? (
            <p className="form-error" role="alert">
              {problemText(remove.error, t)}
            </p>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}
