import { useI18n } from '../../../i18n/i18n.tsx';
import { CampaignPage } from './CampaignPage.tsx';
import { CouponsPage } from './CouponsPage.tsx';
import { NewCampaignPage } from './NewCampaignPage.tsx';
import { RedeemBox } from './RedeemBox.tsx';
import '../coupons.css';

/** The pages under /coupons: campaigns and the redeem box, /coupons/new, /coupons/redeem (the box alone), /coupons/:id. */
export function CouponsRoutes({ path }: { path: string }) {
  const { t } = useI18n();
  const [, , id, extra] = path.split('/');
  if (!id) return <CouponsPage />;
  if (extra) return <p className="page-message">{t('app.notFound')}</p>;
  if (id === 'new') return <NewCampaignPage />;
  if (id === 'redeem')
    return (
      <div className="page narrow">
        <RedeemBox />
      </div>
    );
  return <CampaignPage key={id} id={id} />;
}
