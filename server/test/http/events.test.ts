import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestApp, type TestApp } from '../support/test-app.ts';
import { type Api, adminApi, type Body, insertChannel, insertContacts, paths } from './contacts.helpers.ts';

let app: TestApp;
let api: Api;
let keyApi: Api;
beforeAll(async () => {
  app = await startTestApp();
  api = await adminApi(app);
  // Business systems post events with API keys; a marketing key holds contacts:write.
  const key = await app.apiKeyWithRole('marketing');
  const http = app.http!;
  keyApi = {
    get: (url) => http.inject({ method: 'GET', url, headers: bearer(key) }),
    post: (url, payload) =>
      http.inject({ method: 'POST', url, headers: bearer(key), payload: payload as object }),
    patch: (url, payload) =>
      http.inject({ method: 'PATCH', url, headers: bearer(key), payload: payload as object }),
    delete: (url) => http.inject({ method: 'DELETE', url, headers: bearer(key) }),
  };
});
afterAll(async () => {
  await app.stop();
});

const db = () => app.services.ctx.db;
const eventCount = async () =>
  Number(
    (await db().selectFrom('contactEvents').select(db().fn.countAll().as('n')).executeTakeFirstOrThrow()).n,
  );
const contactByExternalId = (externalId: string) =>
  db().selectFrom('contacts').selectAll().where('externalId', '=', externalId).executeTakeFirst();

