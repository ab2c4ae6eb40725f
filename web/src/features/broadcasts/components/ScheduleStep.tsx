import { useI18n } from '../../../i18n/i18n.tsx';
import type { BroadcastDraft, ScheduleKind } from '../create-logic.ts';

const KINDS: ScheduleKind[] = ['now', 'at', 'local'];

/** Step 3: now, at a time (in the user's time zone), or at a time on each recipient's clock; quiet hours for any of them. */
export function ScheduleStep({
  draft,
  change,
  zone,
}: {
  draft: BroadcastDraft;
  change: (patch: Partial<BroadcastDraft>) => void;
  zone: string;
}) {
  const { t } = useI18n();
  const label = {
    now: t('broadcasts.schedule.now'),
    at: t('broadcasts.schedule.at'),
    local: t('broadcasts.schedule.local'),
  };
  return (
    <fieldset className="card">
      <legend>{t('broadcasts.step.schedule')}</legend>
      <div className="bc-choice-list" role="radiogroup" aria-label={t('broadcasts.step.schedule')}>
        {KINDS.map((k) => (
          <label key={k}>
            <input
              type="radio"
              name="bc-schedule"
              checked={draft.schedule === k}
              onChange={() => change({ schedule: k })}
            />
            {label[k]}
          </label>
        ))}
      </div>
      {draft.schedule === 'at' ? (
        <>
          <label htmlFor="bc-at">{t('broadcasts.schedule.atLabel', { zone })}</label>
          <input
            id="bc-at"
            type="datetime-local"
            step={1}
            value={draft.at}
            onChange={(e) => change({ at: e.target.value })}
          />
        </>
      ) : null}
      {draft.schedule === 'local' ? (
        <>
          <label htmlFor="bc-local">{t('broadcasts.schedule.localLabel')}</label>
          <input
            id="bc-local"
            type="time"
            value={draft.localTime}
            onChange={(e) => change({ localTime: e.target.value })}
          />
          <p className="hint">{t('broadcasts.schedule.localHint')}</p>
        </>
      ) : null}
      <label className="compact-field bc-quiet-toggle">
        <input
          type="checkbox"
          checked={draft.quietHours !== null}
          onChange={(e) => change({ quietHours: e.target.checked ? { from: '22:00', to: '09:00' } : null })}
        />
        {t('broadcasts.schedule.quiet')}
      </label>
      {draft.quietHours ? (
        <div className="bc-quiet">
          <label className="compact-field">
            {t('broadcasts.schedule.quietFrom')}
            <input
              type="time"
              value={draft.quietHours.from}
              onChange={(e) => change({ quietHours: { ...draft.quietHours!, from: e.target.value } })}
            />
          </label>
          <label className="compact-field">
            {t('broadcasts.schedule.quietTo')}
            <input
              type="time"
              value={draft.quietHours.to}
              onChange={(e) => change({ quietHours: { ...draft.quietHours!, to: e.target.value } })}
            />
          </label>
          <p className="hint">{t('broadcasts.schedule.quietHint')}</p>
        </div>
      ) : null}
    </fieldset>
  );
}
