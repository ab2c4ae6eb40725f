import { useI18n } from '../../../i18n/i18n.tsx';
import { dayBars } from '../campaign-form.ts';

const BAR = 14;
const GAP = 4;
const HEIGHT = 120;

/** Issued and redeemed per day as pairs of bars; each day's figures are in its tooltip and in a table for screen readers. */
export function DayChart({ days }: { days: Array<{ day: string; issued: number; redemptions: number }> }) {
  const { t, fmt, locale } = useI18n();
  const { top, bars } = dayBars(days);
  const width = Math.max(1, bars.length) * (BAR * 2 + GAP * 2);
  const dayLabel = (day: string) =>
    new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(
      new Date(`${day}T00:00:00Z`),
    );
  return (
    <figure className="cp-chart">
      <figcaption>
        {t('coupons.stats.perDay')} <span className="cp-key cp-key-issued">{t('coupons.stats.issued')}</span>{' '}
        <span className="cp-key cp-key-redeemed">{t('coupons.stats.redemptions')}</span>{' '}
        <span className="hint">{t('coupons.stats.max', { n: fmt.number(top) })}</span>
      </figcaption>
      <div className="cp-chart-scroll">
        <svg
          width={width}
          height={HEIGHT}
          viewBox={`0 0 ${width} ${HEIGHT}`}
          role="img"
          aria-label={t('coupons.stats.perDay')}
          data-testid="day-chart"
        >
          {bars.map((b, i) => {
            const x = i * (BAR * 2 + GAP * 2);
            const hi = Math.round(b.issuedShare * (HEIGHT - 2));
            const hr = Math.round(b.redeemedShare * (HEIGHT - 2));
            return (
              <g key={b.day}>
                <title>
                  {t('coupons.stats.dayTip', {
                    day: dayLabel(b.day),
                    issued: fmt.number(b.issued),
                    redeemed: fmt.number(b.redemptions),
                  })}
                </title>
                <rect className="cp-bar-issued" x={x} y={HEIGHT - hi} width={BAR} height={hi} />
                <rect className="cp-bar-redeemed" x={x + BAR} y={HEIGHT - hr} width={BAR} height={hr} />
              </g>
            );
          })}
        </svg>
      </div>
      <table className="visually-hidden">
        <tbody>
          {days.map((d) => (
            <tr key={d.day}>
              <th>{dayLabel(d.day)}</th>
              <td>{d.issued}</td>
              <td>{d.redemptions}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
