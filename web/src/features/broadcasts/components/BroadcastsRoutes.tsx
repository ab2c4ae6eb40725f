import { useI18n } from '../../../i18n/i18n.tsx';
import { BroadcastsPage } from './BroadcastsPage.tsx';

/** The pages under /broadcasts: the list, the create flow and one broadcast. */
export function BroadcastsRoutes({ path }: { path: string }) {
  const { t } = useI18n();
  if (path === '/broadcasts') return <BroadcastsPage />;
  return <p className="page-message">{t('app.notFound')}</p>;
}
