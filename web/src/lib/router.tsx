import { type MouseEvent, type ReactNode, useSyncExternalStore } from 'react';

/** A tiny history router: the app has a handful of pages, not worth a routing library. */
const listeners = new Set<() => void>();

function subscribe(listener: () => void) {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}

/** Goes to an app path without reloading. */
export function navigate(to: string, replace = false): void {
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  for (const l of listeners) l();
}

/** The current path (without query). */
export function usePath(): string {
  return useSyncExternalStore(subscribe, () => location.pathname);
}

/** The current query string parameters. */
export function useSearch(): URLSearchParams {
  const search = useSyncExternalStore(subscribe, () => location.search);
  return new URLSearchParams(search);
}

/** An anchor that navigates inside the app (a real href, so open-in-new-tab still works). */
export function Link(props: {
  to: string;
  className?: string;
  children: ReactNode;
  'aria-current'?: 'page';
}) {
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
    e.preventDefault();
    navigate(props.to);
  };
  return (
    <a href={props.to} className={props.className} onClick={onClick} aria-current={props['aria-current']}>
      {props.children}
    </a>
  );
}
