/**
 * The session token. Kept in localStorage so a reload or a new tab stays signed in (the API takes a bearer token and
 * sets no cookie). The app never renders customer text as HTML and the server sends a strict CSP, which is what keeps
 * a script from reading it.
 */
const KEY = 'switchboard.session';

export interface StoredSession {
  token: string;
  expiresAt: string;
}

type Listener = (session: StoredSession | null) => void;
const listeners = new Set<Listener>();

/** The stored session, or null when absent or expired. */
export function readSession(): StoredSession | null {
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as StoredSession;
    if (typeof parsed.token !== 'string' || Date.parse(parsed.expiresAt) <= Date.now()) return null;
    return parsed;
  } catch {
    return null;
  }
}

/** Stores (or with null, forgets) the session and tells every subscriber. */
export function writeSession(session: StoredSession | null): void {
  if (session) localStorage.setItem(KEY, JSON.stringify(session));
  else localStorage.removeItem(KEY);
  for (const l of listeners) l(session);
}

/** Called whenever the session changes (sign-in, sign-out, a 401 from the API). */
export function onSessionChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
