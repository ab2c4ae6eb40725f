import { useI18n } from '../../../i18n/i18n.tsx';
import { problemText } from '../../../lib/field-errors.ts';
import { useChannelHealth } from '../api.ts';
import { healthVerdict } from '../health.ts';
import type { ChannelDetail } from '../types.ts';

/** Receiving and sending at a glance: the verdict first, then the facts behind it (GET /channels/:id/health). */
export function ChannelHealthCard({ channel }: { channel: ChannelDetail }) {
  const { t, fmt } = useI18n();
  const health = useChannelHealth(channel.id, true);
  const h = health.data;
  const verdict = h ? healthVerdict(h) : null;
  const time = (iso: string | null | undefined) => (iso ? fmt.dateTime(iso) : t('channels.never'));

  return (
    <section className="card" aria-labelledby="health-title" data-testid="channel-health">
      <div className="card-head">
        <h2 id="health-title">{t('settings.health.title')}</h2>
        <button
          type="button"
          className="button-quiet"
          onClick={() => health.refetch()}
          disabled={health.isFetching}
        >
          {t('settings.health.refresh')}
        </button>
      </div>
      {health.error ? (
        <p className="form-error" role="alert">
          {problemText(health.error, t)}
        </p>
      ) : null}
      {verdict ? (
        <p
          className={`status-pill status-${verdict === 'ok' ? 'ok' : verdict === 'paused' ? 'paused' : 'error'}`}
        >
          {verdict === 'ok'
            ? t('channels.healthy')
            : verdict === 'paused'
              ? t('settings.channel.paused')
              : verdict === 'rateLimited'
                ? t('settings.health.rateLimited')
                : t('settings.health.problem')}
        </p>
      ) : null}
      {h ? (
        <dl className="facts">
          {h.mode ? (
            <>
              <dt>{t('channels.mode')}</dt>
              <dd>{h.mode === 'webhook' ? t('settings.channel.webhook') : t('settings.channel.polling')}</dd>
            </>
          ) : null}
          <dt>{t('channels.lastUpdate')}</dt>
          <dd>{time(h.lastUpdateAt)}</dd>
          <dt>{t('channels.lastError')}</dt>
          <dd>{h.lastError ? `${h.lastError} (${time(h.lastErrorAt)})` : t('settings.health.none')}</dd>
          <dt>{t('channels.backlog')}</dt>
          <dd>{fmt.number(h.updates.unprocessed)}</dd>
          {h.updates.lastProcessingError ? (
            <>
              <dt>{t('settings.health.gaveUp')}</dt>
              <dd>
                {h.updates.lastProcessingError.error} ({time(h.updates.lastProcessingError.receivedAt)})
              </dd>
            </>
          ) : null}
          {h.webhook ? (
            <>
              <dt>{t('settings.health.webhookUrl')}</dt>
              <dd>
                <code>{h.webhook.url || t('settings.health.notSet')}</code>
              </dd>
              <dt>{t('settings.health.pending')}</dt>
              <dd>{fmt.number(h.webhook.pendingUpdateCount)}</dd>
              {h.webhook.lastErrorMessage ? (
                <>
                  <dt>{t('settings.health.webhookError')}</dt>
                  <dd>
                    {h.webhook.lastErrorMessage} ({time(h.webhook.lastErrorDate)})
                  </dd>
                </>
              ) : null}
            </>
          ) : null}
          {h.webhookInfoError ? (
            <>
              <dt>{t('settings.health.webhookInfo')}</dt>
              <dd>{h.webhookInfoError}</dd>
            </>
          ) : null}
          {h.polling ? (
            <>
              <dt>{t('settings.health.poller')}</dt>
              <dd>
                {h.polling.lease
                  ? t('settings.health.pollerActive', {
                      pid: h.polling.lease.databasePid,
                      since: time(h.polling.lease.connectedAt),
                    })
                  : t('settings.health.pollerNone')}
              </dd>
            </>
          ) : null}
          <dt>{t('settings.health.sentLastMinute')}</dt>
          <dd>{fmt.number(h.sending.sentLastMinute)}</dd>
          {channel.type === 'telegram' ? (
            <>
              <dt>{t('settings.health.rate')}</dt>
              <dd>
                {t('settings.health.perSecond', { count: fmt.number(h.sending.rateLimitPerSecond) })}
                {h.sending.paidBroadcasts ? ` · ${t('settings.telegram.paidBroadcasts')}` : ''}
              </dd>
            </>
          ) : null}
          <dt>{t('settings.health.pause')}</dt>
          <dd>
            {h.sending.pausedUntil
              ? t('channels.pausedUntil', { time: fmt.dateTime(h.sending.pausedUntil) })
              : t('settings.health.none')}
          </dd>
        </dl>
      ) : null}
      {h ? (
        <p className="hint">{t('settings.health.checkedAt', { time: fmt.dateTime(h.checkedAt) })}</p>
      ) : null}
    </section>
  );
}
