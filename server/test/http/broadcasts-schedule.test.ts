import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeBot, FakeTelegram } from '../fakes/telegram/index.ts';
import { eventually } from '../support/eventually.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { createTestDatabase } from '../support/test-db.ts';
import { connectBot, newBot } from '../telegram/receiving.helpers.ts';
import { type Api, adminApi, insertContacts } from './contacts.helpers.ts';

// Two apps with job workers on one database: the scheduled start job is queued once and must be run (and the snapshot taken)
// exactly once, whichever worker picks it up.
let tg: FakeTelegram;
let apps: TestApp[] = [];
let api: Api;
let bot: FakeBot;
let channelId: string;

beforeAll(async () => {
  tg = await FakeTelegram.start({ enforceLimits: false });
  const databaseUrl = await createTestDatabase();
  const env = { TELEGRAM_API_ROOT: tg.apiRoot };
  apps = [
    await startTestApp({ databaseUrl, env, role: 'start' }),
    await startTestApp({ databaseUrl, env, role: 'worker' }),
  ];
  api = await adminApi(apps[0]!);
  const made = newBot(tg);
  bot = made.bot;
  channelId = await connectBot(apps[0]!, made.token);
});
afterAll(async () => {
  for (const app of apps) await app.stop();
  await tg?.stop();
});

describe('scheduled start through the job queue', () => {
  it('starts at its time, once, with two workers polling the queue', async () => {
    const app = apps[0]!;
    const ids = await insertContacts(
      app,
      Array.from({ length: 6 }, (_, i) => ({ firstName: `Sub ${i}`, tags: ['sched'] })),
    );
    let chat = 960_000_001;
    for (const contactId of ids)
      await app.services.ctx.db
        .insertInto('contactChannels')
        .values({ contactId, channelId, externalId: String(chat++) })
        .execute();
    const at = new Date(Date.now() + 1500);
    const created = await api.post('/api/v1/broadcasts', {
      title: 'Scheduled',
      channelId,
      filter: { op: 'and', conditions: [{ type: 'field', field: 'tags', op: 'has_any', value: ['sched'] }] },
      content: 'Morning, {{ contact.firstName }}',
      scheduledAt: at.toISOString(),
    });
    expect(created.json().status).toBe('scheduled');
    const id = created.json().id;

    const started = await eventually(
      async () => {
        const b = (await api.get(`/api/v1/broadcasts/${id}`)).json();
        return b.status !== 'scheduled' && b;
      },
      20_000,
      'the scheduled start',
    );
    expect(new Date(started.startedAt).getTime()).toBeGreaterThanOrEqual(at.getTime() - 1000);
    const rows = await app.services.ctx.db
      .selectFrom('broadcastDeliveries')
      .select('contactId')
      .where('broadcastId', '=', id)
      .execute();
    expect(rows.map((r) => r.contactId).sort()).toEqual([...ids].sort());
    const starts = await app.services.ctx.db
      .selectFrom('auditLog')
      .select('actorName')
      .where('entityId', '=', id)
      .where('action', '=', 'broadcast.started')
      .execute();
    expect(starts).toEqual([{ actorName: 'broadcast scheduler' }]);
    expect(started.stats.total).toBe(6);
    // The delivery it queued reaches every recipient once (the delivery manager's own tests cover how).
    await eventually(
      async () => bot.sent.filter((s) => s.method === 'sendMessage').length >= 6,
      20_000,
      'six messages',
    );
    const perChat = new Map<string, number>();
    for (const s of bot.sent.filter((x) => x.method === 'sendMessage'))
      perChat.set(String(s.chatId), (perChat.get(String(s.chatId)) ?? 0) + 1);
    expect([...perChat.values()]).toEqual([1, 1, 1, 1, 1, 1]);
  });
});
