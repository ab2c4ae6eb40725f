import { useI18n } from '../../../i18n/i18n.tsx';

/** The pages under /system (queues, workers, schedules). */
export function SystemRoutes({ path }: { path: string }) {
  const { t } = useI18n();
  void path;
  return <p className="page-message">{t('app.notFound')}</p>;
}
