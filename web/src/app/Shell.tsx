import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { useI18n } from '../i18n/i18n.tsx';
import { api } from '../lib/api.ts';
import { LanguageSelect } from '../lib/LanguageSelect.tsx';
import { useMe } from '../lib/me.ts';
import { useRealtimeStatus } from '../lib/realtime.tsx';
import { Link, usePath } from '../lib/router.tsx';
import { writeSession } from '../lib/session.ts';
import type { Locale } from '../lib/types.ts';
import { applyTheme, readTheme, type Theme } from './theme.ts';

/** The frame of every signed-in page: navigation, language, theme, connection state, sign-out. */
export function Shell({ children }: { children: ReactNode }) {
  const { t, setLocale, setTimeZone } = useI18n();
  const me = useMe();
  const path = usePath();
  const status = useRealtimeStatus();
  const queryClient = useQueryClient();
  const [theme, setTheme] = useState<Theme>(readTheme);
  const appliedProfile = useRef(false);

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

  const nav = [
    { to: '/inbox', label: t('nav.inbox'), active: path.startsWith('/inbox') },
    { to: '/broadcasts', label: t('nav.broadcasts'), active: path.startsWith('/broadcasts') },
    { to: '/settings/channels', label: t('nav.channels'), active: path.startsWith('/settings') },
    { to: '/profile', label: t('nav.profile'), active: path === '/profile' },
  ];

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <header className="topbar">
        <span className="brand">{t('app.name')}</span>
        <nav aria-label={t('app.mainNav')} className="topnav">
          {nav.map((item) => (
            <Link key={item.to} to={item.to} aria-current={item.active ? 'page' : undefined}>
              {item.label}
            </Link>
          ))}
        </nav>
        <span className={`live-dot live-${status}`} role="status">
          {status === 'live' ? t('realtime.live') : t('realtime.reconnecting')}
        </span>
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
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