describe('POST /api/v1/events', () => {
  it('records an event for a contact named by id, externalId, telegramId or email', async () => {
    const [c1, c2] = await insertContacts(app, [
      { externalId: 'crm-ev-1', email: 'ev1@example.com' },
      { email: 'ev2@example.com' },
    ]);
    const ch = await insertChannel(app, 'tg-events');
    await db()
      .insertInto('contactChannels')
      .values({ contactId: c2!, channelId: ch, externalId: '777001' })
      .execute();

    const byId = await keyApi.post('/api/v1/events', {
      contact: { id: c1 },
      name: 'purchase',
      properties: { amount: 1990, currency: 'RUB' },
      occurredAt: '2026-01-15T10:00:00Z',
    });
    expect(byId.statusCode).toBe(201);
    expect(byId.json()).toMatchObject({
      contactId: c1,
      name: 'purchase',
      properties: { amount: 1990, currency: 'RUB' },
      occurredAt: '2026-01-15T10:00:00.000Z',
      idempotencyKey: null,
      duplicate: false,
      contactCreated: false,
    });
    expect(byId.json().id).toMatch(/^\d+$/);

    for (const contact of [{ externalId: 'crm-ev-1' }, { email: 'EV1@example.com' }]) {
      const r = await keyApi.post('/api/v1/events', { contact, name: 'lesson_completed' });
      expect(r.statusCode, JSON.stringify(contact)).toBe(201);
      expect(r.json().contactId).toBe(c1);
      expect(r.json().properties).toEqual({});
    }
    for (const telegramId of ['777001', 777001]) {
      const r = await keyApi.post('/api/v1/events', { contact: { telegramId }, name: 'cart_abandoned' });
      expect(r.statusCode).toBe(201);
      expect(r.json().contactId).toBe(c2);
    }
  });

  it('moves last_activity_at forward to the newest event, never backwards and never into the future', async () => {
    const [c] = await insertContacts(app, [
      { externalId: 'crm-activity', lastActivityAt: new Date('2026-01-10T00:00:00Z') },
    ]);
    const post = (occurredAt: string) =>
      api.post('/api/v1/events', { contact: { id: c }, name: 'visit', occurredAt });
    expect((await post('2026-01-05T00:00:00Z')).statusCode).toBe(201);
    expect((await contactByExternalId('crm-activity'))!.lastActivityAt).toEqual(
      new Date('2026-01-10T00:00:00Z'),
    );
    expect((await post('2026-01-20T00:00:00Z')).statusCode).toBe(201);
    expect((await contactByExternalId('crm-activity'))!.lastActivityAt).toEqual(
      new Date('2026-01-20T00:00:00Z'),
    );
    // Within the 5-minute clock-skew allowance, but still later than now: activity stops at now.
    const soon = new Date(Date.now() + 120_000);
    expect((await post(soon.toISOString())).statusCode).toBe(201);
    const at = (await contactByExternalId('crm-activity'))!.lastActivityAt!;
    expect(at.getTime()).toBeLessThan(soon.getTime());
    expect(at.getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  it('creates an unknown contact by externalId, unless the setting is off', async () => {
    const r = await keyApi.post('/api/v1/events', { contact: { externalId: 'crm-new-1' }, name: 'signup' });
    expect(r.statusCode).toBe(201);
    expect(r.json().contactCreated).toBe(true);
    const created = await contactByExternalId('crm-new-1');
    expect(created).toMatchObject({ id: r.json().contactId, source: 'events' });
    expect(created!.lastActivityAt).not.toBeNull();

    const off = await api.patch('/api/v1/settings/events_create_unknown_contacts', { value: false });
    expect(off.statusCode).toBe(200);
    try {
      const refused = await keyApi.post('/api/v1/events', {
        contact: { externalId: 'crm-new-2' },
        name: 'signup',
      });
      expect(refused.statusCode).toBe(404);
      expect(paths(refused)).toEqual(['/contact/externalId']);
      expect(await contactByExternalId('crm-new-2')).toBeUndefined();
      // Known contacts still get their events.
      const known = await keyApi.post('/api/v1/events', {
        contact: { externalId: 'crm-new-1' },
        name: 'login',
      });
      expect(known.statusCode).toBe(201);
      expect(known.json().contactCreated).toBe(false);
    } finally {
      await api.patch('/api/v1/settings/events_create_unknown_contacts', { value: true });
    }
    expect(
      (await api.patch('/api/v1/settings/events_create_unknown_contacts', { value: 'yes' })).statusCode,
    ).toBe(400);
  });

  it('answers 404 for an unknown id, telegramId or email and 409 when an email names several contacts', async () => {
    const before = await eventCount();
    for (const contact of [
      { id: '00000000-0000-4000-8000-000000000000' },
      { telegramId: '999999999' },
      { email: 'nobody@example.com' },
    ]) {
      const r = await keyApi.post('/api/v1/events', { contact, name: 'purchase' });
      expect(r.statusCode, JSON.stringify(contact)).toBe(404);
      expect(r.json().error.code).toBe('not_found');
      expect(paths(r)).toEqual([`/contact/${Object.keys(contact)[0]}`]);
    }
    await insertContacts(app, [{ email: 'shared@example.com' }, { email: 'shared@example.com' }]);
    const shared = await keyApi.post('/api/v1/events', {
      contact: { email: 'shared@example.com' },
      name: 'purchase',
    });
    expect(shared.statusCode).toBe(409);
    expect(paths(shared)).toEqual(['/contact/email']);
    expect(await eventCount()).toBe(before);
  });

  it('refuses bad input with 400 naming each field', async () => {
    const cases: Array<[unknown, string[]]> = [
      [{ contact: {}, name: 'purchase' }, ['/contact']],
      [{ contact: { id: 'x', email: 'a@b.co' }, name: 'purchase' }, ['/contact']],
      [{ contact: { id: 'not-a-uuid' }, name: 'purchase' }, ['/contact/id']],
      [{ contact: { email: 'not-an-email' }, name: 'purchase' }, ['/contact/email']],
      [{ contact: { telegramId: '12ab' }, name: 'purchase' }, ['/contact/telegramId']],
      [{ contact: { externalId: 'x' }, name: 'has space' }, ['/name']],
      [{ contact: { externalId: 'x' }, name: 'a'.repeat(101) }, ['/name']],
      [{ contact: { externalId: 'x' }, name: 'p', occurredAt: 'yesterday' }, ['/occurredAt']],
      [{ contact: { externalId: 'x' }, name: 'p', occurredAt: '2099-01-01T00:00:00Z' }, ['/occurredAt']],
      [{ contact: { externalId: 'x' }, name: 'p', properties: { big: 'x'.repeat(17_000) } }, ['/properties']],
      [{ contact: { externalId: 'x' }, name: 'p', idempotencyKey: '' }, ['/idempotencyKey']],
    ];
    const before = await eventCount();
    for (const [body, expected] of cases) {
      const r = await keyApi.post('/api/v1/events', body);
      expect(r.statusCode, JSON.stringify(body).slice(0, 100)).toBe(400);
      expect(paths(r), JSON.stringify(body).slice(0, 100)).toEqual(expected);
    }
    const schema = await keyApi.post('/api/v1/events', { contact: { externalId: 'x' }, name: 'p', extra: 1 });
    expect(schema.statusCode).toBe(400);
    expect(paths(schema)).toEqual(['body/extra']);
    expect(await eventCount()).toBe(before);
    expect(await contactByExternalId('x')).toBeUndefined();
  });
});

describe('idempotency', () => {
  it('stores one event per key and answers a repeat with the first event', async () => {
    const body = {
      contact: { externalId: 'crm-idem' },
      name: 'purchase',
      idempotencyKey: 'order-1',
      properties: { n: 1 },
    };
    const first = await keyApi.post('/api/v1/events', body);
    expect(first.statusCode).toBe(201);
    const again = await keyApi.post('/api/v1/events', { ...body, properties: { n: 2 }, name: 'refund' });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({
      id: first.json().id,
      name: 'purchase',
      properties: { n: 1 },
      duplicate: true,
    });
    const stored = await db()
      .selectFrom('contactEvents')
      .select('id')
      .where('idempotencyKey', '=', 'order-1')
      .execute();
    expect(stored).toHaveLength(1);
  });

  it('stores one event when the same key arrives concurrently', async () => {
    const before = await eventCount();
    const body = (i: number) => ({
      contact: { externalId: 'crm-race' },
      name: 'purchase',
      idempotencyKey: 'race-1',
      properties: { attempt: i },
    });
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => keyApi.post('/api/v1/events', body(i))),
    );
    const statuses = answers.map((a) => a.statusCode).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(answers.map((a) => a.json().id)).size).toBe(1);
    expect(new Set(answers.map((a) => a.json().contactId)).size).toBe(1);
    // Only the call whose insert made the contact says it did.
    expect(answers.filter((a) => a.json().contactCreated === true)).toHaveLength(1);
    expect(await eventCount()).toBe(before + 1);
    const contacts = await db()
      .selectFrom('contacts')
      .select('id')
      .where('externalId', '=', 'crm-race')
      .execute();
    expect(contacts).toHaveLength(1);
  });

  it('stores one event when the same key is in concurrent batches in different orders', async () => {
    const before = await eventCount();
    const ev = (k: string) => ({
      contact: { externalId: `crm-batch-race-${k}` },
      name: 'visit',
      idempotencyKey: `br-${k}`,
    });
    const keys = ['a', 'b', 'c', 'd', 'e', 'f'];
    const answers = await Promise.all([
      keyApi.post('/api/v1/events/batch', { events: keys.map(ev) }),
      keyApi.post('/api/v1/events/batch', { events: [...keys].reverse().map(ev) }),
      keyApi.post('/api/v1/events/batch', { events: keys.map(ev) }),
    ]);
    for (const a of answers) expect(a.statusCode).toBe(200);
    expect(answers.reduce((n, a) => n + a.json().created, 0)).toBe(keys.length);
    expect(answers.reduce((n, a) => n + a.json().duplicates, 0)).toBe(keys.length * 2);
    expect(await eventCount()).toBe(before + keys.length);
  });
});

