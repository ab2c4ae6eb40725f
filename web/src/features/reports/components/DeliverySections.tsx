import { useI18n } from '../../../i18n/i18n.tsx';
import type { BroadcastsReport, NotificationsReport, PreferencesReport } from '../api.ts';
import { percent } from '../report-format.ts';
import { BarChart } from './Chart.tsx';
import { ReportCard, type ReportScope, Stats } from './ReportCard.tsx';

/** Broadcasts started in the period: outcomes and clicks per broadcast. */
export function BroadcastsSection({ scope }: { scope: ReportScope }) {
  const { t, fmt, locale } = useI18n();
  return (
    <ReportCard<BroadcastsReport>
      name="broadcasts"
      title={t('reports.broadcasts.title')}
      hint={t('reports.broadcasts.hint')}
      scope={scope}
    >
      {(r) => (
        <>
          <Stats
            items={[
              { label: t('reports.broadcasts.count'), value: fmt.number(r.totals.broadcasts) },
              { label: t('reports.broadcasts.sent'), value: fmt.number(r.totals.sent) },
              { label: t('reports.broadcasts.clicks'), value: fmt.number(r.totals.clicks) },
              { label: t('reports.broadcasts.clickRate'), value: percent(locale, r.totals.clickRate) },
            ]}
          />
          {r.broadcasts.length === 0 ? (
            <p className="page-message">{t('reports.broadcasts.none')}</p>
          ) : (
            <>
              <BarChart
                title={t('reports.broadcasts.title')}
                categories={r.broadcasts.map((b) => b.title)}
                keys={r.broadcasts.map((b) => b.id)}
                format={fmt.number}
                series={[
                  { label: t('reports.broadcasts.sent'), values: r.broadcasts.map((b) => b.sent) },
                  { label: t('reports.broadcasts.failed'), values: r.broadcasts.map((b) => b.failed) },
                  { label: t('reports.broadcasts.blocked'), values: r.broadcasts.map((b) => b.blocked) },
                ]}
              />
              <div className="table-scroll">
                <table className="table">
                  <thead>
                    <tr>
                      <th scope="col">{t('reports.broadcasts.name')}</th>
                      <th scope="col">{t('reports.broadcasts.started')}</th>
                      <th scope="col">{t('reports.broadcasts.recipients')}</th>
                      <th scope="col">{t('reports.broadcasts.sent')}</th>
                      <th scope="col">{t('reports.broadcasts.failed')}</th>
                      <th scope="col">{t('reports.broadcasts.blocked')}</th>
                      <th scope="col">{t('reports.broadcasts.clicks')}</th>
                      <th scope="col">{t('reports.broadcasts.clickRate')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {r.broadcasts.map((b) => (
                      <tr key={b.id}>
                        <th scope="row">{b.title}</th>
                        <td>{fmt.dateTime(b.startedAt)}</td>
                        <td>{fmt.number(b.recipients)}</td>
                        <td>{fmt.number(b.sent)}</td>
                        <td>{fmt.number(b.failed)}</td>
                        <td>{fmt.number(b.blocked)}</td>
                        <td>{fmt.number(b.clicks)}</td>
                        <td>{percent(locale, b.clickRate)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )}
        </>
      )}
    </ReportCard>
  );
}

/** Notification delivery per type: sent per channel, skipped (with reasons), failed, fallbacks. */
export function NotificationsSection({ scope }: { scope: ReportScope }) {
  const { t, fmt, locale } = useI18n();
  return (
    <ReportCard<NotificationsReport>
      name="notifications"
      title={t('reports.notifications.title')}
      hint={t('reports.notifications.hint')}
      scope={scope}
    >
      {(r) => (
        <>
          <Stats
            items={[
              { label: t('reports.notifications.created'), value: fmt.number(r.totals.created) },
              { label: t('reports.notifications.sentTelegram'), value: fmt.number(r.totals.sent.telegram) },
              { label: t('reports.notifications.sentEmail'), value: fmt.number(r.totals.sent.email) },
              { label: t('reports.notifications.skipped'), value: fmt.number(r.totals.skipped) },
              { label: t('reports.notifications.failed'), value: fmt.number(r.totals.failed) },
              { label: t('reports.notifications.fallbacks'), value: fmt.number(r.totals.fallbacks) },
              {
                label: t('reports.notifications.topicClicks'),
                value: fmt.number(r.totals.engagement.clicks),
              },
              {
                label: t('reports.notifications.topicClickRate'),
                value: percent(locale, r.totals.engagement.clickRate),
              },
            ]}
          />
          {r.types.length === 0 ? (
            <p className="page-message">{t('reports.notifications.none')}</p>
          ) : (
            <>
              <BarChart
                title={t('reports.notifications.title')}
                categories={r.types.map((x) => x.typeName ?? x.typeKey)}
                keys={r.types.map((x) => x.typeKey)}
                format={fmt.number}
                series={[
                  {
                    label: t('reports.notifications.sentTelegram'),
                    values: r.types.map((x) => x.sent.telegram),
                  },
                  { label: t('reports.notifications.sentEmail'), values: r.types.map((x) => x.sent.email) },
                  { label: t('reports.notifications.skipped'), values: r.types.map((x) => x.skipped) },
                  { label: t('reports.notifications.failed'), values: r.types.map((x) => x.failed) },
                ]}
              />
              {r.totals.skippedByReason.length > 0 ? (
                <>
                  <h3>{t('reports.notifications.skipReasons')}</h3>
                  <ul className="report-reasons">
                    {r.totals.skippedByReason.map((s) => (
                      <li key={s.reason}>
                        <span>{s.reason || '—'}</span> <strong>{fmt.number(s.count)}</strong>
                      </li>
                    ))}
                  </ul>
                </>
              ) : null}
            </>
          )}
        </>
      )}
    </ReportCard>
  );
}

/** Preference statistics: opt-outs per type and channel, unsubscribed, preferred channel. */
export function PreferencesSection({ scope }: { scope: ReportScope }) {
  const { t, fmt } = useI18n();
  return (
    <ReportCard<PreferencesReport>
      name="preferences"
      title={t('reports.preferences.title')}
      hint={t('reports.preferences.hint')}
      scope={scope}
    >
      {(r) => (
        <>
          <Stats
            items={[
              { label: t('reports.preferences.contacts'), value: fmt.number(r.contacts) },
              { label: t('reports.preferences.unsubscribed'), value: fmt.number(r.marketing.unsubscribed) },
              {
                label: t('reports.preferences.unsubscribedInPeriod'),
                value: fmt.number(r.marketing.unsubscribedInPeriod),
              },
            ]}
          />
          <BarChart
            title={t('reports.preferences.channels')}
            categories={[
              t('reports.channel.telegram'),
              t('reports.channel.email'),
              t('reports.channel.none'),
            ]}
            format={fmt.number}
            series={[
              {
                label: t('reports.preferences.preferred'),
                values: [r.preferredChannel.telegram, r.preferredChannel.email, r.preferredChannel.none],
              },
              {
                label: t('reports.preferences.channelOff'),
                values: [r.channelsOff.telegram, r.channelsOff.email, null],
              },
            ]}
          />
          {r.types.length > 0 ? (
            <BarChart
              title={t('reports.preferences.types')}
              categories={r.types.map((x) => x.typeName ?? x.typeKey)}
              keys={r.types.map((x) => x.typeKey)}
              format={fmt.number}
              series={[
                { label: t('reports.preferences.typeOff'), values: r.types.map((x) => x.disabled) },
                { label: t('reports.preferences.telegramOff'), values: r.types.map((x) => x.telegramOff) },
                { label: t('reports.preferences.emailOff'), values: r.types.map((x) => x.emailOff) },
              ]}
            />
          ) : null}
        </>
      )}
    </ReportCard>
  );
}
