import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { type Api, adminApi, insertChannel, paths } from './contacts.helpers.ts';

/** Bulk actions and merging. */

let app: TestApp;
let api: Api;
beforeAll(async () => {
  app = await startTestApp();
  api = await adminApi(app);
});
afterAll(async () => {
  await app.stop();
});

const create = async (body: object) => {
  const res = await api.post('/api/v1/contacts', body);
  if (res.statusCode !== 201) throw new Error(JSON.stringify(res.json()));
  return res.json();
};
const get = async (id: string) => (await api.get(`/api/v1/contacts/${id}`)).json();
const bulk = (body: object) => api.post('/api/v1/contacts/bulk', body);
const lastAudit = () =>
  app.services.ctx.db
    .selectFrom('auditLog')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirstOrThrow();

describe('contacts bulk actions', () => {
  let a: { id: string };
  let b: { id: string };
  let c: { id: string };
  beforeEach(async () => {
    await app.services.ctx.db.deleteFrom('contacts').execute();
    a = await create({ name: 'A', tags: ['old'], language: 'ru' });
    b = await create({ name: 'B', tags: ['old', 'keep'], language: 'en' });
    c = await create({ name: 'C', language: 'ru' });
  });

  it('adds and removes tags on the ids given, leaving the others alone', async () => {
    const add = await bulk({ action: 'addTags', ids: [a.id, b.id], tags: ['New', 'old'] });
    expect(add.json()).toEqual({ affected: 2 });
    expect((await get(a.id)).tags).toEqual(['new', 'old']);
    expect((await get(b.id)).tags).toEqual(['keep', 'new', 'old']);
    expect((await get(c.id)).tags).toEqual([]);

    const remove = await bulk({ action: 'removeTags', ids: [a.id, b.id, c.id], tags: ['OLD'] });
    expect(remove.json()).toEqual({ affected: 3 });
    expect((await get(a.id)).tags).toEqual(['new']);
    expect((await get(b.id)).tags).toEqual(['keep', 'new']);
    expect((await get(c.id)).tags).toEqual([]);
  });

  it('acts on everyone matching a filter', async () => {
    const res = await bulk({ action: 'addTags', filter: { language: 'ru' }, tags: ['russian'] });
    expect(res.json()).toEqual({ affected: 2 });
    expect((await get(a.id)).tags).toContain('russian');
    expect((await get(b.id)).tags).not.toContain('russian');
    expect((await get(c.id)).tags).toContain('russian');
  });

  it('treats an empty filter as every contact', async () => {
    expect((await bulk({ action: 'unsubscribe', filter: {} })).json()).toEqual({ affected: 3 });
    for (const x of [a, b, c]) expect((await get(x.id)).subscribed).toBe(false);
  });

  it('stamps unsubscribedAt on unsubscribe and clears it on subscribe', async () => {
    await bulk({ action: 'unsubscribe', ids: [a.id] });
    const off = await get(a.id);
    expect(off.subscribed).toBe(false);
    expect(off.unsubscribedAt).toEqual(expect.any(String));
    await bulk({ action: 'unsubscribe', ids: [a.id] });
    expect((await get(a.id)).unsubscribedAt).toBe(off.unsubscribedAt);
    await bulk({ action: 'subscribe', filter: { subscribed: false } });
    expect(await get(a.id)).toMatchObject({ subscribed: true, unsubscribedAt: null });
  });

  it('deletes on ids and on a filter', async () => {
    expect((await bulk({ action: 'delete', ids: [a.id] })).json()).toEqual({ affected: 1 });
    expect((await api.get(`/api/v1/contacts/${a.id}`)).statusCode).toBe(404);
    expect((await bulk({ action: 'delete', filter: { tag: ['keep'] } })).json()).toEqual({ affected: 1 });
    expect((await api.get(`/api/v1/contacts/${b.id}`)).statusCode).toBe(404);
    expect((await api.get(`/api/v1/contacts/${c.id}`)).statusCode).toBe(200);
  });

  it('records the action in the audit log', async () => {
    await bulk({ action: 'addTags', ids: [a.id, c.id], tags: ['x'] });
    expect(await lastAudit()).toMatchObject({
      action: 'contact.bulk_addTags',
      entityType: 'contact',
      actorType: 'user',
      after: expect.objectContaining({ count: 2, tags: ['x'] }),
    });
  });

  it('answers 400 when given both ids and filter, or neither', async () => {
    const both = await bulk({ action: 'subscribe', ids: [a.id], filter: {} });
    const neither = await bulk({ action: 'subscribe' });
    for (const res of [both, neither]) {
      expect(res.statusCode).toBe(400);
      expect(paths(res)).toEqual(['body/ids']);
    }
    expect((await get(a.id)).subscribed).toBe(true);
  });

  it('answers 400 naming tags when a tag action has none', async () => {
    for (const body of [
      { action: 'addTags', ids: [a.id] },
      { action: 'removeTags', ids: [a.id], tags: [] },
      { action: 'addTags', ids: [a.id], tags: ['  '] },
    ]) {
      const res = await bulk(body);
      expect(res.statusCode).toBe(400);
      expect(paths(res)).toEqual(['/tags']);
    }
  });

  it('answers 400 naming the bad part of the body', async () => {
    expect(paths(await bulk({ action: 'explode', ids: [a.id] }))).toContain('body/action');
    expect(paths(await bulk({ action: 'delete', ids: ['nope'] }))).toContain('body/ids/0');
    expect(paths(await bulk({ action: 'delete', ids: [] }))).toContain('body/ids');
    expect(paths(await bulk({ action: 'delete', filter: { colour: 'red' } }))).toContain(
      'body/filter/colour',
    );
    expect((await api.get('/api/v1/contacts?withTotal=true')).json().total).toBe(3);
  });
});

