import { useI18n } from '../../../i18n/i18n.tsx';
import { usePermissions } from '../../../lib/me.ts';
import { Link } from '../../../lib/router.tsx';
import '../notifications.css';
import { LogPage } from './LogPage.tsx';
import { NotificationDetail } from './NotificationDetail.tsx';
import { SendTestPage } from './SendTestPage.tsx';
import { TypesPage } from './TypesPage.tsx';

const ID = /^\/notifications\/([0-9a-f-]{36})$/i;

/** The pages under /notifications: the log (default), one notification, the types, and "send a test". */
export function NotificationsRoutes({ path }: { path: string }) {
  const { t } = useI18n();
  const can = usePermissions();
  const tabs = [
    { to: '/notifications', label: t('notifications.tab.log') },
    { to: '/notifications/types', label: t('notifications.tab.types') },
    ...(can('notifications:write')
      ? [{ to: '/notifications/send', label: t('notifications.tab.send') }]
      : []),
  ];
  const id = ID.exec(path)?.[1];
  let page = <p className="page-message">{t('app.notFound')}</p>;
  if (path === '/notifications') page = <LogPage />;
  else if (path === '/notifications/types') page = <TypesPage />;
  else if (path === '/notifications/send') page = <SendTestPage />;
  else if (id) page = <NotificationDetail key={id} id={id} />;
  return (
    <div className="page nt-page">
      <h1>{t('nav.notifications')}</h1>
      <nav className="nt-tabs" aria-label={t('notifications.tabs')}>
        {tabs.map((tab) => (
          <Link key={tab.to} to={tab.to} aria-current={path === tab.to ? 'page' : undefined}>
            {tab.label}
          </Link>
        ))}
      </nav>
      {page}
    </div>
  );
}
