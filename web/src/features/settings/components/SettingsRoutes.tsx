import { useI18n } from '../../../i18n/i18n.tsx';
import { ChannelsPage } from '../../channels/components/ChannelsPage.tsx';

/** The pages under /settings: channels, users, teams, labels, canned responses, inbox rules, API keys, audit log, workspace. */
export function SettingsRoutes({ path }: { path: string }) {
  const { t } = useI18n();
  if (path === '/settings' || path === '/settings/channels') return <ChannelsPage />;
  return <p className="page-message">{t('app.notFound')}</p>;
}
