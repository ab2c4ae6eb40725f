import { useState } from 'react';
import { useI18n } from '../../../i18n/i18n.tsx';
import { ApiError } from '../../../lib/api.ts';
import { Link } from '../../../lib/router.tsx';
import {
  type ChannelKind,
  useNotification,
  useNotificationTypes,
  useSendNotification,
  useTemplateOptions,
} from '../api.ts';
import { parseData } from '../log-filters.ts';
import { localName } from '../type-name.ts';
import { ContactPicker } from './ContactPicker.tsx';
import { CHANNEL_LABEL, STATUS_LABEL } from './labels.ts';

/**
 * Triggers one notification to a chosen contact exactly as the business's backend would (POST /api/v1/notifications),
 * so preferences, quiet hours and fallbacks apply: a test of the whole path, not a preview. Data starts as the
 * template's sample data.
 */
export function SendTestPage() {
  const { t, locale } = useI18n();
  const types = useNotificationTypes();
  const templates = useTemplateOptions();
  const send = useSendNotification();
  const [typeKey, setTypeKey] = useState('');
  const [contactId, setContactId] = useState('');
  const [channel, setChannel] = useState<'' | ChannelKind>('');
  const [dataText, setDataText] = useState('{}');
  const type = types.data?.find((x) => x.key === typeKey);
  const parsed = parseData(dataText);

  const chooseType = (key: string) => {
    setTypeKey(key);
    setChannel('');
    const chosen = types.data?.find((x) => x.key === key);
    const templateId = chosen?.templates.telegram ?? chosen?.templates.email;
    const sample = templates.data?.find((x) => x.id === templateId)?.sampleData;
    setDataText(JSON.stringify(sample ?? {}, null, 2));
  };

  return (
    <>
      <form
        className="card nt-send"
        aria-label={t('notifications.send.title')}
        onSubmit={(e) => {
          e.preventDefault();
          if ('error' in parsed || !typeKey || !contactId) return;
          send.mutate({
            type: typeKey,
            to: { contactId },
            data: parsed.data,
            ...(channel ? { channels: [channel] } : {}),
          });
        }}
      >
        <h2>{t('notifications.send.title')}</h2>
        <p className="hint">{t('notifications.send.hint')}</p>
        <label htmlFor="nt-send-type">{t('notifications.log.type')}</label>
        <select id="nt-send-type" value={typeKey} required onChange={(e) => chooseType(e.target.value)}>
          <option value="">{t('notifications.types.chooseType')}</option>
          {(types.data ?? []).map((x) => (
            <option key={x.id} value={x.key} disabled={!x.enabled}>
              {localName(x.name, locale)}
            </option>
          ))}
        </select>
        <ContactPicker
          id="nt-send-contact"
          label="notifications.send.contact"
          value={contactId}
          onChange={setContactId}
        />
        {type ? (
          <>
            <label htmlFor="nt-send-channel">{t('notifications.send.channel')}</label>
            <select
              id="nt-send-channel"
              value={channel}
              onChange={(e) => setChannel(e.target.value as '' | ChannelKind)}
            >
              <option value="">{t('notifications.send.typeOrder')}</option>
              {type.channels.map((c) => (
                <option key={c} value={c}>
                  {t(CHANNEL_LABEL[c]!)}
                </option>
              ))}
            </select>
          </>
        ) : null}
        <label htmlFor="nt-send-data">{t('notifications.send.data')}</label>
        <textarea
          id="nt-send-data"
          rows={8}
          className="nt-code"
          value={dataText}
          onChange={(e) => setDataText(e.target.value)}
        />
        {'error' in parsed ? (
          <p className="form-error" role="alert">
            {t('notifications.send.badData')}
          </p>
        ) : null}
        {send.error ? (
          <p className="form-error" role="alert">
            {send.error instanceof ApiError && send.error.details.length
              ? send.error.details.map((d) => `${d.path ?? ''} ${d.message}`).join('; ')
              : send.error.message}
          </p>
        ) : null}
        <button
          type="submit"
          className="button-primary"
          disabled={send.isPending || !typeKey || !contactId || 'error' in parsed}
        >
          {t('notifications.send.submit')}
        </button>
      </form>
      {send.data ? <SentResult id={send.data.id} /> : null}
    </>
  );
}

/** Where the notification just sent stands, updated until it settles. */
function SentResult({ id }: { id: string }) {
  const { t } = useI18n();
  const n = useNotification(id);
  return (
    <p className="card" role="status" data-testid="sent-result">
      {t('notifications.send.queued')}{' '}
      {n.data ? (
        <span className={`nt-status nt-status-${n.data.status}`}>{t(STATUS_LABEL[n.data.status])}</span>
      ) : null}
      {n.data?.reason ? <span className="hint"> · {n.data.reason}</span> : null}{' '}
      <Link to={`/notifications/${id}`}>{t('notifications.send.open')}</Link>
    </p>
  );
}
