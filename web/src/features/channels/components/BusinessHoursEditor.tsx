import type { MessageKey } from '../../../i18n/en.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import {
  addRange,
  copyDay,
  crossesMidnight,
  MAX_RANGES,
  type RangeProblem,
  rangeProblems,
  removeRange,
  setRange,
  WEEKDAYS,
  type Week,
} from '../business-hours.ts';
import type { Weekday } from '../types.ts';

const DAY: Record<Weekday, MessageKey> = {
  mon: 'settings.day.mon',
  tue: 'settings.day.tue',
  wed: 'settings.day.wed',
  thu: 'settings.day.thu',
  fri: 'settings.day.fri',
  sat: 'settings.day.sat',
  sun: 'settings.day.sun',
};
const PROBLEM: Record<RangeProblem, MessageKey> = {
  time: 'settings.hours.badTime',
  same: 'settings.hours.same',
  overlap: 'settings.hours.overlap',
};
const WORKDAYS: Weekday[] = ['tue', 'wed', 'thu', 'fri'];

/** The week's working hours: ranges per day (none = closed), a range past midnight allowed, Monday copied in a click. */
export function BusinessHoursEditor({
  week,
  onChange,
  disabled,
  errorFor,
}: {
  week: Week;
  onChange: (week: Week) => void;
  disabled: boolean;
  /** The API's message for a day, if it refused one. */
  errorFor: (day: Weekday) => string | undefined;
}) {
  const { t } = useI18n();
  return (
    <div className="hours-editor">
      {WEEKDAYS.map((day) => {
        const problems = rangeProblems(week[day]);
        const apiError = errorFor(day);
        return (
          <fieldset key={day} className="hours-day">
            <legend className="hours-day-name">{t(DAY[day])}</legend>
            <div className="hours-ranges">
              {week[day].length === 0 ? <span className="hint">{t('settings.hours.closed')}</span> : null}
              {week[day].map((range, i) => (
                // Ranges have no identity of their own and every input is controlled, so the position is the key.
                // biome-ignore lint/suspicious/noArrayIndexKey: see above
                <div key={`${day}-${i}`} className="hours-range">
                  <input
                    type="time"
                    aria-label={t('settings.hours.fromOf', { day: t(DAY[day]), n: i + 1 })}
                    value={range.from}
                    disabled={disabled}
                    aria-invalid={problems.has(i) ? true : undefined}
                    onChange={(e) => onChange(setRange(week, day, i, { from: e.target.value }))}
                  />
                  <span aria-hidden="true">–</span>
                  <input
                    type="time"
                    aria-label={t('settings.hours.toOf', { day: t(DAY[day]), n: i + 1 })}
                    value={range.to}
                    disabled={disabled}
                    aria-invalid={problems.has(i) ? true : undefined}
                    onChange={(e) => onChange(setRange(week, day, i, { to: e.target.value }))}
                  />
                  {crossesMidnight(range) ? (
                    <span className="hint">{t('settings.hours.overnight')}</span>
                  ) : null}
                  {!disabled ? (
                    <button
                      type="button"
                      className="button-quiet"
                      aria-label={t('settings.hours.removeOf', { day: t(DAY[day]), n: i + 1 })}
                      onClick={() => onChange(removeRange(week, day, i))}
                    >
                      ×
                    </button>
                  ) : null}
                  {problems.has(i) ? (
                    <span className="field-error" role="alert">
                      {t(PROBLEM[problems.get(i)!])}
                    </span>
                  ) : null}
                </div>
              ))}
              {apiError ? (
                <p className="field-error" role="alert">
                  {apiError}
                </p>
              ) : null}
            </div>
            {!disabled ? (
              <div className="hours-actions">
                <button
                  type="button"
                  disabled={week[day].length >= MAX_RANGES}
                  onClick={() => onChange(addRange(week, day))}
                >
                  {t('settings.hours.add')}
                </button>
                {day === 'mon' ? (
                  <button type="button" onClick={() => onChange(copyDay(week, 'mon', WORKDAYS))}>
                    {t('settings.hours.copyMonday')}
                  </button>
                ) : null}
              </div>
            ) : null}
          </fieldset>
        );
      })}
    </div>
  );
}
