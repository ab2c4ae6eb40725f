import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../support/fake-clock.ts';
import { bearer, startTestApp, type TestApp } from '../support/test-app.ts';

const LOCK_AFTER = 4;
const LOCK_SECONDS = 600;
const WINDOW_SECONDS = 900;

let app: TestApp;
const clock = new FakeClock();
beforeAll(async () => {
  app = await startTestApp({
    clock,
    // Production numbers, except a lock after 4 failures and a 1 ms slowdown step so the test runs fast.
    loginThrottle: {
      lockAfter: LOCK_AFTER,
      lockSeconds: LOCK_SECONDS,
      windowSeconds: WINDOW_SECONDS,
      delayStepMs: 1,
    },
  });
});
afterAll(async () => {
  await app.stop();
});

let ipSeq = 0;
const freshIp = () => `10.1.${Math.floor(++ipSeq / 250)}.${(ipSeq % 250) + 1}`;
const login = (email: string, password: string, ip = freshIp()) =>
  app.http!.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email, password },
    remoteAddress: ip,
  });

describe('failed-login throttling', () => {
  it('locks an email after repeated failures, refusing even the right password with 429 + Retry-After', async () => {
    const { user } = await app.userWithRole('agent', { password: 'right password' });
    // Each attempt from its own address: only the per-email count can lock.
    for (let i = 0; i < LOCK_AFTER; i++) expect((await login(user.email, 'wrong')).statusCode).toBe(401);
    const locked = await login(user.email.toUpperCase(), 'right password');
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.code).toBe('too_many_requests');
    const retry = Number(locked.headers['retry-after']);
    expect(retry).toBeGreaterThan(LOCK_SECONDS - 60);
    expect(retry).toBeLessThanOrEqual(LOCK_SECONDS);

    clock.advance((LOCK_SECONDS + 1) * 1000);
    expect((await login(user.email, 'right password')).statusCode).toBe(200);
  });

  it('locks an address that fails for many emails, whatever email it tries next', async () => {
    const ip = freshIp();
    const { user } = await app.userWithRole('agent', { password: 'right password' });
    for (let i = 0; i < LOCK_AFTER; i++)
      expect((await login(`nobody${i}@example.com`, 'guess', ip)).statusCode).toBe(401);
    expect((await login(user.email, 'right password', ip)).statusCode).toBe(429);
    // The same user from elsewhere is not affected.
    expect((await login(user.email, 'right password')).statusCode).toBe(200);
  });

  it('forgets failures older than the window', async () => {
    const { user } = await app.userWithRole('agent', { password: 'right password' });
    for (let i = 0; i < LOCK_AFTER - 1; i++) await login(user.email, 'wrong');
    clock.advance((WINDOW_SECONDS + 1) * 1000);
    for (let i = 0; i < LOCK_AFTER - 1; i++) expect((await login(user.email, 'wrong')).statusCode).toBe(401);
    expect((await login(user.email, 'right password')).statusCode).toBe(200);
  });

  it('clears the email count after a successful login', async () => {
    const { user } = await app.userWithRole('agent', { password: 'right password' });
    for (let i = 0; i < LOCK_AFTER - 1; i++) await login(user.email, 'wrong');
    expect((await login(user.email, 'right password')).statusCode).toBe(200);
    for (let i = 0; i < LOCK_AFTER - 1; i++) expect((await login(user.email, 'wrong')).statusCode).toBe(401);
    expect((await login(user.email, 'right password')).statusCode).toBe(200);
  });

  it('counts concurrent failures: a burst cannot slip past the lock', async () => {
    const { user } = await app.userWithRole('agent', { password: 'right password' });
    const burst = await Promise.all(Array.from({ length: LOCK_AFTER * 2 }, () => login(user.email, 'wrong')));
    expect(burst.every((r) => r.statusCode === 401 || r.statusCode === 429)).toBe(true);
    expect((await login(user.email, 'right password')).statusCode).toBe(429);
  });
});

