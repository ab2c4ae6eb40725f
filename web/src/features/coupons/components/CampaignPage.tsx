import { useState } from 'react';
import { useI18n } from '../../../i18n/i18n.tsx';
import { problemText } from '../../../lib/field-errors.ts';
import { useMe, usePermissions } from '../../../lib/me.ts';
import { Link } from '../../../lib/router.tsx';
import { useCampaign, useSaveCampaign } from '../api.ts';
import { campaignFromApi, campaignToApi, discountText } from '../campaign-form.ts';
import { CampaignForm } from './CampaignForm.tsx';
import { CampaignStats } from './CampaignStats.tsx';
import { CouponsTable } from './CouponsTable.tsx';
import { IssuePanel } from './IssuePanel.tsx';
import { Validity } from './Validity.tsx';

/** One campaign: what it gives, its statistics, issuing to a contact or a segment, its coupons, and its settings. */
export function CampaignPage({ id }: { id: string }) {
  const { t, locale } = useI18n();
  const can = usePermissions();
  const me = useMe();
  const campaign = useCampaign(id);
  const save = useSaveCampaign();
  const [formKey, setFormKey] = useState(0);
  const [saved, setSaved] = useState(false);
  const zone = me.data?.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  const writable = can('coupons:write');

  if (campaign.isPending) return <p className="page-message">{t('app.loading')}</p>;
  if (campaign.isError) return <p className="page-message form-error">{problemText(campaign.error, t)}</p>;
  const c = campaign.data;
  return (
    <div className="page coupons">
      <p>
        <Link to="/coupons">{t('coupons.back')}</Link>
      </p>
      <h1>{c.name}</h1>
      <dl className="facts cp-facts">
        <dt>{t('coupons.col.discount')}</dt>
        <dd data-testid="campaign-discount">{discountText(c.discount, locale)}</dd>
        <dt>{t('coupons.col.validity')}</dt>
        <dd>
          <Validity campaign={c} />
        </dd>
        <dt>{t('coupons.col.limits')}</dt>
        <dd>
          {t('coupons.limits', {
            perCoupon: c.perCouponLimit,
            perContact: c.perContactLimit === null ? '∞' : c.perContactLimit,
          })}
        </dd>
        <dt>{t('coupons.field.enabled')}</dt>
        <dd>{c.enabled ? t('coupons.yes') : t('coupons.no')}</dd>
        {c.terms ? (
          <>
            <dt>{t('coupons.field.terms')}</dt>
            <dd className="cp-terms">{c.terms}</dd>
          </>
        ) : null}
      </dl>

      <CampaignStats id={id} zone={zone} />
      {writable ? <IssuePanel campaignId={id} /> : null}
      <CouponsTable campaignId={id} />

      <details className="card cp-edit">
        <summary>{t('coupons.edit')}</summary>
        {saved ? (
          <p className="form-ok" role="status">
            {t('coupons.saved')}
          </p>
        ) : null}
        <CampaignForm
          key={formKey}
          initial={campaignFromApi(c, zone)}
          submitLabel={t('coupons.save')}
          pending={save.isPending}
          error={save.error}
          readOnly={!writable}
          onSubmit={(draft) =>
            save.mutate(
              { id, body: campaignToApi(draft, zone) },
              {
                onSuccess: () => {
                  setSaved(true);
                  setFormKey((k) => k + 1);
                },
              },
            )
          }
        />
      </details>
    </div>
  );
}
