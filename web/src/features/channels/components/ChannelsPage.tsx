import { type FormEvent, useState } from 'react';
import { useI18n } from '../../../i18n/i18n.tsx';
import { ApiError } from '../../../lib/api.ts';
import { useAddChannel, useChannels } from '../api.ts';

/** Settings → Channels: connect a bot by its token, and see each bot's health. */
export function ChannelsPage() {
  const { t, fmt } = useI18n();
  const channels = useChannels();
  const add = useAddChannel();
  const [name, setName] = useState('');
  const [token, setToken] = useState('');
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setNotice(null);
    add.mutate(
      { name: name.trim(), token: token.trim() },
      {
        onSuccess: (channel) => {
          setToken('');
          setName('');
          setNotice({
            ok: true,
            text: t('channels.added', { username: channel.bot.username ?? channel.name }),
          });
        },
        onError: (err) =>
          setNotice({
            ok: false,
            text:
              err instanceof ApiError && err.status === 403
                ? t('error.forbidden')
                : err instanceof ApiError
                  ? (err.details[0]?.message ?? err.message)
                  : t('error.network'),
          }),
      },
    );
  };

  return (
    <div className="page">
      <h1>{t('channels.title')}</h1>
      <form onSubmit={submit} className="card narrow">
        <h2>{t('channels.add')}</h2>
        <label htmlFor="channel-name">{t('channels.name')}</label>
        <input
          id="channel-name"
          required
          maxLength={100}
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <label htmlFor="channel-token">{t('channels.token')}</label>
        <input
          id="channel-token"
          required
          autoComplete="off"
          spellCheck={false}
          value={token}
          onChange={(e) => setToken(e.target.value)}
        />
        {notice ? (
          <p className={notice.ok ? 'form-ok' : 'form-error'} role={notice.ok ? 'status' : 'alert'}>
            {notice.text}
          </p>
        ) : null}
        <button type="submit" className="button-primary" disabled={add.isPending}>
          {add.isPending ? t('channels.adding') : t('channels.add')}
        </button>
      </form>

      <h2>{t('channels.list')}</h2>
      {channels.error ? (
        <p className="form-error" role="alert">
          {channels.error instanceof ApiError && channels.error.status === 403
            ? t('error.forbidden')
            : t('error.generic', { message: channels.error.message })}
        </p>
      ) : null}
      {channels.data?.length === 0 ? <p className="page-message">{t('channels.empty')}</p> : null}
      <ul className="channel-cards">
        {channels.data?.map((c) => (
          <li key={c.id} className="card">
            <h3>
              {c.name} {c.bot.username ? <span className="hint">@{c.bot.username}</span> : null}
            </h3>
            <dl className="facts">
              <dt>{t('channels.status')}</dt>
              <dd>{c.health.lastError ? c.health.lastError : t('channels.healthy')}</dd>
              <dt>{t('channels.mode')}</dt>
              <dd>{c.mode}</dd>
              <dt>{t('channels.lastUpdate')}</dt>
              <dd>{c.health.lastUpdateAt ? fmt.dateTime(c.health.lastUpdateAt) : t('channels.never')}</dd>
            </dl>
            {c.health.pausedUntil ? (
              <p className="form-error">
                {t('channels.pausedUntil', { time: fmt.dateTime(c.health.pausedUntil) })}
              </p>
            ) : null}
          </li>
        ))}
      </ul>
    </div>
  );
}
