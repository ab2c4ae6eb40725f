import type { MessageKey } from '../../../i18n/en.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import { usePermissions } from '../../../lib/me.ts';
import { Link } from '../../../lib/router.tsx';

/** The settings pages in menu order, with the permission that reads each. */
export const SETTINGS_PAGES: readonly { slug: string; label: MessageKey; needs: string }[] = [
  { slug: 'channels', label: 'nav.channels', needs: 'channels:read' },
  { slug: 'users', label: 'settings.nav.users', needs: 'users:read' },
  { slug: 'teams', label: 'settings.nav.teams', needs: 'settings:read' },
  { slug: 'labels', label: 'settings.nav.labels', needs: 'settings:read' },
  { slug: 'categories', label: 'settings.nav.categories', needs: 'settings:read' },
  { slug: 'canned-responses', label: 'settings.nav.canned', needs: 'settings:read' },
  { slug: 'api-keys', label: 'settings.nav.apiKeys', needs: 'api_keys:read' },
  { slug: 'audit-log', label: 'settings.nav.audit', needs: 'audit_log:read' },
  { slug: 'workspace', label: 'settings.nav.workspace', needs: 'settings:read' },
];

/** The settings sub-menu: a column beside the page on wide screens, a scrolling row above it on narrow ones. */
export function SettingsNav({ current }: { current: string }) {
  const { t } = useI18n();
  const can = usePermissions();
  return (
    <nav className="settings-nav" aria-label={t('settings.nav.label')}>
      <ul>
        {SETTINGS_PAGES.filter((p) => can(p.needs)).map((p) => (
          <li key={p.slug}>
            <Link to={`/settings/${p.slug}`} aria-current={p.slug === current ? 'page' : undefined}>
              {t(p.label)}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
