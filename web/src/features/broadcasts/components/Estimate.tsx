import { useI18n } from '../../../i18n/i18n.tsx';
import { durationParts, estimateDuration, type ScheduleKind } from '../create-logic.ts';

/** A duration as "1 h 5 min 3 s" in the current language (Intl units), leaving out zero parts. */
export function useDurationText(): (seconds: number) => string {
  const { locale } = useI18n();
  return (seconds) => {
    const p = durationParts(seconds);
    const unit = (u: 'hour' | 'minute' | 'second', n: number) =>
      new Intl.NumberFormat(locale, { style: 'unit', unit: u, unitDisplay: 'short' }).format(n);
    const parts = [
      p.hours ? unit('hour', p.hours) : '',
      p.minutes ? unit('minute', p.minutes) : '',
      p.seconds || (!p.hours && !p.minutes) ? unit('second', p.seconds) : '',
    ];
    return parts.filter(Boolean).join(' ');
  };
}

/** The confirm step's estimate: recipients ÷ the bot's rate, and how that is computed. */
export function Estimate({
  recipients,
  rate,
  schedule,
}: {
  recipients: number | undefined;
  rate: number | undefined;
  schedule: ScheduleKind;
}) {
  const { t, fmt } = useI18n();
  const duration = useDurationText();
  if (recipients === undefined || rate === undefined)
    return <p className="hint">{t('broadcasts.estimate.unknown')}</p>;
  const e = estimateDuration(recipients, rate, schedule);
  return (
    <div className="bc-estimate" data-testid="estimate">
      <p>
        <strong>{t('broadcasts.estimate.value', { duration: duration(e.seconds) })}</strong>
      </p>
      <p className="hint">
        {t('broadcasts.estimate.how', { recipients: fmt.number(recipients), rate: fmt.number(rate) })}
      </p>
      {e.byLocalTime ? <p className="hint">{t('broadcasts.estimate.local')}</p> : null}
    </div>
  );
}
