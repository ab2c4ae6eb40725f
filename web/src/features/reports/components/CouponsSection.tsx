import { useI18n } from '../../../i18n/i18n.tsx';
import { Link } from '../../../lib/router.tsx';
import type { CouponsReport } from '../api.ts';
import { campaignsWithCoupons, couponDays } from '../coupon-days.ts';
import { dayLabel, percent } from '../report-format.ts';
import { BarChart } from './Chart.tsx';
import { ReportCard, type ReportScope, Stats } from './ReportCard.tsx';

/** Coupon conversions: issued and redeemed per day over the period, conversion per campaign; the CSV is per campaign. */
export function CouponsSection({ scope }: { scope: ReportScope }) {
  const { t, fmt, locale } = useI18n();
  return (
    <ReportCard<CouponsReport>
      name="coupons"
      title={t('reports.coupons.title')}
      hint={t('reports.coupons.hint')}
      scope={scope}
    >
      {(r) => {
        const days = couponDays(scope.period, r.days);
        const campaigns = campaignsWithCoupons(r.campaigns);
        return (
          <>
            <Stats
              items={[
                { label: t('reports.coupons.issued'), value: fmt.number(r.totals.issued) },
                { label: t('reports.coupons.redeemed'), value: fmt.number(r.totals.redeemed) },
                { label: t('reports.coupons.conversion'), value: percent(locale, r.totals.conversion) },
                { label: t('reports.coupons.redemptions'), value: fmt.number(r.totals.redemptions) },
              ]}
            />
            {r.totals.issued === 0 && r.totals.redemptions === 0 ? (
              <p className="page-message">{t('reports.coupons.none')}</p>
            ) : (
              <>
                <h3>{t('reports.coupons.perDay')}</h3>
                <BarChart
                  title={t('reports.coupons.perDay')}
                  categories={days.map((d) => dayLabel(locale, d.day))}
                  format={fmt.number}
                  series={[
                    { label: t('reports.coupons.issued'), values: days.map((d) => d.issued) },
                    { label: t('reports.coupons.redemptions'), values: days.map((d) => d.redemptions) },
                  ]}
                />
              </>
            )}
            {campaigns.length > 0 ? (
              <>
                <h3>{t('reports.coupons.perCampaign')}</h3>
                <div className="table-scroll">
                  <table className="table" data-testid="coupon-campaigns">
                    <thead>
                      <tr>
                        <th scope="col">{t('reports.coupons.campaign')}</th>
                        <th scope="col">{t('reports.coupons.issued')}</th>
                        <th scope="col">{t('reports.coupons.redeemed')}</th>
                        <th scope="col">{t('reports.coupons.conversion')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {campaigns.map((c) => (
                        <tr key={c.campaignId}>
                          <th scope="row">{c.name}</th>
                          <td>{fmt.number(c.issued)}</td>
                          <td>{fmt.number(c.redeemed)}</td>
                          <td>{percent(locale, c.conversion)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </>
            ) : null}
            <p>
              <Link to="/coupons">{t('reports.coupons.open')}</Link>
            </p>
          </>
        );
      }}
    </ReportCard>
  );
}
