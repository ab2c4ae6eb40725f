import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeTelegram } from '../fakes/telegram/index.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { createTestDatabase } from '../support/test-db.ts';
import { allProcessed, connectBot, eventually, newBot, textUpdate, tgUser } from './receiving.helpers.ts';

let tg: FakeTelegram;
const apps: TestApp[] = [];
const SYSTEM = { type: 'system' as const, id: null, name: 'test' };

async function start(databaseUrl: string, role: 'start' | 'worker' = 'start'): Promise<TestApp> {
  const app = await startTestApp({ databaseUrl, role, env: { TELEGRAM_API_ROOT: tg.apiRoot } });
  apps.push(app);
  return app;
}
async function stop(app: TestApp): Promise<void> {
  apps.splice(apps.indexOf(app), 1);
  await app.stop();
}
const updateIds = async (app: TestApp, channelId: string) =>
  (await app.services.ctx.repos.telegramUpdates.listByChannel(channelId)).map((r) => r.updateId);

beforeAll(async () => {
  tg = await FakeTelegram.start();
});
afterEach(async () => {
  for (const app of apps.splice(0)) await app.stop();
});
afterAll(async () => {
  await tg?.stop();
});

describe('polling a bot', () => {
  it('receives queued updates, stores their offset, and after a restart resumes from it without repeats', async () => {
    const databaseUrl = await createTestDatabase();
    let app = await start(databaseUrl);
    const { token, bot } = newBot(tg);
    const channelId = await connectBot(app, token);
    expect((await app.services.ctx.repos.channels.get(channelId))?.mode).toBe('polling');

    const first = [1, 2, 3].map(() => bot.queueUpdate(textUpdate(tgUser(), 'hello')).update_id as number);
    await eventually(async () => (await updateIds(app, channelId)).length === 3);
    await eventually(() => allProcessed(app, channelId));
    const offset = (await app.services.ctx.repos.channels.get(channelId))?.pollOffset;
    expect(offset).toBe(Math.max(...first) + 1);
    await stop(app);

    // Telegram may still hold the last stored update if we stopped before confirming it; the persisted offset skips it.
    bot.queueUpdate(textUpdate(tgUser(), 'seen before', Math.max(...first)));
    const later = [bot.queueUpdate(textUpdate(tgUser(), 'while down')).update_id as number];
    app = await start(databaseUrl);
    await eventually(async () => (await updateIds(app, channelId)).length === 4);
    await eventually(() => allProcessed(app, channelId));
    expect(await updateIds(app, channelId)).toEqual([...first, ...later]);
    expect(app.telegramPolling!.stats).toMatchObject({ stored: 1, duplicates: 0 });
    expect(bot.pendingUpdateCount).toBe(0);
  });

  it('is polled by exactly one of two worker processes, and the other takes over when it stops', async () => {
    const databaseUrl = await createTestDatabase();
    const a = await start(databaseUrl, 'worker');
    const b = await start(databaseUrl, 'worker');
    const { token, bot } = newBot(tg);
    const channel = await a.services.channels.create(SYSTEM, { type: 'telegram', name: 'Shared', token });
    const pollers = () =>
      [a, b].filter((w) => apps.includes(w) && w.telegramPolling!.polling.includes(channel.id));

    for (let i = 0; i < 5; i++) bot.queueUpdate(textUpdate(tgUser(), `m${i}`));
    await eventually(async () => (await updateIds(a, channel.id)).length === 5);
    // Let both processes look for unpolled bots a few more times: still one holder.
    const seen = [a, b].map((w) => w.telegramPolling!.stats.reconciles);
    await eventually(async () => [a, b].every((w, i) => w.telegramPolling!.stats.reconciles >= seen[i]! + 2));
    expect(pollers()).toHaveLength(1);
    expect(bot.calls.filter((c) => c.method === 'getUpdates' && c.status === 409)).toEqual([]);

    const holder = pollers()[0]!;
    const other = holder === a ? b : a;
    await stop(holder);
    await eventually(async () => other.telegramPolling!.polling.includes(channel.id));
    bot.queueUpdate(textUpdate(tgUser(), 'after takeover'));
    await eventually(async () => (await updateIds(other, channel.id)).length === 6);
    await eventually(() => allProcessed(other, channel.id));
    expect(other.telegramPolling!.stats.duplicates).toBe(0);
  });

  it('stops polling a paused channel and polls it again when resumed', async () => {
    const databaseUrl = await createTestDatabase();
    const app = await start(databaseUrl);
    const { token, bot } = newBot(tg);
    const channelId = await connectBot(app, token);
    await eventually(async () => app.telegramPolling!.polling.includes(channelId));
    await app.services.channels.update(SYSTEM, channelId, { status: 'paused' });
    await eventually(async () => !app.telegramPolling!.polling.includes(channelId));
    const id = bot.queueUpdate(textUpdate(tgUser(), 'while paused')).update_id as number;
    expect(bot.pendingUpdateCount).toBe(1);
    await app.services.channels.update(SYSTEM, channelId, { status: 'active' });
    await eventually(async () => (await updateIds(app, channelId)).includes(id));
  });

  it('keeps the bot polled after its lease connection is lost, by stopping and taking the lease anew', async () => {
    const databaseUrl = await createTestDatabase();
    const app = await start(databaseUrl);
    const { token, bot } = newBot(tg);
    const channelId = await connectBot(app, token);
    await eventually(async () => app.telegramPolling!.polling.includes(channelId));
    const reconciles = app.telegramPolling!.stats.reconciles;
    await sql`select pg_terminate_backend(pid) from pg_stat_activity
      where datname = current_database() and application_name = 'switchboard-poll-lease'`.execute(
      app.services.ctx.db,
    );
    await eventually(async () => app.telegramPolling!.stats.reconciles >= reconciles + 2);
    const id = bot.queueUpdate(textUpdate(tgUser(), 'after reconnect')).update_id as number;
    await eventually(async () => (await updateIds(app, channelId)).includes(id));
    expect(app.telegramPolling!.polling).toEqual([channelId]);
  });
});
