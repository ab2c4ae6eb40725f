import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeBot } from '../fakes/telegram/index.ts';
import { FakeTelegram } from '../fakes/telegram/index.ts';
import { bearer, startTestApp, type TestApp } from '../support/test-app.ts';
import {
  allProcessed,
  callbackUpdate,
  connectBot,
  contactOf,
  eventually,
  membershipUpdate,
  newBot,
  textUpdate,
  tgUser,
} from './receiving.helpers.ts';

const PUBLIC_URL = 'https://switchboard.example.test';
let tg: FakeTelegram;
let app: TestApp;
let bot: FakeBot;
let channelId: string;
let secret: string;

const deliver = (update: unknown, token = secret, id = channelId) =>
  app.http!.inject({
    method: 'POST',
    url: `/webhooks/telegram/${id}`,
    headers: { 'x-telegram-bot-api-secret-token': token },
    payload: update as object,
  });
const stored = () => app.services.ctx.repos.telegramUpdates.listByChannel(channelId);

beforeAll(async () => {
  tg = await FakeTelegram.start();
  app = await startTestApp({ env: { TELEGRAM_API_ROOT: tg.apiRoot, PUBLIC_URL } });
  const b = newBot(tg);
  bot = b.bot;
  channelId = await connectBot(app, b.token);
  secret = await eventually(async () => bot.webhook?.secretToken || undefined);
});
afterAll(async () => {
  await app?.stop();
  await tg?.stop();
});

describe('webhook registration', () => {
  it('sets the webhook on PUBLIC_URL with the secret token, the update kinds we need, and pending updates kept', async () => {
    expect(bot.webhook?.url).toBe(`${PUBLIC_URL}/webhooks/telegram/${channelId}`);
    expect(secret.length).toBeGreaterThanOrEqual(32);
    expect(bot.webhook?.allowedUpdates).toEqual([
      'message',
      'edited_message',
      'callback_query',
      'my_chat_member',
    ]);
    const sealed = (await app.services.ctx.repos.channels.get(channelId))!.webhookSecretSealed!;
    expect(app.services.ctx.secretBox.open(sealed)).toBe(secret);
  });
});

describe('webhook delivery', () => {
  it('answers 401 and stores nothing when the secret header is wrong or missing', async () => {
    const wrong = await deliver(textUpdate(tgUser(), 'hi'), `${secret.slice(0, -1)}x`);
    expect(wrong.statusCode).toBe(401);
    const missing = await app.http!.inject({
      method: 'POST',
      url: `/webhooks/telegram/${channelId}`,
      payload: textUpdate(tgUser(), 'hi'),
    });
    expect(missing.statusCode).toBe(401);
    expect(await stored()).toHaveLength(0);
  });

  it('answers 404 for an unknown channel and 400 naming update_id for a body without one', async () => {
    expect((await deliver(textUpdate(tgUser(), 'hi'), secret, crypto.randomUUID())).statusCode).toBe(404);
    expect((await deliver(textUpdate(tgUser(), 'hi'), secret, 'not-a-uuid')).statusCode).toBe(404);
    const bad = await deliver({ message: {} });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('update_id');
  });

  it('stores an update delivered twice once and creates its contact once, with names and language', async () => {
    const user = tgUser({
      first_name: 'Иван',
      last_name: 'Сидоров',
      username: 'ivan_s',
      language_code: 'ru',
    });
    const update = textUpdate(user, 'Здравствуйте');
    const first = await deliver(update);
    const second = await deliver(update);
    expect([first.statusCode, second.statusCode]).toEqual([200, 200]);
    expect([first.json().duplicate, second.json().duplicate]).toEqual([false, true]);
    await eventually(() => allProcessed(app, channelId));
    const rows = (await stored()).filter((r) => r.updateId === update.update_id);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.payload).toEqual(update);
    const contacts = await contactOf(app, channelId, user.id);
    expect(contacts).toHaveLength(1);
    expect(contacts[0]).toMatchObject({
      firstName: 'Иван',
      lastName: 'Сидоров',
      username: 'ivan_s',
      language: 'ru',
      reachable: true,
    });
    expect(contacts[0]!.lastActivityAt).not.toBeNull();
    expect(contacts[0]!.lastSeenAt).not.toBeNull();
    expect((await app.services.ctx.repos.channels.get(channelId))?.lastUpdateAt).not.toBeNull();
  });

  it('keeps the /start payload of the first start only, and a returning /start re-subscribes', async () => {
    const user = tgUser();
    await deliver(textUpdate(user, '/start promo_42'));
    await eventually(() => allProcessed(app, channelId));
    const [created] = await contactOf(app, channelId, user.id);
    expect(created?.source).toBe('promo_42');
    await app.services.ctx.repos.contacts.update(created!.id, { subscribed: false });

    await deliver(textUpdate(user, '/start other_campaign'));
    await eventually(() => allProcessed(app, channelId));
    const [after] = await contactOf(app, channelId, user.id);
    expect(after).toMatchObject({ id: created!.id, source: 'promo_42', subscribed: true });
  });

  it('marks the identity unreachable when the person blocks the bot and reachable again when they unblock it', async () => {
    const user = tgUser();
    await deliver(textUpdate(user, 'hello'));
    await deliver(membershipUpdate(user, 'kicked'));
    await eventually(() => allProcessed(app, channelId));
    expect((await contactOf(app, channelId, user.id))[0]?.reachable).toBe(false);
    await deliver(membershipUpdate(user, 'member'));
    await eventually(() => allProcessed(app, channelId));
    expect((await contactOf(app, channelId, user.id))[0]?.reachable).toBe(true);
  });

  it('answers a button tap with answerCallbackQuery', async () => {
    const update = callbackUpdate(tgUser(), 'csat:5');
    await deliver(update);
    const answered = await eventually(async () => bot.sent.find((s) => s.method === 'answerCallbackQuery'));
    expect(answered.params.callback_query_id).toBe(update.callback_query.id);
  });
});

