import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestApp, type TestApp } from '../support/test-app.ts';
import { type Api, adminApi, insertContacts } from './contacts.helpers.ts';

let app: TestApp;
let api: Api;

beforeAll(async () => {
  app = await startTestApp();
  api = await adminApi(app);
  const ids = await insertContacts(app, [
    { name: 'a', tags: ['vip', 'gold'], attributes: JSON.stringify({ plan: 'pro', seats: 5 }) },
    { name: 'b', tags: ['vip'], attributes: JSON.stringify({ plan: 'free' }) },
    { name: 'c', tags: [] },
  ]);
  const res = await api.post('/api/v1/events/batch', {
    events: [
      { contact: { id: ids[0] }, name: 'purchase' },
      { contact: { id: ids[1] }, name: 'lesson.completed' },
    ],
  });
  expect(res.json().created).toBe(2);
});
afterAll(async () => {
  await app.stop();
});

describe('GET /api/v1/segments/vocabulary', () => {
  it('suggests tags by use with counts, event names and attribute names', async () => {
    const res = await api.get('/api/v1/segments/vocabulary');
    expect(res.statusCode, JSON.stringify(res.json())).toBe(200);
    expect(res.json()).toEqual({
      tags: [
        { name: 'vip', count: 2 },
        { name: 'gold', count: 1 },
      ],
      eventNames: ['lesson.completed', 'purchase'],
      attributeKeys: ['plan', 'seats'],
    });
  });

  it('is its own route, not a segment id, and needs a signed-in caller', async () => {
    const readonly = bearer((await app.userWithRole('readonly')).token);
    const ok = await app.http!.inject({
      method: 'GET',
      url: '/api/v1/segments/vocabulary',
      headers: readonly,
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().eventNames).toContain('purchase');
    const anonymous = await app.http!.inject({ method: 'GET', url: '/api/v1/segments/vocabulary' });
    expect(anonymous.statusCode).toBe(401);
  });
});
