import { useI18n } from '../../../i18n/i18n.tsx';
import '../system.css';
import { SystemPage } from './SystemPage.tsx';

/** The pages under /system (queues, workers, schedules). */
export function SystemRoutes({ path }: { path: string }) {
  const { t } = useI18n();
  if (path === '/system' || path === '/system/') return <SystemPage />;
  return <p className="page-message">{t('app.notFound')}</p>;
}