describe('a webhook secret that changes', () => {
  it('is checked afresh: the old secret gets 401 and stores nothing, the new one is stored', async () => {
    // A delivery with the current secret first, so this process has verified (and remembers) it.
    expect((await deliver(textUpdate(tgUser(), 'before the change'))).statusCode).toBe(200);
    const fresh = 'a-new-webhook-secret';
    await app.services.ctx.db
      .updateTable('channels')
      .set({ webhookSecretSealed: app.services.ctx.secretBox.seal(fresh) })
      .where('id', '=', channelId)
      .execute();
    try {
      const before = (await stored()).length;
      expect((await deliver(textUpdate(tgUser(), 'old secret'))).statusCode).toBe(401);
      expect(await stored()).toHaveLength(before);
      const update = textUpdate(tgUser(), 'new secret');
      expect((await deliver(update, fresh)).statusCode).toBe(200);
      expect((await deliver(update, fresh)).json()).toEqual({ ok: true, duplicate: true });
      expect((await stored()).map((u) => u.updateId)).toContain(update.update_id);
    } finally {
      await app.services.ctx.db
        .updateTable('channels')
        .set({ webhookSecretSealed: app.services.ctx.secretBox.seal(secret) })
        .where('id', '=', channelId)
        .execute();
    }
  });
});

describe('pausing a webhook channel', () => {
  it('deletes the webhook, refuses deliveries with 503 so Telegram keeps them, and sets it again on resume', async () => {
    const admin = (await app.userWithRole('admin')).token;
    const patch = (status: string) =>
      app.http!.inject({
        method: 'PATCH',
        url: `/api/v1/channels/${channelId}`,
        headers: bearer(admin),
        payload: { status },
      });
    expect((await patch('paused')).statusCode).toBe(200);
    await eventually(async () => bot.webhook === null);
    const before = (await stored()).length;
    const res = await deliver(textUpdate(tgUser(), 'anyone there?'));
    expect(res.statusCode).toBe(503);
    expect(await stored()).toHaveLength(before);

    expect((await patch('active')).statusCode).toBe(200);
    await eventually(async () => bot.webhook?.secretToken === secret);
  });
});

describe('deleting a webhook channel', () => {
  it('removes the webhook at Telegram so it stops posting to a channel that no longer exists', async () => {
    const b = newBot(tg);
    const id = await connectBot(app, b.token);
    await eventually(async () => b.bot.webhook !== null);
    const admin = (await app.userWithRole('admin')).token;
    const res = await app.http!.inject({
      method: 'DELETE',
      url: `/api/v1/channels/${id}`,
      headers: bearer(admin),
    });
    expect(res.statusCode).toBe(204);
    expect(b.bot.webhook).toBeNull();
  });
});