describe('POST /api/v1/events/batch', () => {
  it('answers per event: stored, duplicate or failed with its reason; valid ones are stored', async () => {
    const [known] = await insertContacts(app, [{ externalId: 'crm-batch-known' }]);
    const before = await eventCount();
    const r = await keyApi.post('/api/v1/events/batch', {
      events: [
        { contact: { id: known }, name: 'purchase', idempotencyKey: 'b-1' },
        { contact: { id: known }, name: 'bad name' },
        { contact: { externalId: 'crm-batch-new' }, name: 'signup' },
        { contact: { id: known }, name: 'purchase', idempotencyKey: 'b-1' },
        { contact: { email: 'nobody-batch@example.com' }, name: 'purchase' },
        'not an object',
        { contact: { id: known }, name: 'purchase', properties: { sku: 'A' } },
      ],
    });
    expect(r.statusCode).toBe(200);
    const body: Body = r.json();
    expect(body).toMatchObject({ created: 3, duplicates: 1, failed: 3 });
    expect(body.results.map((x: Body) => [x.index, x.status])).toEqual([
      [0, 'created'],
      [1, 'failed'],
      [2, 'created'],
      [3, 'duplicate'],
      [4, 'failed'],
      [5, 'failed'],
      [6, 'created'],
    ]);
    expect(body.results[1].error).toMatchObject({ code: 'validation_failed', details: [{ path: '/name' }] });
    expect(body.results[4].error).toMatchObject({ code: 'not_found', details: [{ path: '/contact/email' }] });
    expect(body.results[5].error).toMatchObject({ code: 'validation_failed' });
    expect(body.results[3].event.id).toBe(body.results[0].event.id);
    expect(body.results[2].contactCreated).toBe(true);
    expect(body.results[6].event.properties).toEqual({ sku: 'A' });
    expect(await eventCount()).toBe(before + 3);
  });

  it('takes up to 1000 events and refuses more, or none', async () => {
    const events = Array.from({ length: 1000 }, (_, i) => ({
      contact: { externalId: `crm-bulk-${i % 50}` },
      name: 'page_view',
      idempotencyKey: `bulk-${i}`,
    }));
    const ok = await keyApi.post('/api/v1/events/batch', { events });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ created: 1000, duplicates: 0, failed: 0 });
    const again = await keyApi.post('/api/v1/events/batch', { events });
    expect(again.json()).toMatchObject({ created: 0, duplicates: 1000, failed: 0 });
    expect((await keyApi.post('/api/v1/events/batch', { events: [...events, events[0]] })).statusCode).toBe(
      400,
    );
    expect((await keyApi.post('/api/v1/events/batch', { events: [] })).statusCode).toBe(400);
  });
});

