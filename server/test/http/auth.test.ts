import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestApp, type TestApp } from '../support/test-app.ts';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app.stop();
});

describe('auth', () => {
  it('signs in with email and password and answers /me with the user', async () => {
    await app.userWithRole('agent', { email: 'Anna@Example.com', password: 'correct horse' });
    const login = await app.http!.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'anna@example.com', password: 'correct horse' },
    });
    expect(login.statusCode).toBe(200);
    const { token, user } = login.json();
    expect(user.email).toBe('anna@example.com');
    expect(user).not.toHaveProperty('passwordHash');
    const me = await app.http!.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(token) });
    expect(me.json()).toMatchObject({ kind: 'user', user: { email: 'anna@example.com', role: 'agent' } });
  });

  it('refuses a wrong password with 401 and the same message as an unknown email', async () => {
    await app.userWithRole('agent', { email: 'boris@example.com', password: 'right password' });
    const wrong = await app.http!.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'boris@example.com', password: 'nope nope' },
      remoteAddress: '10.0.0.5',
    });
    const unknown = await app.http!.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'nobody@example.com', password: 'nope nope' },
      remoteAddress: '10.0.0.6',
    });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().error.message).toBe(unknown.json().error.message);
  });

  it('records when a user was last seen from the moment they sign in', async () => {
    const { user } = await app.userWithRole('agent');
    const owner = await app.userWithRole('owner');
    const res = await app.http!.inject({
      method: 'GET',
      url: `/api/v1/users/${user.id}`,
      headers: bearer(owner.token),
    });
    expect(res.json().lastSeenAt).not.toBeNull();
  });

  it('ends the session on logout', async () => {
    const { token } = await app.userWithRole('readonly');
    expect(
      (await app.http!.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: bearer(token) }))
        .statusCode,
    ).toBe(204);
    expect(
      (await app.http!.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(token) })).statusCode,
    ).toBe(401);
  });

  it('answers 400 naming the field for a malformed body', async () => {
    const res = await app.http!.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'a@b.c' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details).toContainEqual({ path: 'body/password', message: 'is required' });
  });
});
