import { useI18n } from '../../../i18n/i18n.tsx';
import type { InboxReport, MessagesReport, SubscribersReport } from '../api.ts';
import { dayLabel, percent, seconds } from '../report-format.ts';
import { BarChart, LineChart } from './Chart.tsx';
import { ReportCard, type ReportScope, Stats } from './ReportCard.tsx';

/** Conversations opened and resolved, response and resolution times, CSAT. */
export function InboxSection({ scope }: { scope: ReportScope }) {
  const { t, fmt, locale } = useI18n();
  return (
    <ReportCard<InboxReport>
      name="inbox"
      title={t('reports.inbox.title')}
      hint={t('reports.inbox.hint')}
      scope={scope}
    >
      {(r) => {
        const days = r.byDay.map((d) => dayLabel(locale, d.day));
        const secs = (n: number) => seconds(locale, n);
        return (
          <>
            <Stats
              items={[
                { label: t('reports.inbox.opened'), value: fmt.number(r.totals.conversationsOpened) },
                { label: t('reports.inbox.resolved'), value: fmt.number(r.totals.conversationsResolved) },
                {
                  label: t('reports.inbox.frtMedian'),
                  value:
                    r.totals.firstResponseTime.median === null
                      ? '—'
                      : secs(r.totals.firstResponseTime.median),
                },
                {
                  label: t('reports.inbox.csatAverage'),
                  value: r.totals.csat.average === null ? '—' : fmt.number(r.totals.csat.average),
                },
                { label: t('reports.inbox.csatRate'), value: percent(locale, r.totals.csat.responseRate) },
              ]}
            />
            <h3>{t('reports.inbox.conversations')}</h3>
            <BarChart
              title={t('reports.inbox.conversations')}
              categories={days}
              format={fmt.number}
              series={[
                { label: t('reports.inbox.opened'), values: r.byDay.map((d) => d.conversationsOpened) },
                { label: t('reports.inbox.resolved'), values: r.byDay.map((d) => d.conversationsResolved) },
              ]}
            />
            <h3>{t('reports.inbox.times')}</h3>
            <LineChart
              title={t('reports.inbox.times')}
              categories={days}
              format={secs}
              axis="seconds"
              series={[
                {
                  label: t('reports.inbox.frtMedian'),
                  values: r.byDay.map((d) => d.firstResponseTime.median),
                },
                { label: t('reports.inbox.frtP90'), values: r.byDay.map((d) => d.firstResponseTime.p90) },
                { label: t('reports.inbox.resMedian'), values: r.byDay.map((d) => d.resolutionTime.median) },
                { label: t('reports.inbox.resP90'), values: r.byDay.map((d) => d.resolutionTime.p90) },
              ]}
            />
            <h3>{t('reports.inbox.csat')}</h3>
            <LineChart
              title={t('reports.inbox.csat')}
              categories={days}
              format={fmt.number}
              series={[{ label: t('reports.inbox.csatAverage'), values: r.byDay.map((d) => d.csat.average) }]}
            />
          </>
        );
      }}
    </ReportCard>
  );
}

/** Messages in and out per day, and per channel. */
export function MessagesSection({ scope }: { scope: ReportScope }) {
  const { t, fmt, locale } = useI18n();
  return (
    <ReportCard<MessagesReport>
      name="messages"
      title={t('reports.messages.title')}
      hint={t('reports.messages.hint')}
      scope={scope}
    >
      {(r) => (
        <>
          <Stats
            items={[
              { label: t('reports.messages.incoming'), value: fmt.number(r.totals.incoming) },
              { label: t('reports.messages.outgoing'), value: fmt.number(r.totals.outgoing) },
              { label: t('reports.messages.failed'), value: fmt.number(r.totals.failed) },
            ]}
          />
          <BarChart
            title={t('reports.messages.title')}
            categories={r.byDay.map((d) => dayLabel(locale, d.day))}
            format={fmt.number}
            series={[
              { label: t('reports.messages.incoming'), values: r.byDay.map((d) => d.incoming) },
              { label: t('reports.messages.outgoing'), values: r.byDay.map((d) => d.outgoing) },
            ]}
          />
          {r.byChannel.length > 0 ? (
            <BarChart
              title={t('reports.messages.byChannel')}
              categories={r.byChannel.map((c) => c.channelName)}
              keys={r.byChannel.map((c) => c.channelId)}
              format={fmt.number}
              series={[
                { label: t('reports.messages.incoming'), values: r.byChannel.map((c) => c.incoming) },
                { label: t('reports.messages.outgoing'), values: r.byChannel.map((c) => c.outgoing) },
                { label: t('reports.messages.failed'), values: r.byChannel.map((c) => c.failed) },
              ]}
            />
          ) : null}
        </>
      )}
    </ReportCard>
  );
}

/** Subscribers gained and lost per day, and per channel. */
export function SubscribersSection({ scope }: { scope: ReportScope }) {
  const { t, fmt, locale } = useI18n();
  return (
    <ReportCard<SubscribersReport>
      name="subscribers"
      title={t('reports.subscribers.title')}
      hint={t('reports.subscribers.hint')}
      scope={scope}
    >
      {(r) => (
        <>
          <Stats
            items={[
              { label: t('reports.subscribers.gained'), value: fmt.number(r.totals.gained) },
              { label: t('reports.subscribers.blocked'), value: fmt.number(r.totals.blocked) },
              { label: t('reports.subscribers.net'), value: fmt.number(r.totals.gained - r.totals.blocked) },
            ]}
          />
          <BarChart
            title={t('reports.subscribers.title')}
            categories={r.byDay.map((d) => dayLabel(locale, d.day))}
            format={fmt.number}
            series={[
              { label: t('reports.subscribers.gained'), values: r.byDay.map((d) => d.gained) },
              { label: t('reports.subscribers.blocked'), values: r.byDay.map((d) => d.blocked) },
            ]}
          />
        </>
      )}
    </ReportCard>
  );
}
