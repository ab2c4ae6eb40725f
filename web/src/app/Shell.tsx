import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import type { MessageKey } from '../i18n/en.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { api } from '../lib/api.ts';
import { LanguageSelect } from '../lib/LanguageSelect.tsx';
import { useMe, usePermissions } from '../lib/me.ts';
import { useRealtimeStatus } from '../lib/realtime.tsx';
import { Link, usePath } from '../lib/router.tsx';
import { writeSession } from '../lib/session.ts';
import type { Locale } from '../lib/types.ts';
import { applyTheme, readTheme, type Theme } from './theme.ts';

const NAV: Array<{ to: string; section: string; label: MessageKey; needs?: string }> = [
  { to: '/inbox', section: '/inbox', label: 'nav.inbox', needs: 'conversations:read' },
  { to: '/contacts', section: '/contacts', label: 'nav.contacts', needs: 'contacts:read' },
  { to: '/broadcasts', section: '/broadcasts', label: 'nav.broadcasts', needs: 'broadcasts:read' },
  { to: '/segments', section: '/segments', label: 'nav.segments', needs: 'segments:read' },
  { to: '/templates', section: '/templates', label: 'nav.templates', needs: 'templates:read' },
  {
    to: '/notifications',
    section: '/notifications',
    label: 'nav.notifications',
    needs: 'notifications:read',
  },
  { to: '/automations', section: '/automations', label: 'nav.automations', needs: 'automations:read' },
  { to: '/coupons', section: '/coupons', label: 'nav.coupons', needs: 'coupons:read' },
  { to: '/reports', section: '/reports', label: 'nav.reports', needs: 'conversations:read' },
  { to: '/settings/channels', section: '/settings', label: 'nav.settings', needs: 'settings:read' },
  { to: '/system', section: '/system', label: 'nav.system', needs: 'system:read' },
  { to: '/profile', section: '/profile', label: 'nav.profile' },
];

/**
 * The frame of every signed-in page: the menu (a side column on wide screens, a drawer behind a button on narrow ones) with
 * language, theme and sign-out under it, and the connection state in the top bar.
 */
export function Shell({ children }: { children: ReactNode }) {
  const { t, setLocale, setTimeZone } = useI18n();
  const me = useMe();
  const can = usePermissions();
  const path = usePath();
  const status = useRealtimeStatus();
  const queryClient = useQueryClient();
  const [theme, setTheme] = useState<Theme>(readTheme);
  const appliedProfile = useRef(false);
  // Phones: the menu is a drawer behind a button; it closes when a page is chosen or on Escape.
  const [menuOpen, setMenuOpen] = useState(false);

  useEffect(() => {
    if (path) setMenuOpen(false);
  }, [path]);
  useEffect(() => {
    if (!menuOpen) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setMenuOpen(false);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [menuOpen]);

  useEffect(() => {
    const user = me.data;
    if (!user) return;
    setTimeZone(user.timezone);
    // The profile's language wins once per sign-in; later switches are saved to it.
    if (!appliedProfile.current && user.locale) setLocale(user.locale);
    appliedProfile.current = true;
  }, [me.data, setLocale, setTimeZone]);

  const saveLocale = useMutation({
    mutationFn: (next: Locale) => api('/api/v1/auth/me', { method: 'PATCH', body: { locale: next } }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['me'] }),
  });
  const logout = useMutation({
    mutationFn: () => api('/api/v1/auth/logout', { method: 'POST' }),
    onSettled: () => writeSession(null),
  });

  // Sections the role cannot read are left out of the menu (the API refuses them anyway).
  const nav = NAV.filter((item) => !item.needs || can(item.needs)).map((item) => ({
    to: item.to,
    label: t(item.label),
    active: path === item.to || path.startsWith(`${item.section}/`) || path === item.section,
  }));

  return (
    <div className={menuOpen ? 'shell menu-open' : 'shell'}>
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <header className="topbar">
        <button
          type="button"
          className="menu-toggle"
          aria-expanded={menuOpen}
          aria-controls="main-menu"
          onClick={() => setMenuOpen(!menuOpen)}
        >
          <span aria-hidden="true">☰</span> {t('settings.shell.menu')}
        </button>
        <span className="brand">{t('app.name')}</span>
        <span className={`live-dot live-${status}`} role="status">
          {status === 'live' ? t('realtime.live') : t('realtime.reconnecting')}
        </span>
      </header>
      <div className="shell-body">
        {menuOpen ? (
          <button
            type="button"
            className="menu-backdrop"
            aria-label={t('settings.shell.closeMenu')}
            onClick={() => setMenuOpen(false)}
          />
        ) : null}
        <aside id="main-menu" className="sidenav">
          <nav aria-label={t('app.mainNav')} className="topnav">
            {nav.map((item) => (
              <Link key={item.to} to={item.to} aria-current={item.active ? 'page' : undefined}>
                {item.label}
              </Link>
            ))}
          </nav>
          <div className="shell-tools">
            <LanguageSelect onChosen={(next) => saveLocale.mutate(next)} />
            <label className="compact-field">
              <span className="visually-hidden">{t('theme.label')}</span>
              <select
                value={theme}
                onChange={(e) => {
                  const next = e.target.value as Theme;
                  applyTheme(next);
                  setTheme(next);
                }}
              >
                <option value="system">{t('theme.system')}</option>
                <option value="light">{t('theme.light')}</option>
                <option value="dark">{t('theme.dark')}</option>
              </select>
            </label>
            <button type="button" className="button-quiet" onClick={() => logout.mutate()}>
              {t('nav.logout')}
            </button>
          </div>
        </aside>
        <main id="main" tabIndex={-1}>
          {children}
        </main>
      </div>
    </div>
  );
}
