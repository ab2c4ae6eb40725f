import { useState } from 'react';
import { useI18n } from '../../../i18n/i18n.tsx';
import { ApiError } from '../../../lib/api.ts';
import { usePermissions } from '../../../lib/me.ts';
import { type NotificationType, useNotificationTypes, useTemplateOptions, useUpdateType } from '../api.ts';
import { localName } from '../type-name.ts';
import { CHANNEL_LABEL } from './labels.ts';
import { TypeForm } from './TypeForm.tsx';

/** Notification types with their channels and templates; switch one off, change it, or create a custom one. */
export function TypesPage() {
  const { t, locale } = useI18n();
  const can = usePermissions();
  const types = useNotificationTypes();
  const templates = useTemplateOptions();
  const update = useUpdateType();
  const [editing, setEditing] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const templateName = (id: string | null) =>
    id ? (templates.data?.find((x) => x.id === id)?.name ?? id) : t('notifications.types.noTemplate');
  const writable = can('notifications:write');

  return (
    <>
      {writable && !creating ? (
        <button type="button" className="button-primary" onClick={() => setCreating(true)}>
          {t('notifications.types.new')}
        </button>
      ) : null}
      {creating ? <TypeForm onDone={() => setCreating(false)} /> : null}
      {types.error ? (
        <p className="form-error" role="alert">
          {t('error.generic', { message: types.error.message })}
        </p>
      ) : null}
      {update.error ? (
        <p className="form-error" role="alert">
          {update.error instanceof ApiError && update.error.details[0]
            ? update.error.details[0].message
            : update.error.message}
        </p>
      ) : null}
      <ul className="nt-types">
        {(types.data ?? []).map((x: NotificationType) => (
          <li key={x.id} className="card" data-testid="notification-type">
            <div className="nt-type-head">
              <div>
                <h2>{localName(x.name, locale)}</h2>
                <code>{x.key}</code>
                {x.builtIn ? <span className="nt-badge">{t('notifications.types.builtIn')}</span> : null}
                <span className="nt-badge">
                  {x.category === 'marketing'
                    ? t('notifications.types.marketing')
                    : t('notifications.types.transactional')}
                </span>
                {x.critical ? (
                  <span className="nt-badge nt-badge-critical">{t('notifications.types.critical')}</span>
                ) : null}
              </div>
              <label className="compact-field">
                <input
                  type="checkbox"
                  checked={x.enabled}
                  disabled={!writable || update.isPending}
                  onChange={(e) => update.mutate({ key: x.key, patch: { enabled: e.target.checked } })}
                />
                {t('notifications.types.enabled')}
              </label>
            </div>
            {x.description ? <p className="hint">{x.description}</p> : null}
            <dl className="facts">
              {x.channels.map((c, i) => (
                <div key={c} className="nt-channel-fact">
                  <dt>
                    {i + 1}. {t(CHANNEL_LABEL[c]!)}
                  </dt>
                  <dd>{templateName(x.templates[c])}</dd>
                </div>
              ))}
            </dl>
            {writable && editing !== x.id ? (
              <button type="button" className="button-quiet" onClick={() => setEditing(x.id)}>
                {t('notifications.types.edit')}
              </button>
            ) : null}
            {editing === x.id ? <TypeForm type={x} onDone={() => setEditing(null)} /> : null}
          </li>
        ))}
      </ul>
    </>
  );
}