describe('GET /api/v1/contacts/:id/events', () => {
  it('pages through a contact timeline newest first, optionally by name', async () => {
    const [c] = await insertContacts(app, [{ externalId: 'crm-timeline' }]);
    const events = Array.from({ length: 7 }, (_, i) => ({
      contact: { id: c },
      name: i % 2 ? 'open' : 'click',
      // Two events share a time: the id breaks the tie, so paging neither repeats nor skips.
      occurredAt: new Date(Date.UTC(2026, 0, 1 + Math.min(i, 5))).toISOString(),
    }));
    expect((await api.post('/api/v1/events/batch', { events })).json().created).toBe(7);
    const seen: Body[] = [];
    let cursor: string | null = null;
    do {
      const r = await api.get(
        `/api/v1/contacts/${c}/events?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(r.statusCode).toBe(200);
      seen.push(...r.json().data);
      cursor = r.json().nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(7);
    expect(new Set(seen.map((e) => e.id)).size).toBe(7);
    const times = seen.map((e) => e.occurredAt);
    expect(times).toEqual([...times].sort().reverse());
    const clicks = await api.get(`/api/v1/contacts/${c}/events?name=click`);
    expect(clicks.json().data.map((e: Body) => e.name)).toEqual(['click', 'click', 'click', 'click']);

    expect((await api.get(`/api/v1/contacts/${c}/events?cursor=garbage`)).statusCode).toBe(400);
    expect((await api.get('/api/v1/contacts/00000000-0000-4000-8000-000000000000/events')).statusCode).toBe(
      404,
    );
  });
});
