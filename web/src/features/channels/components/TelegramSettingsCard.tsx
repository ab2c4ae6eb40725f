import { type FormEvent, useEffect, useState } from 'react';
import { useI18n } from '../../../i18n/i18n.tsx';
import { errorAt, type FieldErrors, fieldErrors, problemText } from '../../../lib/field-errors.ts';
import { useUpdateChannel } from '../api.ts';
import {
  DEFAULT_COMMANDS,
  FREE_RATE_LIMIT,
  PAID_RATE_LIMIT,
  type TelegramSettingsForm,
  telegramFormFromSettings,
  telegramSettingsFromForm,
} from '../telegram-settings.ts';
import type { ChannelDetail } from '../types.ts';
import { ChannelFormButtons } from './ChannelFormButtons.tsx';

/** The bot's name, receiving mode, pause, sending limits and commands; and the token rotation form. */
export function TelegramSettingsCard({ channel, writable }: { channel: ChannelDetail; writable: boolean }) {
  const { t } = useI18n();
  const update = useUpdateChannel(channel.id);
  const [name, setName] = useState(channel.name);
  const [mode, setMode] = useState(channel.mode ?? 'polling');
  const [form, setForm] = useState<TelegramSettingsForm>(() => telegramFormFromSettings(channel.settings));
  const [staffBot, setStaffBot] = useState(channel.staffBot === true);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    setName(channel.name);
    setMode(channel.mode ?? 'polling');
    setForm(telegramFormFromSettings(channel.settings));
    setStaffBot(channel.staffBot === true);
  }, [channel]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setErrors({});
    setSaved(false);
    update.mutate(
      {
        // Only what changed: a mode sent again would make the API set the webhook up again for nothing.
        ...(name.trim() !== channel.name ? { name: name.trim() } : {}),
        ...(mode !== channel.mode ? { mode: mode as 'webhook' | 'polling' } : {}),
        ...(staffBot !== (channel.staffBot === true) ? { staffBot } : {}),
        settings: telegramSettingsFromForm(form, channel.settings),
      },
      { onSuccess: () => setSaved(true), onError: (err) => setErrors(fieldErrors(err)) },
    );
  };
  const togglePause = () =>
    update.mutate(
      { status: channel.status === 'paused' ? 'active' : 'paused' },
      { onError: (err) => setErrors({ '': problemText(err, t) }) },
    );
  const message = (field: string, id: string) =>
    errorAt(errors, field) ? (
      <p id={id} className="field-error" role="alert">
        {errorAt(errors, field)}
      </p>
    ) : null;
  const placed = ['name', 'mode', 'settings', 'staffBot'];

  return (
    <section className="card" aria-labelledby="bot-settings-title">
      <h2 id="bot-settings-title">{t('settings.telegram.title')}</h2>
      <dl className="facts">
        <dt>{t('settings.telegram.tokenHintLabel')}</dt>
        <dd>
          <code>{channel.tokenHint}</code>
        </dd>
      </dl>
      <form onSubmit={submit}>
        <fieldset disabled={!writable}>
          <label htmlFor="bot-name">{t('channels.name')}</label>
          <input
            id="bot-name"
            required
            maxLength={100}
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
          {message('name', 'bot-name-error')}
          <label htmlFor="bot-mode">{t('channels.mode')}</label>
          <select id="bot-mode" value={mode} onChange={(e) => setMode(e.target.value)}>
            <option value="webhook">{t('settings.channel.webhook')}</option>
            <option value="polling">{t('settings.channel.polling')}</option>
          </select>
          <p className="hint">{t('settings.telegram.modeHint')}</p>
          {message('mode', 'bot-mode-error')}
          <label htmlFor="bot-rate">{t('settings.telegram.rate')}</label>
          <input
            id="bot-rate"
            type="number"
            min={1}
            max={form.paidBroadcasts ? PAID_RATE_LIMIT : FREE_RATE_LIMIT}
            step={1}
            className="short-input"
            placeholder={String(FREE_RATE_LIMIT)}
            value={form.rateLimitPerSecond}
            onChange={(e) => setForm({ ...form, rateLimitPerSecond: e.target.value })}
          />
          {message('settings/rateLimitPerSecond', 'bot-rate-error')}
          <label className="check">
            <input
              type="checkbox"
              checked={form.paidBroadcasts}
              onChange={(e) => setForm({ ...form, paidBroadcasts: e.target.checked })}
            />
            {t('settings.telegram.paidBroadcasts')}
          </label>
          <p className="hint">{t('settings.telegram.paidHint')}</p>
          {message('settings/paidBroadcasts', 'bot-paid-error')}
          <label className="check">
            <input
              type="checkbox"
              role="switch"
              aria-checked={staffBot}
              checked={staffBot}
              aria-describedby="bot-staff-hint"
              onChange={(e) => setStaffBot(e.target.checked)}
            />
            {t('settings.telegram.staffBot')}
          </label>
          <p id="bot-staff-hint" className="hint">
            {t('settings.telegram.staffBotHint')}
          </p>
          {message('staffBot', 'bot-staff-error')}
          <div className="field-row">
            <div>
              <label htmlFor="bot-settings-command">{t('settings.telegram.settingsCommand')}</label>
              <input
                id="bot-settings-command"
                placeholder={DEFAULT_COMMANDS.settings}
                value={form.settingsCommand}
                onChange={(e) => setForm({ ...form, settingsCommand: e.target.value })}
              />
            </div>
            <div>
              <label htmlFor="bot-stop-command">{t('settings.telegram.stopCommand')}</label>
              <input
                id="bot-stop-command"
                placeholder={DEFAULT_COMMANDS.stop}
                value={form.stopCommand}
                onChange={(e) => setForm({ ...form, stopCommand: e.target.value })}
              />
            </div>
          </div>
          {message('settings/settingsCommand', 'bot-settings-command-error')}
          {message('settings/stopCommand', 'bot-stop-command-error')}
          {Object.entries(errors)
            .filter(([k]) => !placed.some((p) => k === p || (p === 'settings' && k.startsWith('settings/'))))
            .map(([k, text]) => (
              <p key={k} className="form-error" role="alert">
                {text}
              </p>
            ))}
          <ChannelFormButtons
            saved={saved}
            writable={writable}
            pending={update.isPending}
            saveLabel={t('settings.save')}
            paused={channel.status === 'paused'}
            onTogglePause={togglePause}
          />
        </fieldset>
      </form>
      {writable ? <RotateTokenForm channel={channel} /> : null}
    </section>
  );
}

