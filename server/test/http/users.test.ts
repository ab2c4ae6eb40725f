import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/db/schema.ts';
import { bearer, startTestApp, type TestApp } from '../support/test-app.ts';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app.stop();
});

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
const api = (method: Method, url: string, token: string, payload?: object) =>
  app.http!.inject({ method, url, headers: bearer(token), ...(payload ? { payload } : {}) });

let seq = 0;
const email = (name: string) => `${name}-${++seq}@example.com`;
const newUser = (token: string, role: Role, extra: object = {}) =>
  api('POST', '/api/v1/users', token, { email: email(role), displayName: `New ${role}`, role, ...extra });

describe('users CRUD', () => {
  for (const role of ['owner', 'admin'] as const) {
    it(`lets an ${role} create, read, list, change and remove a user`, async () => {
      const { token } = await app.userWithRole(role);
      const created = await newUser(token, 'agent', { password: 'password123', locale: 'en' });
      expect(created.statusCode).toBe(201);
      const user = created.json();
      expect(user).toMatchObject({ role: 'agent', locale: 'en', active: true });
      expect(user).not.toHaveProperty('passwordHash');

      expect((await api('GET', `/api/v1/users/${user.id}`, token)).json().email).toBe(user.email);
      const listed = await api('GET', '/api/v1/users?role=agent&limit=1000', token);
      expect(listed.json().data.map((u: { id: string }) => u.id)).toContain(user.id);

      const changed = await api('PATCH', `/api/v1/users/${user.id}`, token, {
        role: 'marketing',
        displayName: 'Renamed',
      });
      expect(changed.statusCode).toBe(200);
      expect(changed.json()).toMatchObject({ role: 'marketing', displayName: 'Renamed' });

      expect((await api('DELETE', `/api/v1/users/${user.id}`, token)).statusCode).toBe(204);
      expect((await api('GET', `/api/v1/users/${user.id}`, token)).statusCode).toBe(404);
    });
  }

  it('pages the user list with a cursor, each user once', async () => {
    const { token } = await app.userWithRole('admin');
    for (let i = 0; i < 3; i++) await newUser(token, 'readonly');
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { data: Array<{ id: string }>; nextCursor: string | null } = (
        await api('GET', `/api/v1/users?limit=2${cursor ? `&cursor=${cursor}` : ''}`, token)
      ).json();
      seen.push(...page.data.map((u) => u.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(await app.services.ctx.repos.users.count());
  });

  it('refuses a duplicate email regardless of case with 409 naming /email', async () => {
    const { token } = await app.userWithRole('admin');
    const first = await newUser(token, 'agent');
    const taken: string = first.json().email;
    const again = await api('POST', '/api/v1/users', token, {
      email: taken.toUpperCase(),
      displayName: 'Twin',
      role: 'agent',
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.details).toContainEqual({ path: '/email', message: 'already taken' });

    const other = (await newUser(token, 'agent')).json();
    const renamed = await api('PATCH', `/api/v1/users/${other.id}`, token, { email: taken.toUpperCase() });
    expect(renamed.statusCode).toBe(409);
    expect(renamed.json().error.details[0].path).toBe('/email');
  });

  it('answers 409 naming /email to the loser of two concurrent creates with one email', async () => {
    const { token } = await app.userWithRole('admin');
    const body = { email: email('race'), displayName: 'Race', role: 'agent' };
    const results = await Promise.all([1, 2, 3].map(() => api('POST', '/api/v1/users', token, body)));
    const statuses = results.map((r) => r.statusCode).sort();
    expect(statuses).toEqual([201, 409, 409]);
    for (const r of results.filter((x) => x.statusCode === 409))
      expect(r.json().error.details[0].path).toBe('/email');
  });

  it('refuses an unknown time zone with 400', async () => {
    const { token } = await app.userWithRole('admin');
    const res = await newUser(token, 'agent', { timezone: 'Mars/Olympus' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0].path).toBe('/timezone');
  });
});

describe('owners', () => {
  it('refuses an admin creating, promoting to, changing or removing an owner', async () => {
    const { token: admin } = await app.userWithRole('admin');
    const { user: owner } = await app.userWithRole('owner');
    const agent = (await newUser(admin, 'agent')).json();
    expect((await newUser(admin, 'owner')).statusCode).toBe(403);
    expect((await api('PATCH', `/api/v1/users/${agent.id}`, admin, { role: 'owner' })).statusCode).toBe(403);
    expect((await api('PATCH', `/api/v1/users/${owner.id}`, admin, { role: 'admin' })).statusCode).toBe(403);
    expect((await api('PATCH', `/api/v1/users/${owner.id}`, admin, { active: false })).statusCode).toBe(403);
    expect((await api('DELETE', `/api/v1/users/${owner.id}`, admin)).statusCode).toBe(403);
    expect((await app.services.users.get(owner.id)).role).toBe('owner');
  });

  it('refuses an admin a login link for an owner (it would sign them in as the owner)', async () => {
    const { token: admin } = await app.userWithRole('admin');
    const { user: owner } = await app.userWithRole('owner');
    const res = await api('POST', '/api/v1/auth/login-links', admin, { userId: owner.id });
    expect(res.statusCode).toBe(403);
  });

  it('lets an owner create and promote owners', async () => {
    const { token } = await app.userWithRole('owner');
    expect((await newUser(token, 'owner')).statusCode).toBe(201);
    const admin = (await newUser(token, 'admin')).json();
    const promoted = await api('PATCH', `/api/v1/users/${admin.id}`, token, { role: 'owner' });
    expect(promoted.json().role).toBe('owner');
  });
});

describe('the last owner', () => {
  let solo: TestApp;
  beforeAll(async () => {
    solo = await startTestApp();
  });
  afterAll(async () => {
    await solo.stop();
  });
  const call = (method: Method, url: string, token: string, payload?: object) =>
    solo.http!.inject({ method, url, headers: bearer(token), ...(payload ? { payload } : {}) });

  it('cannot be removed, demoted or deactivated (409), and stays an active owner', async () => {
    const { user, token } = await solo.userWithRole('owner');
    const url = `/api/v1/users/${user.id}`;
    const demote = await call('PATCH', url, token, { role: 'admin' });
    expect(demote.statusCode).toBe(409);
    expect(demote.json().error.details[0].path).toBe('/role');
    const deactivate = await call('PATCH', url, token, { active: false });
    expect(deactivate.statusCode).toBe(409);
    expect(deactivate.json().error.details[0].path).toBe('/active');
    expect((await call('DELETE', url, token)).statusCode).toBe(409);
    expect(await solo.services.ctx.repos.users.lockActiveOwners()).toEqual([user.id]);
  });

  it('survives two owners demoting each other at once: one wins, one owner remains', async () => {
    const a = await solo.userWithRole('owner');
    const b = await solo.userWithRole('owner');
    // Leave exactly these two owners active.
    for (const id of await solo.services.ctx.repos.users.lockActiveOwners())
      if (id !== a.user.id && id !== b.user.id)
        await solo.services.ctx.repos.users.update(id, { role: 'admin' });

    const results = await Promise.all([
      call('PATCH', `/api/v1/users/${b.user.id}`, a.token, { role: 'admin' }),
      call('PATCH', `/api/v1/users/${a.user.id}`, b.token, { role: 'admin' }),
    ]);
    const statuses = results.map((r) => r.statusCode).sort();
    expect(statuses).toEqual([200, 409]);
    expect(await solo.services.ctx.repos.users.lockActiveOwners()).toHaveLength(1);
  });

  it('survives an owner demoting themselves while another owner is removed', async () => {
    const a = await solo.userWithRole('owner');
    const b = await solo.userWithRole('owner');
    for (const id of await solo.services.ctx.repos.users.lockActiveOwners())
      if (id !== a.user.id && id !== b.user.id)
        await solo.services.ctx.repos.users.update(id, { role: 'admin' });

    const results = await Promise.all([
      call('PATCH', `/api/v1/users/${a.user.id}`, a.token, { role: 'admin' }),
      call('DELETE', `/api/v1/users/${b.user.id}`, a.token),
    ]);
    expect(results.map((r) => r.statusCode).filter((s) => s === 409)).toHaveLength(1);
    expect(await solo.services.ctx.repos.users.lockActiveOwners()).toHaveLength(1);
  });
});

describe('deactivation', () => {
  it('ends the sessions of a deactivated user for good, even after reactivation', async () => {
    const { token: admin } = await app.userWithRole('admin');
    const { user, token } = await app.userWithRole('agent');
    expect((await api('GET', '/api/v1/auth/me', token)).statusCode).toBe(200);
    expect((await api('PATCH', `/api/v1/users/${user.id}`, admin, { active: false })).statusCode).toBe(200);
    expect((await api('GET', '/api/v1/auth/me', token)).statusCode).toBe(401);
    await api('PATCH', `/api/v1/users/${user.id}`, admin, { active: true });
    expect((await api('GET', '/api/v1/auth/me', token)).statusCode).toBe(401);
  });

  it('refuses a deactivated user at login', async () => {
    const { token: admin } = await app.userWithRole('admin');
    const { user } = await app.userWithRole('agent', { email: email('gone'), password: 'password123' });
    await api('PATCH', `/api/v1/users/${user.id}`, admin, { active: false });
    const login = await app.http!.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: user.email, password: 'password123' },
      remoteAddress: '10.9.9.9',
    });
    expect(login.statusCode).toBe(401);
  });
});

