import { useI18n } from '../../../i18n/i18n.tsx';
import { problemText } from '../../../lib/field-errors.ts';
import { usePermissions } from '../../../lib/me.ts';
import { Link, navigate } from '../../../lib/router.tsx';
import { useCampaigns } from '../api.ts';
import { discountText } from '../campaign-form.ts';
import { RedeemBox } from './RedeemBox.tsx';
import { Validity } from './Validity.tsx';

/** The cashier's redeem box first (the most frequent use), then every campaign with its discount, validity and limits. */
export function CouponsPage() {
  const { t, locale } = useI18n();
  const can = usePermissions();
  const campaigns = useCampaigns();
  return (
    <div className="page coupons">
      <RedeemBox />
      <div className="cp-head">
        <h1>{t('coupons.campaigns')}</h1>
        {can('coupons:write') ? (
          <button type="button" className="button-primary" onClick={() => navigate('/coupons/new')}>
            {t('coupons.newCampaign')}
          </button>
        ) : null}
      </div>
      {campaigns.isPending ? <p className="page-message">{t('app.loading')}</p> : null}
      {campaigns.isError ? <p className="form-error">{problemText(campaigns.error, t)}</p> : null}
      {campaigns.data?.length === 0 ? <p className="page-message">{t('coupons.noCampaigns')}</p> : null}
      {campaigns.data && campaigns.data.length > 0 ? (
        <table className="table">
          <thead>
            <tr>
              <th>{t('coupons.col.name')}</th>
              <th>{t('coupons.col.discount')}</th>
              <th>{t('coupons.col.validity')}</th>
              <th>{t('coupons.col.limits')}</th>
            </tr>
          </thead>
          <tbody>
            {campaigns.data.map((c) => (
              <tr key={c.id} data-testid="campaign-row">
                <td>
                  <Link to={`/coupons/${c.id}`}>{c.name}</Link>
                  {c.builtinKey ? <span className="tag cp-tag">{t('coupons.builtin')}</span> : null}
                  {c.enabled ? null : <span className="tag cp-tag">{t('coupons.disabled')}</span>}
                </td>
                <td>{discountText(c.discount, locale)}</td>
                <td>
                  <Validity campaign={c} />
                </td>
                <td>
                  {t('coupons.limits', {
                    perCoupon: c.perCouponLimit,
                    perContact: c.perContactLimit === null ? '∞' : c.perContactLimit,
                  })}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
