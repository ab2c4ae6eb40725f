import type { ReactNode } from 'react';
import { useI18n } from '../../../i18n/i18n.tsx';
import { useMe, usePermissions } from '../../../lib/me.ts';
import { ChannelPage } from '../../channels/components/ChannelPage.tsx';
import { ChannelsPage } from '../../channels/components/ChannelsPage.tsx';
import '../settings.css';
import { ApiKeysPage } from './ApiKeysPage.tsx';
import { AuditLogPage } from './AuditLogPage.tsx';
import { CannedResponsesPage } from './CannedResponsesPage.tsx';
import { CategoriesPage } from './CategoriesPage.tsx';
import { LabelsPage } from './LabelsPage.tsx';
import { SETTINGS_PAGES, SettingsNav } from './SettingsNav.tsx';
import { TeamsPage } from './TeamsPage.tsx';
import { UsersPage } from './UsersPage.tsx';
import { WorkspacePage } from './WorkspacePage.tsx';

const PAGES: Record<string, () => ReactNode> = {
  channels: ChannelsPage,
  users: UsersPage,
  teams: TeamsPage,
  labels: LabelsPage,
  categories: CategoriesPage,
  'canned-responses': CannedResponsesPage,
  'api-keys': ApiKeysPage,
  'audit-log': AuditLogPage,
  workspace: WorkspacePage,
};

/**
 * The pages under /settings beside their sub-menu: channels (and /settings/channels/:id), users, teams, labels,
 * categories, canned responses, API keys, audit log, workspace.
 */
export function SettingsRoutes({ path }: { path: string }) {
  const { t } = useI18n();
  const can = usePermissions();
  const me = useMe();
  const [, , page = 'channels', id] = path.split('/');
  const entry = SETTINGS_PAGES.find((p) => p.slug === page);
  const Page = PAGES[page];
  let content: ReactNode;
  if (!entry || !Page || (id && page !== 'channels'))
    content = <p className="page-message">{t('app.notFound')}</p>;
  // Until the role's permissions are known, "not allowed" would flash on every page.
  else if (!me.isSuccess) content = <p className="page-message">{t('app.loading')}</p>;
  else if (!can(entry.needs)) content = <p className="page-message">{t('error.forbidden')}</p>;
  else if (id) content = <ChannelPage id={id} />;
  else content = <Page />;
  return (
    <div className="settings-layout">
      <SettingsNav current={page} />
      <div className="settings-content">{content}</div>
    </div>
  );
}
