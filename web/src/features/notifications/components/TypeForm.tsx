import { useState } from 'react';
import { useI18n } from '../../../i18n/i18n.tsx';
import { ApiError } from '../../../lib/api.ts';
import {
  type ChannelKind,
  type NotificationType,
  useCreateType,
  useTemplateOptions,
  useUpdateType,
} from '../api.ts';
import { localName } from '../type-name.ts';
import { CHANNEL_LABEL } from './labels.ts';

const KINDS: ChannelKind[] = ['telegram', 'email'];
const FORMAT: Record<ChannelKind, string> = { telegram: 'telegram_html', email: 'email_html' };

/** Creates a custom type (no `type`) or changes one: name, category, channels in order, a template per channel. */
export function TypeForm({ type, onDone }: { type?: NotificationType; onDone: () => void }) {
  const { t, locale } = useI18n();
  const templates = useTemplateOptions();
  const create = useCreateType();
  const update = useUpdateType();
  const [key, setKey] = useState('');
  const [name, setName] = useState(type?.name ?? '');
  const [category, setCategory] = useState(type?.category ?? 'transactional');
  const [critical, setCritical] = useState(type?.critical ?? false);
  const [channels, setChannels] = useState<ChannelKind[]>(type?.channels ?? ['telegram']);
  const [tpl, setTpl] = useState<Record<ChannelKind, string>>({
    telegram: type?.templates.telegram ?? '',
    email: type?.templates.email ?? '',
  });
  const mutation = type ? update : create;
  const error = mutation.error;
  const prefix = type ? `nt-edit-${type.id}` : 'nt-new';

  const submit = () => {
    const templatesBody = Object.fromEntries(channels.map((c) => [c, tpl[c] || undefined]));
    const body = {
      name,
      category,
      critical: category === 'marketing' ? false : critical,
      channels,
      templates: templatesBody,
    };
    if (type) update.mutate({ key: type.key, patch: body }, { onSuccess: onDone });
    else create.mutate({ key, ...body }, { onSuccess: onDone });
  };
  const toggle = (c: ChannelKind) =>
    setChannels((cur) => (cur.includes(c) ? cur.filter((x) => x !== c) : [...cur, c]));

  return (
    <form
      className="nt-type-form"
      aria-label={
        type
          ? t('notifications.types.editOf', { name: localName(type.name, locale) })
          : t('notifications.types.new')
      }
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      {type ? null : (
        <>
          <label htmlFor={`${prefix}-key`}>{t('notifications.types.key')}</label>
          <input
            id={`${prefix}-key`}
            value={key}
            required
            pattern="[a-z0-9][a-z0-9_.\-]{0,63}"
            onChange={(e) => setKey(e.target.value)}
          />
          <p className="hint">{t('notifications.types.keyHint')}</p>
        </>
      )}
      <label htmlFor={`${prefix}-name`}>{t('notifications.types.name')}</label>
      <input id={`${prefix}-name`} value={name} required onChange={(e) => setName(e.target.value)} />
      <label htmlFor={`${prefix}-category`}>{t('notifications.types.category')}</label>
      <select
        id={`${prefix}-category`}
        value={category}
        onChange={(e) => setCategory(e.target.value as NotificationType['category'])}
      >
        <option value="transactional">{t('notifications.types.transactional')}</option>
        <option value="marketing">{t('notifications.types.marketing')}</option>
      </select>
      {category === 'transactional' ? (
        <label className="compact-field nt-check">
          <input type="checkbox" checked={critical} onChange={(e) => setCritical(e.target.checked)} />
          {t('notifications.types.criticalHint')}
        </label>
      ) : null}
      <fieldset className="nt-channels">
        <legend>{t('notifications.types.channels')}</legend>
        {KINDS.map((c) => (
          <div key={c} className="nt-channel-row">
            <label className="compact-field">
              <input type="checkbox" checked={channels.includes(c)} onChange={() => toggle(c)} />
              {t(CHANNEL_LABEL[c]!)}
              {channels.includes(c) ? ` (${channels.indexOf(c) + 1})` : null}
            </label>
            {channels.includes(c) ? (
              <select
                aria-label={t('notifications.types.templateFor', { channel: t(CHANNEL_LABEL[c]!) })}
                value={tpl[c]}
                onChange={(e) => setTpl({ ...tpl, [c]: e.target.value })}
              >
                <option value="">{t('notifications.types.chooseTemplate')}</option>
                {(templates.data ?? [])
                  .filter((x) => x.format === FORMAT[c])
                  .map((x) => (
                    <option key={x.id} value={x.id}>
                      {x.name}
                    </option>
                  ))}
              </select>
            ) : null}
          </div>
        ))}
        <p className="hint">{t('notifications.types.orderHint')}</p>
      </fieldset>
      {error ? (
        <p className="form-error" role="alert">
          {error instanceof ApiError && error.details.length
            ? error.details.map((d) => `${d.path ?? ''} ${d.message}`).join('; ')
            : error.message}
        </p>
      ) : null}
      <div className="nt-actions">
        <button type="submit" className="button-primary" disabled={mutation.isPending}>
          {type ? t('notifications.types.save') : t('notifications.types.create')}
        </button>
        <button type="button" onClick={onDone}>
          {t('notifications.types.cancel')}
        </button>
      </div>
    </form>
  );
}
