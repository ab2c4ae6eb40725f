import { useI18n } from '../../../i18n/i18n.tsx';

/** The pages under /contacts and /contacts/:id. */
export function ContactsRoutes({ path }: { path: string }) {
  const { t } = useI18n();
  void path;
  return <p className="page-message">{t('app.notFound')}</p>;
}
