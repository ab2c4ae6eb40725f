import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../support/test-app.ts';
import { type Json, NotificationWorld } from './notification-world.ts';

/** The list and its filters, the batch form, notification types CRUD and access. */

let w: NotificationWorld;
beforeAll(async () => {
  w = await NotificationWorld.start();
});
afterAll(async () => w?.stop());

const list = async (query: string) => {
  const res = await w.call('GET', `/api/v1/notifications?${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { data: Json[]; nextCursor: string | null };
};

describe('GET /api/v1/notifications', () => {
  it('filters by contact, type, status and period, newest first, with cursor pages', async () => {
    const a = await w.contact({ telegram: true });
    const b = await w.contact({ telegram: true, subscribed: false });
    const ids: string[] = [];
    for (const [type, c] of [
      ['welcome', a],
      ['new_lesson', a],
      ['welcome', b],
      ['promo_code_available', b],
      ['welcome', a],
    ] as const) {
      ids.push((await w.trigger({ type, to: { contactId: c.id }, data: { lesson: 'x', code: 'y' } })).id);
      // Creation times have millisecond resolution: keep each call in a millisecond of its own, so the order is known.
      await new Promise((r) => setTimeout(r, 3));
    }
    await Promise.all(ids.map((id) => w.settled(id)));

    expect((await list(`contactId=${a.id}`)).data.map((n) => n.id)).toEqual([ids[4], ids[1], ids[0]]);
    expect((await list(`contactId=${a.id}&type=welcome`)).data.map((n) => n.id)).toEqual([ids[4], ids[0]]);
    expect((await list(`contactId=${b.id}&status=skipped`)).data.map((n) => n.id)).toEqual([ids[3]]);
    expect((await list(`contactId=${b.id}&status=sent,skipped`)).data).toHaveLength(2);
    const third = await w.notification(ids[2]!);
    expect((await list(`contactId=${b.id}&from=${encodeURIComponent(third.createdAt)}`)).data).toHaveLength(
      2,
    );
    expect((await list(`contactId=${b.id}&to=${encodeURIComponent(third.createdAt)}`)).data).toHaveLength(0);

    // Pages of two, following nextCursor, cover all three of a's in order.
    const first = await list(`contactId=${a.id}&limit=2`);
    expect(first.data.map((n) => n.id)).toEqual([ids[4], ids[1]]);
    const second = await list(`contactId=${a.id}&limit=2&cursor=${first.nextCursor}`);
    expect(second.data.map((n) => n.id)).toEqual([ids[0]]);
    expect(second.nextCursor).toBeNull();
  });

  it('answers 400 naming the parameter for a bad status, date or cursor', async () => {
    for (const [query, path] of [
      ['status=lost', /status/],
      ['from=yesterday', /from/],
      ['cursor=garbage', /cursor/],
      ['contactId=nope', /contactId/],
    ] as const) {
      const res = await w.call('GET', `/api/v1/notifications?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.details[0].path).toMatch(path);
    }
    expect(
      (await w.call('GET', '/api/v1/notifications/00000000-0000-4000-8000-000000000000')).statusCode,
    ).toBe(404);
  });
});

describe('POST /api/v1/notifications/batch', () => {
  it('queues each valid item and reports each bad one with its fields, in input order', async () => {
    const c = await w.contact({ telegram: true });
    const res = await w.call('POST', '/api/v1/notifications/batch', {
      notifications: [
        { type: 'welcome', to: { contactId: c.id }, idempotencyKey: 'batch-1' },
        { type: 'nope', to: { contactId: c.id } },
        { type: 'welcome', to: { email: 'broken' } },
        { type: 'welcome', to: { contactId: c.id }, idempotencyKey: 'batch-1' },
      ],
    });
    expect(res.statusCode, res.body).toBe(202);
    const body = res.json();
    expect(body).toMatchObject({ accepted: 2, rejected: 2 });
    expect(body.results.map((r: Json) => r.index)).toEqual([0, 1, 2, 3]);
    expect(body.results[1].error.details).toEqual([
      { path: '/type', message: 'no notification type with the key "nope"' },
    ]);
    expect(body.results[2].error.details[0].path).toBe('/to/email');
    // The same key inside one batch: the same notification.
    expect(body.results[3].id).toBe(body.results[0].id);
    await w.settled(body.results[0].id);
    expect(w.sentTo(c.chatId!)).toHaveLength(1);
  });

  it('refuses more than 1,000 items with a 400', async () => {
    const item = { type: 'welcome', to: { email: 'x@example.com' } };
    const res = await w.call('POST', '/api/v1/notifications/batch', {
      notifications: Array(1001).fill(item),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0].path).toMatch(/notifications/);
  });
});