describe('contacts merge', () => {
  const merge = (targetId: string, sourceId: string) =>
    api.post(`/api/v1/contacts/${targetId}/merge`, { sourceId });

  it('keeps target values, fills blanks from the source, unions tags, moves identities and deletes the source', async () => {
    const target = await create({
      name: 'Target',
      email: 'target@example.com',
      tags: ['a', 'b'],
      attributes: { plan: 'pro', shared: 'target' },
    });
    const source = await create({
      externalId: 'src-ext',
      name: 'Source',
      email: 'source@example.com',
      phone: '+79990000001',
      timezone: 'Asia/Tokyo',
      tags: ['b', 'c'],
      attributes: { shared: 'source', extra: 1 },
    });
    const channel = await insertChannel(app, 'Merge bot', [source.id, target.id]);

    const res = await merge(target.id, source.id);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      id: target.id,
      externalId: 'src-ext',
      name: 'Target',
      email: 'target@example.com',
      phone: '+79990000001',
      timezone: 'Asia/Tokyo',
      tags: ['a', 'b', 'c'],
      attributes: { plan: 'pro', shared: 'target', extra: 1 },
    });
    expect((await api.get(`/api/v1/contacts/${source.id}`)).statusCode).toBe(404);
    const merged = await get(target.id);
    expect(merged.channels).toHaveLength(2);
    expect(merged.channels.every((ch: { channelId: string }) => ch.channelId === channel)).toBe(true);
    expect(await lastAudit()).toMatchObject({
      action: 'contact.merged',
      entityId: target.id,
      before: { sourceId: source.id },
    });
  });

  it('refuses to merge a contact into itself naming sourceId', async () => {
    const x = await create({ name: 'Self' });
    const res = await merge(x.id, x.id);
    expect(res.statusCode).toBe(400);
    expect(paths(res)).toEqual(['/sourceId']);
    expect((await api.get(`/api/v1/contacts/${x.id}`)).statusCode).toBe(200);
  });

  it('answers 404 for an unknown target or source and changes nothing', async () => {
    const x = await create({ name: 'Lonely', tags: ['t'] });
    const ghost = '00000000-0000-4000-8000-000000000000';
    const ghostLast = 'ffffffff-ffff-4fff-bfff-ffffffffffff';
    for (const [target, source] of [
      [x.id, ghost],
      [x.id, ghostLast],
      [ghost, x.id],
      [ghostLast, x.id],
    ] as const) {
      const res = await merge(target, source);
      expect(res.statusCode).toBe(404);
    }
    expect((await api.get(`/api/v1/contacts/${x.id}`)).statusCode).toBe(200);
  });

  it('answers 400 naming sourceId when it is not a uuid', async () => {
    const x = await create({ name: 'Y' });
    const res = await api.post(`/api/v1/contacts/${x.id}/merge`, { sourceId: 'nope' });
    expect(res.statusCode).toBe(400);
    expect(paths(res)).toContain('body/sourceId');
  });
});
