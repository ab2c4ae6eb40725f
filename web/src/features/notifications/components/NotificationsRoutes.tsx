import { useI18n } from '../../../i18n/i18n.tsx';

/** The pages under /notifications (types, log, send a test). */
export function NotificationsRoutes({ path }: { path: string }) {
  const { t } = useI18n();
  void path;
  return <p className="page-message">{t('app.notFound')}</p>;
}
