import { api } from '../../lib/api.ts';
import { writeSession } from '../../lib/session.ts';
import type { Session } from '../../lib/types.ts';

function keep(session: Session): Session {
  writeSession({ token: session.token, expiresAt: session.expiresAt });
  return session;
}

/** Signs in with email and password and keeps the session. */
export async function login(email: string, password: string): Promise<Session> {
  return keep(await api<Session>('/api/v1/auth/login', { method: 'POST', body: { email, password } }));
}

/** Exchanges a single-use sign-in link token (`/login?token=…`) for a session. */
export async function loginWithLink(token: string): Promise<Session> {
  return keep(await api<Session>('/api/v1/auth/login-token', { method: 'POST', body: { token } }));
}
