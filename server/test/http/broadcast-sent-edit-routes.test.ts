import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeBot, FakeTelegram } from '../fakes/telegram/index.ts';
import { eventually } from '../support/eventually.ts';
import { bearer, startTestApp, type TestApp } from '../support/test-app.ts';
import { connectBot, newBot, tgUser } from '../telegram/receiving.helpers.ts';

/** The HTTP side of correcting and deleting a sent broadcast: requests, the job they queue, status, refusals. */

let server: FakeTelegram;
let bot: FakeBot;
let app: TestApp;
let channelId: string;
let marketing: Record<string, string>;

const db = () => app.services.ctx.db;
const call = (method: 'GET' | 'POST', url: string, payload?: object) =>
  app.http!.inject({ method, url, headers: marketing, ...(payload ? { payload } : {}) });

async function sentBroadcast(status: 'completed' | 'sending') {
  const { id } = await db()
    .insertInto('broadcasts')
    .values({ title: 'Promo', channelId, content: 'Sael!', status })
    .returning('id')
    .executeTakeFirstOrThrow();
  const channel = (await app.services.ctx.repos.channels.get(channelId))!;
  const user = tgUser();
  const contact = await app.services.ctx.repos.contacts.create({ firstName: user.first_name });
  await app.services.ctx.repos.identities.create(contact.id, channelId, String(user.id), new Date());
  const { TelegramAdapters } = await import('../../src/services/outbound.adapters.ts');
  const adapters = new TelegramAdapters(app.services.channels, app.services.telegramLimiter, () => null);
  const sent = await adapters
    .forChannel(channel, 'bulk')
    .send({ chatExternalId: String(user.id), html: 'Sael!' });
  await db()
    .insertInto('broadcastDeliveries')
    .values({
      broadcastId: id,
      contactId: contact.id,
      chatExternalId: String(user.id),
      status: 'sent',
      externalId: sent.externalId,
    })
    .execute();
  return id;
}

beforeAll(async () => {
  server = await FakeTelegram.start({ enforceLimits: false });
  app = await startTestApp({ env: { TELEGRAM_API_ROOT: server.apiRoot } });
  const created = newBot(server);
  bot = created.bot;
  channelId = await connectBot(app, created.token);
  marketing = bearer((await app.userWithRole('marketing')).token);
});
afterAll(async () => {
  await app?.stop();
  await server?.stop();
});

describe('sent broadcast corrections over HTTP', () => {
  it('queues the correction, which the worker applies; then a deletion', async () => {
    const id = await sentBroadcast('completed');
    const res = await call('POST', `/api/v1/broadcasts/${id}/sent-edit`, { content: 'Sale!' });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toMatchObject({ editVersion: 1, sent: 1, edited: 0 });
    await eventually(
      async () => (await call('GET', `/api/v1/broadcasts/${id}/sent-edit`)).json().edited === 1,
    );
    expect(bot.sent.filter((c) => c.method === 'editMessageText').map((c) => c.params.text)).toContain(
      'Sale!',
    );

    const del = await call('POST', `/api/v1/broadcasts/${id}/sent-delete`);
    expect(del.statusCode, del.body).toBe(202);
    await eventually(
      async () => (await call('GET', `/api/v1/broadcasts/${id}/sent-edit`)).json().deleted === 1,
    );
    const again = await call('POST', `/api/v1/broadcasts/${id}/sent-edit`, { content: 'Too late' });
    expect(again.statusCode).toBe(409);
  });

  it('answers 409 for a broadcast still sending and 400 naming content for bad text', async () => {
    const sending = await sentBroadcast('sending');
    expect((await call('POST', `/api/v1/broadcasts/${sending}/sent-edit`, { content: 'x' })).statusCode).toBe(
      409,
    );
    const done = await sentBroadcast('completed');
    const bad = await call('POST', `/api/v1/broadcasts/${done}/sent-edit`, { content: '<b>x' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0].path).toBe('/content');
  });
});