describe('/api/v1/notification-types', () => {
  it('lists the built-ins, creates, changes and deletes a custom type', async () => {
    const all = await w.call('GET', '/api/v1/notification-types');
    expect(all.json().data.filter((t: Json) => t.builtIn)).toHaveLength(11);

    const created = await w.call('POST', '/api/v1/notification-types', {
      key: 'security_code',
      name: 'Код входа',
      critical: true,
      channels: ['telegram', 'email'],
      templates: { telegram: 'welcome.telegram', email: 'welcome.email' },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({
      key: 'security_code',
      category: 'transactional',
      critical: true,
      builtIn: false,
    });

    // A call that fails on its recipient still looks the type up (the trigger keeps it for a few seconds)…
    const problems = async (body: Json) =>
      (await w.call('POST', '/api/v1/notifications', body))
        .json()
        .error.details.map((d: { path: string }) => d.path);
    expect(await problems({ type: 'security_code', to: {}, channels: ['email'] })).toEqual(['/to']);

    const patched = await w.call('PATCH', '/api/v1/notification-types/security_code', {
      throttle: { limit: 3, periodSeconds: 60 },
      channels: ['telegram'],
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({
      throttle: { limit: 3, periodSeconds: 60 },
      channels: ['telegram'],
    });
    // …and the change is seen by the next call at once: a write in this process clears what the trigger kept.
    expect(await problems({ type: 'security_code', to: {}, channels: ['email'] })).toEqual([
      '/to',
      '/channels/0',
    ]);

    const taken = await w.call('POST', '/api/v1/notification-types', {
      key: 'security_code',
      name: 'again',
      templates: { telegram: 'welcome.telegram', email: 'welcome.email' },
    });
    expect(taken.statusCode).toBe(409);

    expect((await w.call('DELETE', '/api/v1/notification-types/security_code')).statusCode).toBe(204);
    expect((await w.call('GET', '/api/v1/notification-types/security_code')).statusCode).toBe(404);
    expect(await problems({ type: 'security_code', to: {} })).toEqual(['/type', '/to']);
  });

  it('lets built-ins be edited but not deleted, nor their key changed', async () => {
    const res = await w.call('PATCH', '/api/v1/notification-types/new_lesson', { digestWindowSeconds: 600 });
    expect(res.statusCode).toBe(200);
    expect(res.json().digestWindowSeconds).toBe(600);
    await w.call('PATCH', '/api/v1/notification-types/new_lesson', { digestWindowSeconds: null });
    expect((await w.call('DELETE', '/api/v1/notification-types/new_lesson')).statusCode).toBe(409);
    const key = await w.call('PATCH', '/api/v1/notification-types/new_lesson', { key: 'lessons' });
    expect(key.statusCode).toBe(400);
    expect(key.json().error.details[0].path).toBe('/key');
  });

  it('names every bad field', async () => {
    const cases: Array<[Json, string[]]> = [
      [
        { key: 'Bad Key', name: 'x', templates: { telegram: 'welcome.telegram', email: 'welcome.email' } },
        ['/key'],
      ],
      [
        {
          key: 'promo2',
          name: 'x',
          category: 'marketing',
          critical: true,
          templates: { telegram: 'welcome.telegram', email: 'welcome.email' },
        },
        ['/critical'],
      ],
      [
        { key: 'x1', name: 'x', channels: ['telegram'], templates: { telegram: 'welcome.email' } },
        ['/templates/telegram'],
      ],
      [{ key: 'x2', name: 'x', channels: ['email'] }, ['/templates/email']],
      [
        { key: 'x3', name: 'x', channels: ['telegram'], templates: { telegram: 'no-such-template' } },
        ['/templates/telegram'],
      ],
      [
        {
          key: 'x4',
          name: 'x',
          channels: ['telegram', 'telegram'],
          templates: { telegram: 'welcome.telegram' },
        },
        ['/channels/1'],
      ],
    ];
    for (const [body, paths] of cases) {
      const res = await w.call('POST', '/api/v1/notification-types', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error.details.map((d: Json) => d.path)).toEqual(paths);
    }
  });

  it('lets agents read but not trigger or change', async () => {
    const agent = (await w.app.userWithRole('agent')).token;
    const inject = (method: 'GET' | 'POST', url: string, payload?: Json) =>
      w.app.http!.inject({ method, url, headers: bearer(agent), ...(payload ? { payload } : {}) });
    expect((await inject('GET', '/api/v1/notification-types')).statusCode).toBe(200);
    expect((await inject('GET', '/api/v1/notifications')).statusCode).toBe(200);
    expect(
      (await inject('POST', '/api/v1/notifications', { type: 'welcome', to: { email: 'a@b.co' } }))
        .statusCode,
    ).toBe(403);
  });
});

describe('setting notification_quiet_hours', () => {
  it('takes {from, to} or null and refuses anything else naming /value', async () => {
    const patch = (value: unknown) => w.call('PATCH', '/api/v1/settings/notification_quiet_hours', { value });
    expect((await patch({ from: '23:00', to: '08:00' })).statusCode).toBe(200);
    expect((await patch(null)).statusCode).toBe(200);
    for (const bad of [
      { from: '25:00', to: '08:00' },
      { from: '23:00' },
      'night',
      { from: '23:00', to: '08:00', x: 1 },
    ]) {
      const res = await patch(bad);
      expect(res.statusCode, JSON.stringify(bad)).toBe(400);
      expect(res.json().error.details[0].path).toBe('/value');
    }
  });
});
