import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.ts';
import { type Json, NotificationWorld } from './notification-world.ts';

/** The topic form: one type to a segment, as a broadcast of the type's Telegram template with the call's data. */

let w: NotificationWorld;
beforeAll(async () => {
  w = await NotificationWorld.start();
});
afterAll(async () => w?.stop());

const broadcast = async (id: string): Promise<Json> =>
  (await w.call('GET', `/api/v1/broadcasts/${id}`)).json();

describe('POST /api/v1/notifications/topic', () => {
  it('sends the type to the audience with the data, leaving out who turned the type off', async () => {
    const ru = await w.contact({ telegram: true, language: 'ru' });
    const en = await w.contact({ telegram: true, language: 'en' });
    const optedOut = await w.contact({ telegram: true });
    const outsider = await w.contact({ telegram: true });
    for (const c of [ru, en, optedOut]) await w.repos.contacts.update(c.id, { tags: ['spring'] });
    await w.repos.preferences.put(optedOut.id, { types: { promo_code_available: { enabled: false } } });

    const res = await w.call('POST', '/api/v1/notifications/topic', {
      type: 'promo_code_available',
      filter: { op: 'and', conditions: [{ type: 'field', field: 'tags', op: 'has_any', value: ['spring'] }] },
      data: { code: 'SPRING26', discount: 20 },
    });
    expect(res.statusCode, res.body).toBe(202);
    const { broadcastId, status } = res.json();
    expect(status).toBe('sending');
    const done = await eventually(async () => {
      const b = await broadcast(broadcastId);
      return b.status === 'completed' && b;
    });
    expect(done.stats).toMatchObject({ total: 2, sent: 2 });
    expect(w.sentTo(ru.chatId!)[0]!.params.text).toContain('SPRING26');
    expect(w.sentTo(ru.chatId!)[0]!.params.text).toContain('скидка <b>20%</b>');
    expect(w.sentTo(en.chatId!)[0]!.params.text).toContain('<b>20% off</b>');
    expect(w.sentTo(optedOut.chatId!)).toHaveLength(0);
    expect(w.sentTo(outsider.chatId!)).toHaveLength(0);
  });

  it('reaches contacts who turned a critical type off', async () => {
    const c = await w.contact({ telegram: true });
    await w.repos.contacts.update(c.id, { tags: ['debtors'] });
    await w.repos.preferences.put(c.id, { types: { payment_failed: { enabled: false } } });
    const segment = await w.call('POST', '/api/v1/segments', {
      name: 'Debtors',
      filter: {
        op: 'and',
        conditions: [{ type: 'field', field: 'tags', op: 'has_any', value: ['debtors'] }],
      },
    });
    expect(segment.statusCode, segment.body).toBe(201);
    const res = await w.call('POST', '/api/v1/notifications/topic', {
      type: 'payment_failed',
      segmentId: segment.json().id,
      data: { amount: 500 },
    });
    expect(res.statusCode, res.body).toBe(202);
    await eventually(async () => w.sentTo(c.chatId!).length === 1);
  });

  it('names the bad field', async () => {
    const cases: Array<[Json, string]> = [
      [{ type: 'nope', filter: { op: 'and', conditions: [] } }, '/type'],
      [{ type: 'welcome' }, '/segmentId'],
      [{ type: 'welcome', segmentId: '00000000-0000-4000-8000-000000000000' }, '/segmentId'],
      [{ type: 'welcome', filter: { op: 'xor', conditions: [] } }, 'filter.op'],
    ];
    for (const [body, path] of cases) {
      const res = await w.call('POST', '/api/v1/notifications/topic', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error.details[0].path).toBe(path);
    }
  });
});
