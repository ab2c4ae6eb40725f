import { useI18n } from '../../../i18n/i18n.tsx';
import { problemText } from '../../../lib/field-errors.ts';
import { useCampaignStats } from '../api.ts';
import { DayChart } from './DayChart.tsx';
import { SOURCE_LABEL } from './labels.ts';

/** The last 30 days: issued, redeemed, conversion; per issuing source, per staff member and location; per day. */
export function CampaignStats({ id, zone }: { id: string; zone: string }) {
  const { t, fmt, locale } = useI18n();
  const stats = useCampaignStats(id, zone);
  const percent = (x: number) =>
    new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(x);
  if (stats.isPending) return <p className="page-message">{t('app.loading')}</p>;
  if (stats.isError) return <p className="form-error">{problemText(stats.error, t)}</p>;
  const s = stats.data;
  return (
    <section className="card" aria-labelledby="cp-stats-title">
      <h2 id="cp-stats-title">{t('coupons.stats.title')}</h2>
      <dl className="cp-tiles">
        <div>
          <dt>{t('coupons.stats.issued')}</dt>
          <dd data-testid="stat-issued">{fmt.number(s.totals.issued)}</dd>
        </div>
        <div>
          <dt>{t('coupons.stats.redeemed')}</dt>
          <dd data-testid="stat-redeemed">{fmt.number(s.totals.redeemed)}</dd>
        </div>
        <div>
          <dt>{t('coupons.stats.conversion')}</dt>
          <dd>{percent(s.totals.conversion)}</dd>
        </div>
        <div>
          <dt>{t('coupons.stats.redemptions')}</dt>
          <dd>{fmt.number(s.totals.redemptions)}</dd>
        </div>
      </dl>
      <DayChart days={s.days} />
      <div className="cp-stat-tables">
        <StatTable
          caption={t('coupons.stats.bySource')}
          headers={[
            t('coupons.stats.source'),
            t('coupons.stats.issued'),
            t('coupons.stats.redeemed'),
            t('coupons.stats.conversion'),
          ]}
          rows={s.sources.map((r) => ({
            key: r.source,
            cells: [
              r.source in SOURCE_LABEL ? t(SOURCE_LABEL[r.source]!) : r.source,
              fmt.number(r.issued),
              fmt.number(r.redeemed),
              percent(r.conversion),
            ],
          }))}
        />
        <StatTable
          caption={t('coupons.stats.byStaff')}
          headers={[t('coupons.stats.staff'), t('coupons.stats.redemptions'), t('coupons.stats.amount')]}
          rows={s.staff.map((r) => ({
            key: r.key,
            cells: [r.name, fmt.number(r.redemptions), fmt.number(r.amount)],
          }))}
        />
        <StatTable
          caption={t('coupons.stats.byLocation')}
          headers={[t('coupons.stats.location'), t('coupons.stats.redemptions'), t('coupons.stats.amount')]}
          rows={s.locations.map((r) => ({
            key: r.location ?? '',
            cells: [
              r.location ?? t('coupons.stats.noLocation'),
              fmt.number(r.redemptions),
              fmt.number(r.amount),
            ],
          }))}
        />
      </div>
    </section>
  );
}

/** One breakdown of the stats: a captioned table that says so when the period has no rows. */
function StatTable({
  caption,
  headers,
  rows,
}: {
  caption: string;
  headers: string[];
  rows: Array<{ key: string; cells: string[] }>;
}) {
  const { t } = useI18n();
  return (
    <table className="table">
      <caption>{caption}</caption>
      <thead>
        <tr>
          {headers.map((h) => (
            <th key={h}>{h}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 ? (
          <tr>
            <td colSpan={headers.length} className="hint">
              {t('coupons.stats.none')}
            </td>
          </tr>
        ) : null}
        {rows.map((r) => (
          <tr key={r.key}>
            {r.cells.map((c, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: cells are positional, the column index is their identity
              <td key={i}>{c}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