/** A new token from @BotFather for the same bot; the API refuses a token of another bot, naming it. */
function RotateTokenForm({ channel }: { channel: ChannelDetail }) {
  const { t } = useI18n();
  const update = useUpdateChannel(channel.id);
  const [token, setToken] = useState('');
  const [error, setError] = useState('');
  const [done, setDone] = useState(false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setError('');
    setDone(false);
    update.mutate(
      { token: token.trim() },
      {
        onSuccess: () => {
          setToken('');
          setDone(true);
        },
        onError: (err) => setError(fieldErrors(err).token ?? problemText(err, t)),
      },
    );
  };
  return (
    <form onSubmit={submit} className="subform">
      <h3>{t('settings.telegram.rotate')}</h3>
      <p className="hint">{t('settings.telegram.rotateHint')}</p>
      <label htmlFor="bot-new-token">{t('settings.telegram.newToken')}</label>
      <input
        id="bot-new-token"
        required
        autoComplete="off"
        spellCheck={false}
        value={token}
        aria-invalid={error ? true : undefined}
        onChange={(e) => setToken(e.target.value)}
      />
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
      {done ? (
        <p className="form-ok" role="status">
          {t('settings.telegram.rotated')}
        </p>
      ) : null}
      <button type="submit" disabled={update.isPending}>
        {t('settings.telegram.rotate')}
      </button>
    </form>
  );
}
