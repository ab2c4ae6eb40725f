import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useSyncExternalStore } from 'react';
import { LoginPage } from '../features/auth/components/LoginPage.tsx';
import { BroadcastsPage } from '../features/broadcasts/components/BroadcastsPage.tsx';
import { ChannelsPage } from '../features/channels/components/ChannelsPage.tsx';
import { InboxPage } from '../features/inbox/components/InboxPage.tsx';
import { ProfilePage } from '../features/profile/components/ProfilePage.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { RealtimeProvider } from '../lib/realtime.tsx';
import { navigate, usePath } from '../lib/router.tsx';
import { onSessionChange, readSession } from '../lib/session.ts';
import { Shell } from './Shell.tsx';

// A role without broadcasts:read is refused that room; the socket carries on with the rest.
const REALTIME_ROOMS = ['conversations', 'broadcasts'];

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

function Page({ path }: { path: string }) {
  const { t } = useI18n();
  if (path === '/inbox' || path.startsWith('/inbox/'))
    return <InboxPage conversationId={path.split('/')[2]} />;
  if (path === '/profile') return <ProfilePage />;
  if (path === '/settings/channels') return <ChannelsPage />;
  if (path === '/broadcasts') return <BroadcastsPage />;
  return <p className="page-message">{t('app.notFound')}</p>;
}
