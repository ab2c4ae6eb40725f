import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TelegramLimiter } from '../../src/channels/telegram/telegram.limiter.ts';
import { FakeTelegram } from '../fakes/telegram/index.ts';
import { eventually } from '../support/eventually.ts';
import { bearer, startTestApp, type TestApp } from '../support/test-app.ts';
import { connectBot, newBot, textUpdate, tgUser } from '../telegram/receiving.helpers.ts';

let tg: FakeTelegram;
let app: TestApp;
let admin: string;
let publicUrl: string;

/** A port nothing listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const health = (id: string, token = admin) =>
  app.http!.inject({ method: 'GET', url: `/api/v1/channels/${id}/health`, headers: bearer(token) });
const healthOf = async (id: string) => {
  const res = await health(id);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};

beforeAll(async () => {
  tg = await FakeTelegram.start();
  // Webhooks go to a closed port, so Telegram (the fake) records delivery errors for the health view to show.
  publicUrl = `http://127.0.0.1:${await closedPort()}`;
  app = await startTestApp({ env: { TELEGRAM_API_ROOT: tg.apiRoot, PUBLIC_URL: publicUrl } });
  admin = (await app.userWithRole('admin')).token;
});
afterAll(async () => {
  await app?.stop();
  await tg?.stop();
});

describe('channel health in polling mode', () => {
  it('shows the offset, the worker session holding the polling lease, and the default sending budget', async () => {
    const { token, bot } = newBot(tg);
    const id = await connectBot(app, token);
    const first = await healthOf(id);
    expect(first).toMatchObject({
      channelId: id,
      status: 'active',
      mode: 'polling',
      webhook: null,
      webhookInfoError: null,
      updates: { unprocessed: 0, lastProcessingError: null },
      sending: { sentLastMinute: 0, pausedUntil: null, rateLimitPerSecond: 30, paidBroadcasts: false },
    });
    const update = bot.queueUpdate(textUpdate(tgUser(), 'hello'));
    const polled = await eventually(async () => {
      const h = await healthOf(id);
      return h.polling.offset === (update.update_id as number) + 1 && h.polling.lease && h.lastUpdateAt
        ? h
        : undefined;
    });
    expect(polled.polling.lease).toMatchObject({
      applicationName: 'switchboard-poll-lease',
      databasePid: expect.any(Number),
    });
    expect(JSON.stringify(polled)).not.toContain(token.split(':')[1]);
  });

  it('shows no lease once the channel is paused and its poller has let go', async () => {
    const { token } = newBot(tg);
    const id = await connectBot(app, token);
    await eventually(async () => (await healthOf(id)).polling.lease ?? undefined);
    await app.services.channels.update({ type: 'system', id: null, name: 'test' }, id, { status: 'paused' });
    const after = await eventually(async () => {
      const h = await healthOf(id);
      return h.polling.lease === null ? h : undefined;
    });
    expect(after.status).toBe('paused');
  });

  it('counts unprocessed updates and shows the last one that gave up', async () => {
    const id = await connectBot(app, newBot(tg).token);
    const { repos } = app.services.ctx;
    // Stored without a processing job: they stay unprocessed.
    const a = await repos.telegramUpdates.insert(id, 1001, textUpdate(tgUser(), 'a', 1001));
    const b = await repos.telegramUpdates.insert(id, 1002, textUpdate(tgUser(), 'b', 1002));
    await repos.telegramUpdates.insert(id, 1003, textUpdate(tgUser(), 'c', 1003));
    await repos.telegramUpdates.recordError(a!, 'first failure');
    await repos.telegramUpdates.recordError(b!, 'contact insert failed');
    const h = await healthOf(id);
    expect(h.updates).toEqual({
      unprocessed: 3,
      lastProcessingError: { updateId: 1002, error: 'contact insert failed', receivedAt: expect.any(String) },
    });
    expect(h.lastError).toBe(`processing update ${b}: contact insert failed`);
    expect(h.lastErrorAt).not.toBeNull();
  });

  it('shows messages granted in the last minute, a 429 pause, and the configured rate', async () => {
    const { token } = newBot(tg);
    const id = await connectBot(app, token, { settings: { rateLimitPerSecond: 200, paidBroadcasts: true } });
    const limiter = new TelegramLimiter(app.services.ctx.db);
    try {
      for (const chatId of [11, 12, 13])
        await limiter.acquire({ channelId: id, chatId, chatKind: 'private', priority: 'interactive' });
    } finally {
      limiter.stop();
    }
    const until = await app.services.ctx.repos.telegramRate.pause(id, 30);
    const h = await healthOf(id);
    expect(h.sending).toEqual({
      sentLastMinute: 3,
      pausedUntil: until!.toISOString(),
      rateLimitPerSecond: 200,
      paidBroadcasts: true,
    });
    expect(new Date(h.sending.pausedUntil).getTime()).toBeGreaterThan(Date.now() + 20_000);
  });

  it('answers 404 for an unknown channel and 401 without credentials', async () => {
    expect((await health('00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    const anonymous = await app.http!.inject({
      method: 'GET',
      url: '/api/v1/channels/00000000-0000-4000-8000-000000000000/health',
    });
    expect(anonymous.statusCode).toBe(401);
  });
});

describe('channel health in webhook mode', () => {
  it("shows Telegram's webhook info, including its delivery errors and pending updates", async () => {
    const { token, bot } = newBot(tg);
    const id = await connectBot(app, token, { mode: 'webhook' });
    await eventually(async () => bot.webhook?.url || undefined);
    bot.queueUpdate(textUpdate(tgUser(), 'nobody listens'));
    const h = await eventually(async () => {
      const v = await healthOf(id);
      return v.webhook?.lastErrorMessage ? v : undefined;
    });
    expect(h).toMatchObject({
      mode: 'webhook',
      polling: null,
      webhookInfoError: null,
      webhook: {
        url: `${publicUrl}/webhooks/telegram/${id}`,
        pendingUpdateCount: 1,
        lastErrorMessage: 'Connection refused',
        maxConnections: 40,
      },
    });
    expect(Math.abs(new Date(h.webhook.lastErrorDate).getTime() - Date.now())).toBeLessThan(60_000);
  });

  it('reports a failing getWebhookInfo inside the view (200), never as a 500, and without the token', async () => {
    const { token, bot } = newBot(tg);
    const id = await connectBot(app, token, { mode: 'webhook' });
    bot.failNext('getWebhookInfo', { error_code: 500, description: 'Internal Server Error' });
    const failed = await healthOf(id);
    expect(failed.webhook).toBeNull();
    expect(failed.webhookInfoError).toMatch(/getWebhookInfo failed: .*Internal Server Error/);

    // Telegram unreachable: the API root now points at a closed port.
    await app.services.ctx.repos.channels.update(id, { apiRoot: `http://127.0.0.1:${await closedPort()}` });
    const res = await health(id);
    expect(res.statusCode).toBe(200);
    expect(res.json().webhookInfoError).toMatch(/Could not reach the Telegram Bot API/);
    expect(res.body).not.toContain(token.split(':')[1]);
    expect(res.json().updates.unprocessed).toBe(0);
  });
});
