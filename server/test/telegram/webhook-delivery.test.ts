import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeTelegram } from '../fakes/telegram/index.ts';
import { bearer, startTestApp, type TestApp } from '../support/test-app.ts';
import {
  allProcessed,
  connectBot,
  contactOf,
  eventually,
  newBot,
  textUpdate,
  tgUser,
} from './receiving.helpers.ts';

let tg: FakeTelegram;
let app: TestApp;

/** A free loopback port, so PUBLIC_URL can name the port the app will listen on. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  tg = await FakeTelegram.start({ webhookRetryDelayMs: 50 });
  const port = await freePort();
  app = await startTestApp({
    env: {
      TELEGRAM_API_ROOT: tg.apiRoot,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: `http://127.0.0.1:${port}`,
    },
  });
});
afterAll(async () => {
  await app?.stop();
  await tg?.stop();
});

describe('webhook mode end to end', () => {
  it('receives what Telegram posts to the registered URL with the secret header, once per update', async () => {
    const { token, bot } = newBot(tg);
    // A local Bot API root accepts http webhooks, so webhook mode is allowed without https.
    const channelId = await connectBot(app, token, { mode: 'webhook' });
    await eventually(async () => bot.webhook !== null);
    const user = tgUser({ first_name: 'Ольга', username: 'olga' });
    const ids = [1, 2, 3].map((i) => bot.queueUpdate(textUpdate(user, `message ${i}`)).update_id as number);
    await eventually(async () => bot.webhook?.delivered === 3);
    await eventually(() => allProcessed(app, channelId));
    const rows = await app.services.ctx.repos.telegramUpdates.listByChannel(channelId);
    expect(rows.map((r) => r.updateId)).toEqual(ids);
    expect(await contactOf(app, channelId, user.id)).toHaveLength(1);
    expect(bot.webhook?.lastErrorMessage).toBeUndefined();
  });

  it('switches between polling and webhook live, receiving every update once through each', async () => {
    const { token, bot } = newBot(tg);
    const channelId = await connectBot(app, token, { mode: 'polling' });
    const admin = (await app.userWithRole('admin')).token;
    const setMode = async (mode: string) => {
      const res = await app.http!.inject({
        method: 'PATCH',
        url: `/api/v1/channels/${channelId}`,
        headers: bearer(admin),
        payload: { mode },
      });
      expect(res.statusCode).toBe(200);
    };
    const ids = async () =>
      (await app.services.ctx.repos.telegramUpdates.listByChannel(channelId)).map((r) => r.updateId);
    const sent: number[] = [];
    const say = (text: string) => sent.push(bot.queueUpdate(textUpdate(tgUser(), text)).update_id as number);

    say('polled');
    await eventually(async () => (await ids()).length === 1);
    await setMode('webhook');
    await eventually(async () => bot.webhook !== null);
    say('pushed');
    await eventually(async () => (await ids()).length === 2);
    expect(bot.webhook?.delivered).toBe(1);
    await setMode('polling');
    await eventually(async () => bot.webhook === null);
    say('polled again');
    await eventually(async () => (await ids()).length === 3);
    expect(await ids()).toEqual(sent);
  });
});
