import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TelegramDrain } from '../../src/channels/telegram/telegram.drain.ts';
import { DRAIN_SHARDS, routeOf } from '../../src/channels/telegram/telegram.receiver.ts';
import { FakeTelegram } from '../fakes/telegram/index.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { newBot, peopleInOneShard, textUpdate, tgUser } from './receiving.helpers.ts';

const SYSTEM = { type: 'system' as const, id: null, name: 'test' };
let tg: FakeTelegram;
let app: TestApp;
// The command hook below fails updates whose text is in here, as a bug in a receive step would.
const failing = new Set<string>();

beforeAll(async () => {
  tg = await FakeTelegram.start();
  // An api process: no job runner, so the tests see the queued drain jobs and run the drains themselves.
  app = await startTestApp({
    role: 'api',
    env: { TELEGRAM_API_ROOT: tg.apiRoot, PUBLIC_URL: 'https://switchboard.example.test' },
  });
  app.services.receive.onCommand(async (_r, command) => {
    if (failing.has(command.event.text ?? '')) throw new Error(`cannot handle ${command.event.text}`);
    return false;
  });
});
afterAll(async () => {
  await app?.stop();
  await tg?.stop();
});

/** A webhook channel and a way to post updates to it, as Telegram does. */
async function webhookChannel() {
  const channel = await app.services.channels.create(SYSTEM, {
    type: 'telegram',
    name: 'Drained',
    token: newBot(tg).token,
    mode: 'webhook',
  });
  const secret = app.services.ctx.secretBox.open(channel.webhookSecretSealed!);
  const post = async (update: { update_id: number }) => {
    const res = await app.http!.inject({
      method: 'POST',
      url: `/webhooks/telegram/${channel.id}`,
      headers: { 'x-telegram-bot-api-secret-token': secret },
      payload: update,
    });
    expect(res.statusCode).toBe(200);
  };
  return { id: channel.id, post };
}

const drainJobs = async (channelId: string) =>
  (
    await sql<{ key: string; payload: { channelId: string; shard: number } }>`
      select j.key, j.payload from graphile_worker._private_jobs j
      join graphile_worker._private_tasks t on t.id = j.task_id
      where t.identifier = 'telegram.updates_pending' and j.payload->>'channelId' = ${channelId}`.execute(
      app.services.ctx.db,
    )
  ).rows;

/** Each person's stored message texts in stored order. */
async function textsOf(channelId: string): Promise<Map<string, string[]>> {
  const { rows } = await sql<{ chat: string; content: string }>`
    select c.chat_external_id as chat, m.content from messages m join conversations c on c.id = m.conversation_id
    where c.channel_id = ${channelId} and m.message_type = 'incoming' order by m.created_at, m.source_id::bigint`.execute(
    app.services.ctx.db,
  );
  const byChat = new Map<string, string[]>();
  for (const r of rows) byChat.set(r.chat, [...(byChat.get(r.chat) ?? []), r.content]);
  return byChat;
}

async function drainAll(channelId: string, drain = app.services.telegramDrain) {
  for (let shard = 0; shard < DRAIN_SHARDS; shard++) await drain.drain(channelId, shard);
}

