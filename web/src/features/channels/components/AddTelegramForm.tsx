import { type FormEvent, useState } from 'react';
import { useI18n } from '../../../i18n/i18n.tsx';
import { ApiError } from '../../../lib/api.ts';
import { errorAt, type FieldErrors, fieldErrors, problemText } from '../../../lib/field-errors.ts';
import { Link } from '../../../lib/router.tsx';
import { useAddChannel } from '../api.ts';
import type { ChannelDetail } from '../types.ts';

/**
 * Connect a Telegram bot: the API asks Telegram (getMe) first, so a wrong token is refused on the token field in
 * Telegram's own words, a bot already connected is named, and Telegram being down says so rather than "error".
 */
export function AddTelegramForm() {
  const { t } = useI18n();
  const add = useAddChannel();
  const [name, setName] = useState('');
  const [token, setToken] = useState('');
  const [mode, setMode] = useState<'' | 'webhook' | 'polling'>('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [added, setAdded] = useState<ChannelDetail | null>(null);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setErrors({});
    setAdded(null);
    add.mutate(
      { name: name.trim(), token: token.trim(), ...(mode ? { mode } : {}) },
      {
        onSuccess: (channel) => {
          setToken('');
          setName('');
          setAdded(channel);
        },
        onError: (err) => {
          // The 409's message names the bot and the channel it is already connected as.
          if (err instanceof ApiError && err.status === 409) return setErrors({ token: err.message });
          if (err instanceof ApiError && err.status === 503)
            return setErrors({ '': t('settings.telegram.unreachable') });
          const found = fieldErrors(err);
          setErrors(Object.keys(found).length ? found : { '': problemText(err, t) });
        },
      },
    );
  };
  const tokenError = errorAt(errors, 'token');

  return (
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
      {errorAt(errors, 'name') ? (
        <p className="field-error" role="alert">
          {errorAt(errors, 'name')}
        </p>
      ) : null}
      <label htmlFor="channel-token">{t('channels.token')}</label>
      <input
        id="channel-token"
        required
        autoComplete="off"
        spellCheck={false}
        aria-invalid={tokenError ? true : undefined}
        aria-describedby={tokenError ? 'channel-token-error' : 'channel-token-hint'}
        value={token}
        onChange={(e) => setToken(e.target.value)}
      />
      {tokenError ? (
        <p id="channel-token-error" className="field-error" role="alert">
          {tokenError}
        </p>
      ) : (
        <p id="channel-token-hint" className="hint">
          {t('settings.telegram.tokenHint')}
        </p>
      )}
      <label htmlFor="channel-mode">{t('channels.mode')}</label>
      <select id="channel-mode" value={mode} onChange={(e) => setMode(e.target.value as typeof mode)}>
        <option value="">{t('settings.telegram.modeAuto')}</option>
        <option value="webhook">{t('settings.channel.webhook')}</option>
        <option value="polling">{t('settings.channel.polling')}</option>
      </select>
      {errorAt(errors, 'mode') ? (
        <p className="field-error" role="alert">
          {errorAt(errors, 'mode')}
        </p>
      ) : null}
      {Object.entries(errors)
        .filter(([k]) => !['name', 'token', 'mode'].includes(k))
        .map(([k, text]) => (
          <p key={k} className="form-error" role="alert">
            {text}
          </p>
        ))}
      {added ? (
        <p className="form-ok" role="status">
          {t('channels.added', { username: added.bot.username ?? added.name })}{' '}
          <Link to={`/settings/channels/${added.id}`}>{t('settings.channel.open')}</Link>
        </p>
      ) : null}
      <button type="submit" className="button-primary" disabled={add.isPending}>
        {add.isPending ? t('channels.adding') : t('channels.add')}
      </button>
    </form>
  );
}
