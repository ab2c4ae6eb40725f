import { useState } from 'react';
import type { MessageKey } from '../../../i18n/en.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import { useMe, usePermissions } from '../../../lib/me.ts';
import { useReportChannels } from '../api.ts';
import { type Period, PRESETS, periodProblem, presetPeriod, todayIn } from '../period.ts';
import { InboxSection, MessagesSection, SubscribersSection } from './ActivitySections.tsx';
import { CouponsSection } from './CouponsSection.tsx';
import { BroadcastsSection, NotificationsSection, PreferencesSection } from './DeliverySections.tsx';
import type { ReportScope } from './ReportCard.tsx';

type Choice = (typeof PRESETS)[number] | 'custom';

const PROBLEM: Record<NonNullable<ReturnType<typeof periodProblem>>, MessageKey> = {
  missing: 'reports.period.problem.missing',
  order: 'reports.period.problem.order',
  tooLong: 'reports.period.problem.tooLong',
};

/** The dashboard: one period for every report; each report shows only to roles that may read its data. */
export function ReportsPage() {
  const { t } = useI18n();
  const me = useMe();
  const can = usePermissions();
  const zone = me.data?.timezone ?? null;
  const today = todayIn(zone);
  const [choice, setChoice] = useState<Choice>(30);
  const [custom, setCustom] = useState<Period>(() => presetPeriod(30, today));
  const period = choice === 'custom' ? custom : presetPeriod(choice, today);
  const problem = choice === 'custom' ? periodProblem(custom) : null;
  // The channel filter narrows the per-channel reports; roles that cannot list channels see every channel.
  const channels = useReportChannels(can('channels:read'));
  const [channelId, setChannelId] = useState('');
  const chosen = channels.data?.find((c) => c.id === channelId) ?? null;
  const scope: ReportScope = { period, zone, channel: chosen ? { id: chosen.id, name: chosen.name } : null };

  return (
    <div className="page reports">
      <h1>{t('reports.title')}</h1>
      <fieldset className="card report-period">
        <legend>{t('reports.period')}</legend>
        <div className="segmented">
          {[...PRESETS, 'custom' as const].map((c) => (
            <label key={c}>
              <input
                type="radio"
                name="report-period"
                checked={choice === c}
                onChange={() => {
                  if (c === 'custom') setCustom(period);
                  setChoice(c);
                }}
              />
              {c === 'custom' ? t('reports.period.custom') : t('reports.period.days', { days: c })}
            </label>
          ))}
        </div>
        {choice === 'custom' ? (
          <div className="report-dates">
            <label className="compact-field">
              {t('reports.period.from')}
              <input
                type="date"
                value={custom.from}
                max={today}
                onChange={(e) => setCustom({ ...custom, from: e.target.value })}
              />
            </label>
            <label className="compact-field">
              {t('reports.period.to')}
              <input
                type="date"
                value={custom.to}
                max={today}
                onChange={(e) => setCustom({ ...custom, to: e.target.value })}
              />
            </label>
          </div>
        ) : null}
        {problem ? (
          <p className="form-error" role="alert">
            {t(PROBLEM[problem])}
          </p>
        ) : null}
        {channels.data && channels.data.length > 1 ? (
          <div className="compact-field report-channel">
            <label htmlFor="report-channel">{t('reports.channel')}</label>
            <select id="report-channel" value={channelId} onChange={(e) => setChannelId(e.target.value)}>
              <option value="">{t('reports.channel.all')}</option>
              {channels.data.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </div>
        ) : null}
      </fieldset>
      {problem ? null : (
        <div className="report-grid">
          {can('conversations:read') ? <InboxSection scope={scope} /> : null}
          {can('conversations:read') ? <MessagesSection scope={scope} /> : null}
          {can('contacts:read') ? <SubscribersSection scope={scope} /> : null}
          {can('broadcasts:read') ? <BroadcastsSection scope={scope} /> : null}
          {can('notifications:read') ? <NotificationsSection scope={scope} /> : null}
          {can('contacts:read') ? <PreferencesSection scope={scope} /> : null}
          {can('coupons:read') ? <CouponsSection scope={scope} /> : null}
        </div>
      )}
    </div>
  );
}
