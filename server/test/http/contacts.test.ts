import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestApp, type TestApp } from '../support/test-app.ts';
import { type Api, adminApi, insertChannel, paths } from './contacts.helpers.ts';

let app: TestApp;
let api: Api;
beforeAll(async () => {
  app = await startTestApp();
  api = await adminApi(app);
});
afterAll(async () => {
  await app.stop();
});

const auditFor = (entityId: string) =>
  app.services.ctx.db
    .selectFrom('auditLog')
    .selectAll()
    .where('entityId', '=', entityId)
    .orderBy('id')
    .execute();

describe('contacts CRUD', () => {
  it('creates, reads, changes and deletes a contact with normalised fields', async () => {
    const created = await api.post('/api/v1/contacts', {
      externalId: ' crm-1 ',
      name: 'Anna Petrova',
      firstName: 'Anna',
      lastName: 'Petrova',
      username: '@anna_p',
      phone: '8 (999) 123 45 67',
      email: 'Anna@Example.COM',
      language: 'RU',
      timezone: 'Europe/Moscow',
      birthday: '29.02.1992',
      tags: [' VIP ', 'vip', 'Moscow'],
      attributes: { plan: 'pro', seats: 3 },
      source: 'api',
    });
    expect(created.statusCode).toBe(201);
    const c = created.json();
    expect(c).toMatchObject({
      externalId: 'crm-1',
      username: 'anna_p',
      phone: '+79991234567',
      email: 'anna@example.com',
      language: 'ru',
      timezone: 'Europe/Moscow',
      birthday: '1992-02-29',
      tags: ['moscow', 'vip'],
      attributes: { plan: 'pro', seats: 3 },
      subscribed: true,
      unsubscribedAt: null,
      blocked: false,
      lastActivityAt: null,
    });

    const got = await api.get(`/api/v1/contacts/${c.id}`);
    expect(got.statusCode).toBe(200);
    expect(got.json()).toMatchObject({ ...c, channels: [] });

    const patched = await api.patch(`/api/v1/contacts/${c.id}`, {
      name: 'Anna P.',
      email: null,
      blocked: true,
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({
      name: 'Anna P.',
      email: null,
      blocked: true,
      phone: '+79991234567',
    });
    expect(Date.parse(patched.json().updatedAt)).toBeGreaterThanOrEqual(Date.parse(c.updatedAt));

    expect((await api.delete(`/api/v1/contacts/${c.id}`)).statusCode).toBe(204);
    expect((await api.get(`/api/v1/contacts/${c.id}`)).statusCode).toBe(404);
  });

  it('keeps attribute keys exactly as written, snake_case and nested included', async () => {
    const attributes = { loyalty_level: 'gold', order_stats: { last_order_id: 7, firstOrder: true } };
    const created = await api.post('/api/v1/contacts', { name: 'Keys', attributes });
    expect(created.statusCode).toBe(201);
    expect(created.json().attributes).toEqual(attributes);
    const read = await api.get(`/api/v1/contacts/${created.json().id}`);
    expect(read.json().attributes).toEqual(attributes);
  });

  it('lists the channel identities of a contact', async () => {
    const c = (await api.post('/api/v1/contacts', { name: 'With identity' })).json();
    const channelId = await insertChannel(app, 'Support bot', [c.id]);
    const got = (await api.get(`/api/v1/contacts/${c.id}`)).json();
    expect(got.channels).toEqual([
      expect.objectContaining({
        channelId,
        channelType: 'telegram',
        channelName: 'Support bot',
        reachable: true,
        lastError: null,
        lastSeenAt: null,
      }),
    ]);
  });

  it('stamps unsubscribedAt when a contact unsubscribes and clears it on resubscribe', async () => {
    const c = (await api.post('/api/v1/contacts', { name: 'Sub', subscribed: false })).json();
    expect(c.unsubscribedAt).not.toBeNull();
    const again = (await api.patch(`/api/v1/contacts/${c.id}`, { subscribed: false })).json();
    expect(again.unsubscribedAt).toBe(c.unsubscribedAt);
    const back = (await api.patch(`/api/v1/contacts/${c.id}`, { subscribed: true })).json();
    expect(back).toMatchObject({ subscribed: true, unsubscribedAt: null });
  });
});

describe('contacts input errors', () => {
  it.each([
    ['email', { email: 'not-an-email' }],
    ['phone', { phone: 'call me maybe' }],
    ['language', { language: 'russian' }],
    ['timezone', { timezone: 'Mars/Olympus' }],
    ['birthday', { birthday: '31.02.1990' }],
    ['birthday', { birthday: '2999-01-01' }],
  ])('answers 400 naming %s', async (field, body) => {
    const res = await api.post('/api/v1/contacts', body);
    expect(res.statusCode).toBe(400);
    expect(paths(res)).toEqual([`/${field}`]);
  });

  it.each([
    ['name', { name: 'x'.repeat(201) }],
    ['tags/0', { tags: ['t'.repeat(65)] }],
    ['attributes', { attributes: 'not an object' }],
    ['subscribed', { subscribed: 'maybe' }],
    ['nickname', { nickname: 'unknown field' }],
  ])('answers 400 naming body/%s for a value the schema refuses', async (field, body) => {
    const res = await api.post('/api/v1/contacts', body);
    expect(res.statusCode).toBe(400);
    expect(paths(res)).toContain(`body/${field}`);
  });

  it('reports every bad field at once', async () => {
    const res = await api.post('/api/v1/contacts', {
      email: 'nope',
      timezone: 'Nowhere/Town',
      name: 'Two problems',
    });
    expect(res.statusCode).toBe(400);
    expect(paths(res).sort()).toEqual(['/email', '/timezone']);
  });

  it('writes nothing when a change is invalid', async () => {
    const c = (await api.post('/api/v1/contacts', { name: 'Keep me' })).json();
    const res = await api.patch(`/api/v1/contacts/${c.id}`, { name: 'Changed', email: 'bad' });
    expect(res.statusCode).toBe(400);
    expect((await api.get(`/api/v1/contacts/${c.id}`)).json().name).toBe('Keep me');
  });

  it('answers 409 naming externalId when another contact has it, on create and on change', async () => {
    await api.post('/api/v1/contacts', { externalId: 'dup-1' });
    const dup = await api.post('/api/v1/contacts', { externalId: 'dup-1' });
    expect(dup.statusCode).toBe(409);
    expect(paths(dup)).toEqual(['/externalId']);

    const other = (await api.post('/api/v1/contacts', { externalId: 'dup-2' })).json();
    const change = await api.patch(`/api/v1/contacts/${other.id}`, { externalId: 'dup-1' });
    expect(change.statusCode).toBe(409);
    expect(paths(change)).toEqual(['/externalId']);
    // Re-saving its own externalId is not a conflict.
    expect((await api.patch(`/api/v1/contacts/${other.id}`, { externalId: 'dup-2' })).statusCode).toBe(200);
  });

  it('answers 409 naming externalId when two creates race for the same one', async () => {
    const results = await Promise.all(
      Array.from({ length: 6 }, () => api.post('/api/v1/contacts', { externalId: 'race-1' })),
    );
    const codes = results.map((r) => r.statusCode).sort();
    expect(codes).toEqual([201, 409, 409, 409, 409, 409]);
    for (const r of results.filter((x) => x.statusCode === 409)) expect(paths(r)).toEqual(['/externalId']);
  });

  it('answers 404 for an unknown id on every route that takes one', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    expect((await api.get(`/api/v1/contacts/${id}`)).statusCode).toBe(404);
    expect((await api.patch(`/api/v1/contacts/${id}`, { name: 'x' })).statusCode).toBe(404);
    expect((await api.delete(`/api/v1/contacts/${id}`)).statusCode).toBe(404);
  });

  it('answers 400 naming the id for a malformed uuid', async () => {
    const res = await api.get('/api/v1/contacts/not-a-uuid');
    expect(res.statusCode).toBe(400);
    expect(paths(res)).toEqual(['params/id']);
    expect((await api.delete('/api/v1/contacts/123')).statusCode).toBe(400);
  });

  it('lets a readonly user read but not write', async () => {
    const { token } = await app.userWithRole('readonly');
    const http = app.http!;
    const list = await http.inject({ method: 'GET', url: '/api/v1/contacts', headers: bearer(token) });
    expect(list.statusCode).toBe(200);
    const write = await http.inject({
      method: 'POST',
      url: '/api/v1/contacts',
      headers: bearer(token),
      payload: { name: 'no' },
    });
    expect(write.statusCode).toBe(403);
  });
});

describe('contacts audit', () => {
  it('records create, change and delete in the audit log with the acting user', async () => {
    const c = (await api.post('/api/v1/contacts', { name: 'Audited' })).json();
    await api.patch(`/api/v1/contacts/${c.id}`, { name: 'Audited 2' });
    await api.delete(`/api/v1/contacts/${c.id}`);
    const entries = await auditFor(c.id);
    expect(entries.map((e) => e.action)).toEqual(['contact.created', 'contact.updated', 'contact.deleted']);
    for (const e of entries) expect(e).toMatchObject({ actorType: 'user', entityType: 'contact' });
    expect(entries[1]!.after).toEqual(['name']);
  });

  it('records nothing for a rejected write', async () => {
    const before = await app.services.ctx.db
      .selectFrom('auditLog')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    await api.post('/api/v1/contacts', { email: 'bad' });
    const after = await app.services.ctx.db
      .selectFrom('auditLog')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });
});
