import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../src/db/schema.ts';
import { SETTINGS } from '../../src/services/settings.service.ts';
import { bearer, startTestApp, type TestApp } from '../support/test-app.ts';

let app: TestApp;
let admin: { user: User; token: string };
beforeAll(async () => {
  app = await startTestApp();
  admin = await app.userWithRole('admin');
});
afterAll(async () => {
  await app.stop();
});

type Method = 'GET' | 'PATCH' | 'POST';
const api = (method: Method, url: string, token: string, payload?: unknown) =>
  app.http!.inject({
    method,
    url,
    headers: bearer(token),
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
const setSetting = (key: string, value: unknown, token = admin.token) =>
  api('PATCH', `/api/v1/settings/${key}`, token, { value });

interface Entry {
  id: string;
  actorType: string;
  actorId: string | null;
  actorName: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
  requestId: string | null;
  createdAt: string;
}
type Page = { data: Entry[]; nextCursor: string | null };
const auditPage = async (query: string, token = admin.token): Promise<Page> => {
  const res = await api('GET', `/api/v1/audit-log?${query}`, token);
  expect(res.statusCode).toBe(200);
  return res.json();
};

/** Every entry matching `query`, following cursors `limit` at a time. */
async function allPages(query: string, limit: number): Promise<{ entries: Entry[]; pages: number }> {
  const entries: Entry[] = [];
  let pages = 0;
  let cursor: string | null = null;
  do {
    const page = await auditPage(`${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    entries.push(...page.data);
    cursor = page.nextCursor;
    pages += 1;
  } while (cursor);
  return { entries, pages };
}

describe('settings', () => {
  it('answers every known setting with its default', async () => {
    const { token } = await app.userWithRole('readonly');
    const res = await api('GET', '/api/v1/settings', token);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(Object.fromEntries(Object.entries(SETTINGS).map(([k, d]) => [k, d.default])));
  });

  it('changes a setting and answers the new value on the next read', async () => {
    const res = await setSetting('workspace_name', 'Кофейня «Утро»');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ key: 'workspace_name', value: 'Кофейня «Утро»' });
    expect((await api('GET', '/api/v1/settings', admin.token)).json().workspace_name).toBe('Кофейня «Утро»');
  });

  it.each([
    ['workspace_name', ''],
    ['workspace_name', 42],
    ['workspace_name', 'x'.repeat(101)],
    ['default_language', 'de'],
    ['default_timezone', 'Nowhere/Special'],
    ['default_timezone', null],
  ])('refuses %s = %j with 400 naming /value, changing nothing', async (key, value) => {
    const before = (await api('GET', '/api/v1/settings', admin.token)).json()[key];
    const res = await setSetting(key, value);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0].path).toBe('/value');
    expect((await api('GET', '/api/v1/settings', admin.token)).json()[key]).toEqual(before);
  });

  it('answers 404 for an unknown key and 400 for a malformed one or a missing value', async () => {
    for (const key of ['no_such_setting', 'constructor', '__proto__', '_secret_key_check'])
      expect((await setSetting(key, 'x')).statusCode, key).toBe(404);
    expect((await setSetting('Bad-Key', 'x')).statusCode).toBe(400);
    const missing = await api('PATCH', '/api/v1/settings/workspace_name', admin.token, {});
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.details[0].path).toBe('body/value');
  });

  it('lets readers read but not write', async () => {
    const { token } = await app.userWithRole('agent');
    expect((await setSetting('workspace_name', 'Hijacked', token)).statusCode).toBe(403);
  });
});

describe('audit log', () => {
  it('records who changed a setting, with before and after', async () => {
    await setSetting('default_language', 'en');
    await setSetting('default_language', 'ru');
    const { data } = await auditPage('entityType=setting&action=setting.updated&limit=2');
    expect(data[0]).toMatchObject({
      actorType: 'user',
      actorId: admin.user.id,
      actorName: admin.user.displayName,
      entityId: 'default_language',
      before: 'en',
      after: 'ru',
    });
    expect(data[1]).toMatchObject({ entityId: 'default_language', before: 'ru', after: 'en' });
    expect(data[0]!.requestId).toEqual(expect.any(String));
  });

  it('records a role change with before and after, never a password hash', async () => {
    const { user } = await app.userWithRole('agent');
    await api('PATCH', `/api/v1/users/${user.id}`, admin.token, {
      role: 'marketing',
      password: 'new secret 1',
    });
    const { data } = await auditPage(`entityType=user&action=user.updated&limit=5`);
    const entry = data.find((e) => e.entityId === user.id)!;
    expect(entry).toMatchObject({
      actorId: admin.user.id,
      before: { role: 'agent' },
      after: { role: 'marketing', passwordChanged: true },
    });
    expect(JSON.stringify(entry)).not.toMatch(/argon2|new secret/);
  });

  it('filters by actor, entity type, action and period', async () => {
    const actor = await app.userWithRole('admin');
    await setSetting('workspace_name', 'One', actor.token);
    const created = await api('POST', '/api/v1/users', actor.token, {
      email: `audited-${Date.now()}@example.com`,
      displayName: 'Audited',
      role: 'readonly',
    });
    expect(created.statusCode).toBe(201);
    await new Promise((r) => setTimeout(r, 5)); // a clear boundary between the two batches
    const middle = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    await setSetting('workspace_name', 'Two', actor.token);

    const byActor = (await auditPage(`actorId=${actor.user.id}`)).data;
    expect(byActor.map((e) => e.action)).toEqual(['setting.updated', 'user.created', 'setting.updated']);
    expect(byActor.every((e) => e.actorId === actor.user.id)).toBe(true);

    const users = (await auditPage(`actorId=${actor.user.id}&entityType=user`)).data;
    expect(users.map((e) => e.entityId)).toEqual([created.json().id]);
    const settings = (await auditPage(`actorId=${actor.user.id}&action=setting.updated`)).data;
    expect(settings.map((e) => e.after)).toEqual(['Two', 'One']);

    const later = (await auditPage(`actorId=${actor.user.id}&from=${encodeURIComponent(middle)}`)).data;
    expect(later.map((e) => e.after)).toEqual(['Two']);
    const earlier = (await auditPage(`actorId=${actor.user.id}&to=${encodeURIComponent(middle)}`)).data;
    expect(earlier.map((e) => e.action)).toEqual(['user.created', 'setting.updated']);
  });

  it('pages with a cursor, returning every entry exactly once, newest first', async () => {
    for (let i = 0; i < 7; i++) await setSetting('workspace_name', `Name ${i}`);
    const everything = (await auditPage('limit=1000')).data;
    expect(everything.length).toBeGreaterThan(7);
    for (const limit of [1, 3, 7]) {
      const { entries, pages } = await allPages('action=setting.updated', limit);
      const expected = everything.filter((e) => e.action === 'setting.updated');
      expect(entries.map((e) => e.id)).toEqual(expected.map((e) => e.id));
      // The last page says so itself (no empty page to fetch after it).
      expect(pages).toBe(Math.ceil(expected.length / limit));
    }
    const ids = everything.map((e) => BigInt(e.id));
    expect([...ids].sort((a, b) => (a > b ? -1 : 1))).toEqual(ids);
  });

  it('answers 400 naming the field for a malformed filter or cursor', async () => {
    for (const [query, path] of [
      ['actorId=not-a-uuid', 'querystring/actorId'],
      ['from=yesterday', 'querystring/from'],
      ['cursor=abc', 'querystring/cursor'],
      ['limit=0', 'querystring/limit'],
      ['colour=red', 'querystring/colour'],
    ]) {
      const res = await api('GET', `/api/v1/audit-log?${query}`, admin.token);
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.details[0].path, query).toBe(path);
    }
    expect((await api('GET', '/api/v1/audit-log?cursor=9999999999999999999', admin.token)).statusCode).toBe(
      400,
    );
  });

  it('is readable by owners and admins only', async () => {
    for (const role of ['agent', 'marketing', 'readonly'] as const) {
      const { token } = await app.userWithRole(role);
      expect((await api('GET', '/api/v1/audit-log', token)).statusCode, role).toBe(403);
    }
    const { token } = await app.userWithRole('owner');
    expect((await api('GET', '/api/v1/audit-log', token)).statusCode).toBe(200);
  });
});