describe('draining stored updates in batches', () => {
  it('queues one drain job per shard however many updates arrive, and processes each update once, in order per chat', async () => {
    const ch = await webhookChannel();
    const people = [tgUser(), tgUser(), tgUser(), tgUser(), tgUser(), tgUser()];
    const updates = people.flatMap((p, i) => [1, 2, 3, 4, 5].map((k) => textUpdate(p, `p${i} m${k}`)));
    for (const u of updates) await ch.post(u);
    // Telegram redelivering an update (after a timeout on its side) stores nothing and queues nothing new.
    await ch.post(updates[3]!);

    const jobs = await drainJobs(ch.id);
    const shards = new Set(people.map((p) => routeOf(textUpdate(p, 'x', 1)).shard));
    expect(jobs.map((j) => j.payload.shard).sort()).toEqual([...shards].sort());
    expect(jobs.map((j) => j.key).sort()).toEqual(
      [...shards].map((s) => `telegram-drain:${ch.id}:${s}`).sort(),
    );

    await drainAll(ch.id);
    // A second pass finds nothing: every update was marked processed with its writes.
    await drainAll(ch.id);
    const texts = await textsOf(ch.id);
    for (const [i, p] of people.entries())
      expect(texts.get(String(p.id))).toEqual([1, 2, 3, 4, 5].map((k) => `p${i} m${k}`));
    const rows = await app.services.ctx.repos.telegramUpdates.listByChannel(ch.id);
    expect(rows).toHaveLength(30);
    expect(rows.every((r) => r.processedAt !== null && r.attempts === 0)).toBe(true);
  });

  it('holds back only the chat of a failing update, retries it later, and keeps that chat in order', async () => {
    const ch = await webhookChannel();
    const [stuck, other] = peopleInOneShard(2);
    failing.add('/explode');
    await ch.post(textUpdate(stuck!, 'before'));
    await ch.post(textUpdate(stuck!, '/explode'));
    await ch.post(textUpdate(other!, 'other 1'));
    await ch.post(textUpdate(stuck!, 'after'));
    await ch.post(textUpdate(other!, 'other 2'));

    await drainAll(ch.id);
    let texts = await textsOf(ch.id);
    expect(texts.get(String(other!.id))).toEqual(['other 1', 'other 2']);
    expect(texts.get(String(stuck!.id))).toEqual(['before']);
    const rows = await app.services.ctx.repos.telegramUpdates.listByChannel(ch.id);
    const exploded = rows.find(
      (r) => (r.payload as { message: { text: string } }).message.text === '/explode',
    )!;
    expect(exploded).toMatchObject({ processedAt: null, attempts: 1, error: null });
    expect(exploded.retryAt!.getTime()).toBeGreaterThan(Date.now());
    // Its retry is a job of the shard's queue at the retry time.
    expect((await drainJobs(ch.id)).map((j) => j.key)).toContain(
      `telegram-drain:${ch.id}:${exploded.shard}:retry:${exploded.id}`,
    );

    // Before its time nothing of that chat moves, however often the shard is drained.
    await drainAll(ch.id);
    expect((await textsOf(ch.id)).get(String(stuck!.id))).toEqual(['before']);

    failing.delete('/explode');
    await sql`update telegram_updates set retry_at = now() - interval '1 second' where id = ${exploded.id}`.execute(
      app.services.ctx.db,
    );
    await drainAll(ch.id);
    texts = await textsOf(ch.id);
    // The command itself is not a message (its hook declined it only now), the rest follows in order.
    expect(texts.get(String(stuck!.id))).toEqual(['before', '/explode', 'after']);
  });

  it('gives an update up after its last attempt, with the error on the row and in the channel health, and goes on', async () => {
    const ch = await webhookChannel();
    const [person] = peopleInOneShard(1);
    failing.add('/never');
    await ch.post(textUpdate(person!, '/never'));
    await ch.post(textUpdate(person!, 'next'));
    const drain = new TelegramDrain(app.services.ctx, app.services.telegram, { maxAttempts: 1 });
    await drainAll(ch.id, drain);
    failing.delete('/never');

    expect((await textsOf(ch.id)).get(String(person!.id))).toEqual(['next']);
    const rows = await app.services.ctx.repos.telegramUpdates.listByChannel(ch.id);
    expect(rows[0]).toMatchObject({
      processedAt: null,
      attempts: 1,
      retryAt: null,
      error: 'cannot handle /never',
    });
    const backlog = await app.services.ctx.repos.channelHealth.updateBacklog(ch.id);
    expect(backlog.unprocessed).toBe(1);
    expect(backlog.lastProcessingError?.error).toBe('cannot handle /never');
    // Given up means left alone: later drains do not try it again.
    await drainAll(ch.id, drain);
    expect((await app.services.ctx.repos.telegramUpdates.listByChannel(ch.id))[0]!.attempts).toBe(1);
  });
});
