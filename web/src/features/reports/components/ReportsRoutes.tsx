import { useI18n } from '../../../i18n/i18n.tsx';
import '../reports.css';
import { ReportsPage } from './ReportsPage.tsx';

/** The pages under /reports (the dashboard). */
export function ReportsRoutes({ path }: { path: string }) {
  const { t } = useI18n();
  if (path === '/reports' || path === '/reports/') return <ReportsPage />;
  return <p className="page-message">{t('app.notFound')}</p>;
}
