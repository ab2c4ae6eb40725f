/** Light, dark, or the system's choice (prefers-color-scheme), remembered on this device. */
export type Theme = 'system' | 'light' | 'dark';

const KEY = 'switchboard.theme';

export function readTheme(): Theme {
  const stored = localStorage.getItem(KEY);
  return stored === 'light' || stored === 'dark' ? stored : 'system';
}

/** Sets `data-theme` on <html>; "system" leaves it to the CSS media query. */
export function applyTheme(theme: Theme): void {
  localStorage.setItem(KEY, theme);
  if (theme === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
}
