import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bearer, startTestApp, type TestApp } from '../support/test-app.ts';

let app: TestApp;
let ownerToken: string;
beforeAll(async () => {
  app = await startTestApp();
  ownerToken = (await app.userWithRole('owner')).token;
});
afterAll(async () => {
  await app.stop();
});

type Method = 'GET' | 'POST' | 'DELETE';
const api = (method: Method, url: string, token: string, payload?: object) =>
  app.http!.inject({ method, url, headers: bearer(token), ...(payload ? { payload } : {}) });

const createKey = (token: string, body: object) => api('POST', '/api/v1/api-keys', token, body);

/** Every string anywhere inside a JSON value. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

describe('API keys', () => {
  it('shows the secret once at creation and never in the list', async () => {
    const created = await createKey(ownerToken, { name: 'CRM sync', role: 'agent' });
    expect(created.statusCode).toBe(201);
    const { key, id, prefix } = created.json();
    expect(key).toMatch(/^sbk_[\w-]{40,}$/);
    expect(key.startsWith(prefix)).toBe(true);

    const list = await api('GET', '/api/v1/api-keys?limit=1000', ownerToken);
    const listed = list.json().data.find((k: { id: string }) => k.id === id);
    expect(listed).toMatchObject({ name: 'CRM sync', role: 'agent', prefix, revokedAt: null });
    expect(listed).not.toHaveProperty('key');
    expect(listed).not.toHaveProperty('keyHash');
    for (const s of strings(list.json())) expect(key.includes(s) && s.length > prefix.length).toBe(false);
    expect(list.body).not.toContain(key);
    expect(list.body).not.toContain(key.slice(prefix.length));
  });

  it('authenticates as `Authorization: Bearer` with the key role, and records last use', async () => {
    const { key, id } = (await createKey(ownerToken, { name: 'Shop', role: 'marketing' })).json();
    const me = await api('GET', '/api/v1/auth/me', key);
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ kind: 'api_key', apiKey: { id, name: 'Shop', role: 'marketing' } });
    expect(me.json().permissions).toContain('broadcasts:write');
    expect(me.json().permissions).not.toContain('api_keys:read');
    expect((await api('GET', '/api/v1/contacts', key)).statusCode).toBe(200);
    expect((await api('GET', '/api/v1/api-keys', key)).statusCode).toBe(403);

    // Last use is written after the answer, off the request path.
    await vi.waitFor(async () => {
      const listed = (await api('GET', '/api/v1/api-keys?limit=1000', ownerToken))
        .json()
        .data.find((k: { id: string }) => k.id === id);
      expect(listed.lastUsedAt).not.toBeNull();
    });
  });

  it('refuses a revoked key with 401 and hides it from the default list', async () => {
    const { key, id } = (await createKey(ownerToken, { name: 'Old', role: 'readonly' })).json();
    expect((await api('GET', '/api/v1/auth/me', key)).statusCode).toBe(200);
    expect((await api('DELETE', `/api/v1/api-keys/${id}`, ownerToken)).statusCode).toBe(204);
    const after = await api('GET', '/api/v1/auth/me', key);
    expect(after.statusCode).toBe(401);
    expect(after.json().error.code).toBe('unauthorized');
    expect((await api('DELETE', `/api/v1/api-keys/${id}`, ownerToken)).statusCode).toBe(404);

    const live = (await api('GET', '/api/v1/api-keys?limit=1000', ownerToken)).json().data;
    expect(live.map((k: { id: string }) => k.id)).not.toContain(id);
    const all = (await api('GET', '/api/v1/api-keys?limit=1000&includeRevoked=true', ownerToken)).json().data;
    expect(all.find((k: { id: string }) => k.id === id).revokedAt).not.toBeNull();
  });

  it('refuses an admin (session or key) an owner key, and revoking an owner key', async () => {
    const { token: admin } = await app.userWithRole('admin');
    const adminKey = await app.apiKeyWithRole('admin');
    expect((await createKey(admin, { name: 'x', role: 'owner' })).statusCode).toBe(403);
    expect((await createKey(adminKey, { name: 'x', role: 'owner' })).statusCode).toBe(403);
    expect((await createKey(admin, { name: 'ok', role: 'admin' })).statusCode).toBe(201);

    const ownerKey = (await createKey(ownerToken, { name: 'root', role: 'owner' })).json();
    expect((await api('DELETE', `/api/v1/api-keys/${ownerKey.id}`, admin)).statusCode).toBe(403);
    expect((await api('GET', '/api/v1/auth/me', ownerKey.key)).statusCode).toBe(200);
  });

  it('records creation and revocation in the audit log without the secret', async () => {
    const { key, id } = (await createKey(ownerToken, { name: 'Audited', role: 'agent' })).json();
    await api('DELETE', `/api/v1/api-keys/${id}`, ownerToken);
    const log = await api('GET', `/api/v1/audit-log?entityType=api_key`, ownerToken);
    const actions = log
      .json()
      .data.filter((e: { entityId: string }) => e.entityId === id)
      .map((e: { action: string }) => e.action);
    expect(actions).toEqual(['api_key.revoked', 'api_key.created']);
    expect(log.body).not.toContain(key);
  });

  it('answers 429 with Retry-After once a key spends its own per-minute limit', async () => {
    const { key } = (
      await createKey(ownerToken, { name: 'Tight', role: 'agent', rateLimitPerMinute: 3 })
    ).json();
    for (let i = 0; i < 3; i++) expect((await api('GET', '/api/v1/contacts', key)).statusCode).toBe(200);
    const limited = await api('GET', '/api/v1/contacts', key);
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(limited.json().error.code).toBe('too_many_requests');
    // The limit is the key's own: other callers are unaffected.
    expect((await api('GET', '/api/v1/contacts', ownerToken)).statusCode).toBe(200);
  });

  it('validates the create body, naming the field', async () => {
    const bad = await createKey(ownerToken, { name: '', role: 'god', rateLimitPerMinute: 0 });
    expect(bad.statusCode).toBe(400);
    const paths = bad.json().error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['body/name', 'body/rateLimitPerMinute']));
    expect(paths.some((p: string) => p.startsWith('body/role'))).toBe(true);
  });
});
