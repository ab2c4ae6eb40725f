import { useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useEffect, useSyncExternalStore } from 'react';
import { LoginPage } from '../features/auth/components/LoginPage.tsx';
import { AutomationsRoutes } from '../features/automations/components/AutomationsRoutes.tsx';
import { BroadcastsRoutes } from '../features/broadcasts/components/BroadcastsRoutes.tsx';
import { ContactsRoutes } from '../features/contacts/components/ContactsRoutes.tsx';
import { CouponsRoutes } from '../features/coupons/components/CouponsRoutes.tsx';
import { InboxPage } from '../features/inbox/components/InboxPage.tsx';
import { NotificationsRoutes } from '../features/notifications/components/NotificationsRoutes.tsx';
import { ProfilePage } from '../features/profile/components/ProfilePage.tsx';
import { ReportsRoutes } from '../features/reports/components/ReportsRoutes.tsx';
import { SegmentsRoutes } from '../features/segments/components/SegmentsRoutes.tsx';
import { SettingsRoutes } from '../features/settings/components/SettingsRoutes.tsx';
import { SystemRoutes } from '../features/system/components/SystemRoutes.tsx';
import { TemplatesRoutes } from '../features/templates/components/TemplatesRoutes.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { RealtimeProvider } from '../lib/realtime.tsx';
import { navigate, usePath } from '../lib/router.tsx';
import { onSessionChange, readSession } from '../lib/session.ts';
import { Shell } from './Shell.tsx';

// A role lacking a room's permission (broadcasts:read; contacts:read for contacts and imports) is refused that room; the socket
// carries on with the rest, so one list serves every role.
const REALTIME_ROOMS = ['conversations', 'broadcasts', 'contacts', 'imports'];

/** Signed out: the login page (a sign-in link lands there too). Signed in: the shell with the page the path names. */
export function App() {
  const token = useSyncExternalStore(onSessionChange, () => readSession()?.token ?? null);
  const path = usePath();
  const queryClient = useQueryClient();

  useEffect(() => {
    // Another user may sign in next on this device: nothing cached may leak across.
    if (!token) queryClient.clear();
  }, [token, queryClient]);

  if (!token) return <LoginPage />;
  if (path === '/' || path === '/login') return <RedirectTo path="/inbox" />;
  return (
    <RealtimeProvider token={token} rooms={REALTIME_ROOMS}>
      <Shell>
        <Page path={path} />
      </Shell>
    </RealtimeProvider>
  );
}

/** Replaces the current path after rendering (navigating during render would update other components mid-render). */
function RedirectTo({ path }: { path: string }) {
  useEffect(() => navigate(path, true), [path]);
  return null;
}

/** Each section routes its own sub-paths; this only picks the section by the path's first segment. */
const SECTIONS: Record<string, (props: { path: string }) => ReactNode> = {
  contacts: ContactsRoutes,
  segments: SegmentsRoutes,
  templates: TemplatesRoutes,
  broadcasts: BroadcastsRoutes,
  notifications: NotificationsRoutes,
  automations: AutomationsRoutes,
  coupons: CouponsRoutes,
  reports: ReportsRoutes,
  system: SystemRoutes,
  settings: SettingsRoutes,
};

function Page({ path }: { path: string }) {
  const { t } = useI18n();
  const section = path.split('/')[1] ?? '';
  if (section === 'inbox') return <InboxPage conversationId={path.split('/')[2]} />;
  if (path === '/profile') return <ProfilePage />;
  const Section = SECTIONS[section];
  if (Section) return <Section path={path} />;
  return <p className="page-message">{t('app.notFound')}</p>;
}