describe('own profile', () => {
  it('changes my own name, language and time zone', async () => {
    const { token } = await app.userWithRole('readonly');
    const res = await api('PATCH', '/api/v1/auth/me', token, {
      displayName: 'Мария',
      locale: 'en',
      timezone: 'Asia/Tokyo',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ displayName: 'Мария', locale: 'en', timezone: 'Asia/Tokyo' });
    const me = (await api('GET', '/api/v1/auth/me', token)).json();
    expect(me.user).toMatchObject({ displayName: 'Мария', locale: 'en', timezone: 'Asia/Tokyo' });
  });

  it('refuses an unknown time zone with 400', async () => {
    const { token } = await app.userWithRole('agent');
    const res = await api('PATCH', '/api/v1/auth/me', token, { timezone: 'Europe/Atlantis' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0].path).toBe('/timezone');
  });

  it('needs the current password to set a new one, naming currentPassword', async () => {
    const { token } = await app.userWithRole('agent', { password: 'old password' });
    const missing = await api('PATCH', '/api/v1/auth/me', token, { password: 'new password' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.details[0].path).toBe('/currentPassword');
    const wrong = await api('PATCH', '/api/v1/auth/me', token, {
      password: 'new password',
      currentPassword: 'not it',
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.details[0].path).toBe('/currentPassword');
  });

  it('changes my password, keeps this session and ends my other sessions', async () => {
    const { user, token } = await app.userWithRole('agent', { password: 'old password' });
    const other = (await app.services.auth.startSession(user)).token;
    const res = await api('PATCH', '/api/v1/auth/me', token, {
      password: 'new password',
      currentPassword: 'old password',
    });
    expect(res.statusCode).toBe(200);
    expect((await api('GET', '/api/v1/auth/me', token)).statusCode).toBe(200);
    expect((await api('GET', '/api/v1/auth/me', other)).statusCode).toBe(401);
    const login = await app.http!.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: user.email, password: 'new password' },
    });
    expect(login.statusCode).toBe(200);
  });

  it('refuses a profile change through an API key', async () => {
    const key = await app.apiKeyWithRole('admin');
    const res = await api('PATCH', '/api/v1/auth/me', key, { displayName: 'Robot' });
    expect(res.statusCode).toBe(403);
  });
});
