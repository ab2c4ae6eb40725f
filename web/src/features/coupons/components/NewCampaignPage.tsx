import { useI18n } from '../../../i18n/i18n.tsx';
import { useMe } from '../../../lib/me.ts';
import { Link, navigate } from '../../../lib/router.tsx';
import { useSaveCampaign } from '../api.ts';
import { campaignToApi, emptyCampaign } from '../campaign-form.ts';
import { CampaignForm } from './CampaignForm.tsx';

/** A new coupon campaign; saved, it opens on its own page (issue, statistics). */
export function NewCampaignPage() {
  const { t } = useI18n();
  const me = useMe();
  const save = useSaveCampaign();
  const zone = me.data?.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  return (
    <div className="page narrow coupons">
      <p>
        <Link to="/coupons">{t('coupons.back')}</Link>
      </p>
      <h1>{t('coupons.newCampaign')}</h1>
      <CampaignForm
        initial={emptyCampaign()}
        submitLabel={t('coupons.create')}
        pending={save.isPending}
        error={save.error}
        onSubmit={(draft) =>
          save.mutate(
            { id: null, body: campaignToApi(draft, zone) },
            { onSuccess: (c) => navigate(`/coupons/${c.id}`, true) },
          )
        }
      />
    </div>
  );
}