describe('login links', () => {
  const link = async (adminToken: string, userId: string) =>
    app.http!.inject({
      method: 'POST',
      url: '/api/v1/auth/login-links',
      headers: bearer(adminToken),
      payload: { userId },
    });
  const exchange = (token: string) =>
    app.http!.inject({ method: 'POST', url: '/api/v1/auth/login-token', payload: { token } });

  it('signs the user in once; the second use is refused', async () => {
    const { token: admin } = await app.userWithRole('admin');
    const { user } = await app.userWithRole('agent');
    const created = await link(admin, user.id);
    expect(created.statusCode).toBe(201);
    const { token, url } = created.json();
    expect(url).toContain(encodeURIComponent(token));

    const first = await exchange(token);
    expect(first.statusCode).toBe(200);
    expect(first.json().user.id).toBe(user.id);
    const me = await app.http!.inject({
      method: 'GET',
      url: '/api/v1/auth/me',
      headers: bearer(first.json().token),
    });
    expect(me.json().user.id).toBe(user.id);
    expect((await exchange(token)).statusCode).toBe(401);
  });

  it('refuses an expired link', async () => {
    const { token: admin } = await app.userWithRole('admin');
    const { user } = await app.userWithRole('agent');
    const { token } = (await link(admin, user.id)).json();
    clock.advance(16 * 60_000);
    expect((await exchange(token)).statusCode).toBe(401);
  });

  it('refuses a link for an unknown user with 400 naming /userId, and for a made-up token with 401', async () => {
    const { token: admin } = await app.userWithRole('admin');
    const res = await link(admin, '00000000-0000-4000-8000-000000000000');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0].path).toBe('/userId');
    expect((await exchange('sbl_made-up')).statusCode).toBe(401);
  });

  it('audits who handed out a link', async () => {
    const { user: adminUser, token: admin } = await app.userWithRole('admin');
    const { user } = await app.userWithRole('readonly');
    await link(admin, user.id);
    const entries = await app.services.audit.list({ limit: 10, actorId: adminUser.id });
    expect(entries.data[0]).toMatchObject({ action: 'login_link.created', entityId: user.id });
  });
});

describe('first-run setup', () => {
  let fresh: TestApp;
  beforeAll(async () => {
    fresh = await startTestApp();
  });
  afterAll(async () => {
    await fresh.stop();
  });
  const setup = (token: string, email = 'first@example.com') =>
    fresh.http!.inject({
      method: 'POST',
      url: '/api/v1/auth/setup',
      payload: { token, email, password: 'owner password', displayName: 'First' },
    });

  it('gives a setup link on an empty database that creates the owner and a session once', async () => {
    const result = await fresh.services.auth.bootstrap();
    expect(result).toHaveProperty('setupUrl');
    const token = new URL((result as { setupUrl: string }).setupUrl).searchParams.get('token')!;

    expect((await setup('sbsetup_wrong')).statusCode).toBe(401);
    const done = await setup(token, 'First@Example.com');
    expect(done.statusCode).toBe(200);
    expect(done.json().user).toMatchObject({ email: 'first@example.com', role: 'owner' });
    const me = await fresh.http!.inject({
      method: 'GET',
      url: '/api/v1/auth/me',
      headers: bearer(done.json().token),
    });
    expect(me.json().user.role).toBe('owner');

    expect((await setup(token, 'second@example.com')).statusCode).toBe(401);
    expect(await fresh.services.auth.bootstrap()).toBeNull();
    expect(await fresh.services.ctx.repos.users.count()).toBe(1);
  });

  it('serves the setup page without credentials', async () => {
    const page = await fresh.http!.inject({ method: 'GET', url: '/setup?token=x' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
  });

  it('creates the owner from SWITCHBOARD_ADMIN_EMAIL/PASSWORD instead of a link', async () => {
    const seeded = await startTestApp({
      env: { SWITCHBOARD_ADMIN_EMAIL: 'Boss@Example.com', SWITCHBOARD_ADMIN_PASSWORD: 'boss password' },
    });
    try {
      expect(await seeded.services.auth.bootstrap()).toEqual({ createdOwner: 'boss@example.com' });
      expect(await seeded.services.auth.bootstrap()).toBeNull();
      const res = await seeded.http!.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: 'boss@example.com', password: 'boss password' },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().user.role).toBe('owner');
    } finally {
      await seeded.stop();
    }
  });
});
