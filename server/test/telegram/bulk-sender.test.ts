import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '../../src/db/schema.ts';
import { BulkDeliveriesRepository } from '../../src/repositories/bulk-deliveries.repository.ts';
import { BulkSender, DEFAULT_BULK_SEND } from '../../src/services/bulk-sender.ts';
import { TelegramAdapters } from '../../src/services/outbound.adapters.ts';
import { type FakeBot, FakeTelegram } from '../fakes/telegram/index.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { connectBot, newBot } from './receiving.helpers.ts';
import { conversationFor } from './sending.helpers.ts';

let tg: FakeTelegram;
let app: TestApp;

beforeAll(async () => {
  tg = await FakeTelegram.start({ enforceLimits: true });
  app = await startTestApp({ env: { TELEGRAM_API_ROOT: tg.apiRoot, TELEGRAM_RATE_HEADROOM_PERCENT: '5' } });
});

afterAll(async () => {
  await app?.stop();
  await tg?.stop();
});

/** A fresh bot and channel, so each test reads only its own sends. */
async function channel(): Promise<{ bot: FakeBot; channelId: string }> {
  const { bot, token } = newBot(tg);
  return { bot, channelId: await connectBot(app, token) };
}

/** `count` private chats (contact, identity, conversation), each with one queued bulk message; in queue order. */
async function queueBulk(channelId: string, count: number): Promise<Array<{ id: string; chatId: number }>> {
  const out = [];
  for (let i = 0; i < count; i++) {
    const { conversationId, chatId } = await conversationFor(app.services.ctx.db, channelId);
    const { rows } = await sql<{ id: string }>`
      insert into messages (conversation_id, message_type, sender_type, content, delivery_status, priority, created_at)
      values (${conversationId}::uuid, 'outgoing', 'bot', ${`<b>Sale</b> #${i}`}, 'queued', 'bulk',
        now() + make_interval(secs => ${i / 1000}::float8))
      returning id`.execute(app.services.ctx.db);
    out.push({ id: rows[0]!.id, chatId });
  }
  return out;
}

function sender(options: Partial<typeof DEFAULT_BULK_SEND> = {}) {
  const { ctx, channels, telegramLimiter } = app.services;
  return new BulkSender(ctx, new TelegramAdapters(channels, telegramLimiter, () => null), undefined, {
    ...DEFAULT_BULK_SEND,
    ...options,
  });
}

const message = async (id: string): Promise<Message> => (await app.services.ctx.repos.messages.get(id))!;
const outcomes = async (id: string) =>
  (await app.services.ctx.repos.deliveries.listAttempts(id)).map((a) => a.outcome);
const sendsTo = (bot: FakeBot, chatId: number) =>
  bot.sent.filter((s) => s.method === 'sendMessage' && s.chatId === chatId).length;

describe('bulk sender', () => {
  it('sends a whole queue over several claims and records every outcome', async () => {
    const { bot, channelId } = await channel();
    const queued = await queueBulk(channelId, 23);
    const report = await sender({ batchSize: 5, concurrency: 4 }).drain(channelId);
    expect(report).toEqual({ claimed: 23, sent: 23, failed: 0, requeued: 0, released: 0 });
    for (const { id, chatId } of queued) {
      const m = await message(id);
      expect(m.deliveryStatus).toBe('sent');
      expect(m.heldUntil).toBeNull();
      expect(m.sentAt).not.toBeNull();
      const call = bot.sent.find((s) => s.chatId === chatId)!;
      expect(call.params.text).toBe(`<b>Sale</b> #${queued.findIndex((q) => q.id === id)}`);
      expect(m.sourceId).toBe(String(bot.findMessage(chatId, Number(m.sourceId))?.message_id));
      expect(m.contentAttributes).toMatchObject({ externalIds: [m.sourceId], delivery: { inFlight: null } });
      expect(await outcomes(id)).toEqual(['sent']);
    }
    expect(bot.sent.filter((s) => s.method === 'sendMessage')).toHaveLength(23);
    expect(await sender().drain(channelId)).toMatchObject({ claimed: 0 });
  });

  it('records a mixed batch: 5xx re-queued with backoff, 400 failed, 403 and known-unreachable failed, the rest sent', async () => {
    const { bot, channelId } = await channel();
    const [fivexx, bad, blocked, known, ok] = await queueBulk(channelId, 5);
    // One at a time, in queue order: the scripted failures hit the first two messages.
    bot.failNext('sendMessage', { error_code: 502, description: 'Bad Gateway' });
    bot.failNext('sendMessage', { error_code: 400, description: 'Bad Request: message is too long' });
    bot.blockedBy(blocked!.chatId);
    await app.services.ctx.repos.identities.setReachable(
      (await app.services.ctx.repos.deliveries.identityOfChat(channelId, String(known!.chatId)))!.id,
      false,
      'Forbidden: user is deactivated',
    );
    const report = await sender({ concurrency: 1 }).drain(channelId);
    expect(report).toEqual({ claimed: 5, sent: 1, failed: 3, requeued: 1, released: 0 });

    const retried = await message(fivexx!.id);
    expect([retried.deliveryStatus, retried.deliveryError]).toEqual([
      'queued',
      'retrying: Telegram failed on sendMessage (502): Bad Gateway',
    ]);
    expect(retried.heldUntil!.getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(await outcomes(fivexx!.id)).toEqual(['unavailable']);
    expect([(await message(bad!.id)).deliveryStatus, (await message(bad!.id)).deliveryError]).toEqual([
      'failed',
      'Bad Request: message is too long',
    ]);
    expect(await outcomes(bad!.id)).toEqual(['rejected']);
    expect((await message(blocked!.id)).deliveryStatus).toBe('failed');
    expect(await outcomes(blocked!.id)).toEqual(['unreachable']);
    const blockedIdentity = await app.services.ctx.repos.deliveries.identityOfChat(
      channelId,
      String(blocked!.chatId),
    );
    expect(blockedIdentity).toMatchObject({
      reachable: false,
      lastError: 'Forbidden: bot was blocked by the user',
    });
    expect((await message(known!.id)).deliveryError).toMatch(/recipient is unreachable.*deactivated/);
    expect(await outcomes(known!.id)).toEqual(['unreachable']);
    expect(sendsTo(bot, known!.chatId)).toBe(0);
    expect((await message(ok!.id)).deliveryStatus).toBe('sent');

    // The 5xx waits for its backoff; once due, the next drain sends it. The real backoff is a random wait of up to 2 s (full
    // jitter), which can be over before the next line runs: pin it an hour ahead so "not yet due" is what is tested.
    await sql`update messages set held_until = now() + interval '1 hour' where id = ${fivexx!.id}::uuid`.execute(
      app.services.ctx.db,
    );
    expect(await sender().drain(channelId)).toMatchObject({ claimed: 0 });
    await sql`update messages set held_until = now() where id = ${fivexx!.id}::uuid`.execute(
      app.services.ctx.db,
    );
    expect(await sender().drain(channelId)).toMatchObject({ claimed: 1, sent: 1 });
    expect(await outcomes(fivexx!.id)).toEqual(['unavailable', 'sent']);
    expect((await message(fivexx!.id)).deliveryError).toBeNull();
  });

  it('never resends what a dead sender left sending: expired claims fail as interrupted, live ones are left alone', async () => {
    const { bot, channelId } = await channel();
    const [live, deadA, deadB, fresh] = await queueBulk(channelId, 4);
    const repo = new BulkDeliveriesRepository(app.services.ctx.db);
    // One sender holds a message under a live lease; another claims two and dies (its lease is already over).
    expect((await repo.claim(channelId, 1, 60_000)).map((r) => r.id)).toEqual([live!.id]);
    expect((await repo.claim(channelId, 2, 1)).map((r) => r.id)).toEqual([deadA!.id, deadB!.id]);
    await new Promise((r) => setTimeout(r, 20));

    const report = await sender().drain(channelId);
    expect(report).toEqual({ claimed: 3, sent: 1, failed: 2, requeued: 0, released: 0 });
    for (const dead of [deadA!, deadB!]) {
      const m = await message(dead.id);
      expect([m.deliveryStatus, m.deliveryError]).toEqual([
        'failed',
        'interrupted while sending; it may have reached the recipient, so it was not sent again automatically',
      ]);
      expect(await outcomes(dead.id)).toEqual(['unavailable']);
      expect(sendsTo(bot, dead.chatId)).toBe(0);
    }
    expect((await message(live!.id)).deliveryStatus).toBe('sending');
    expect(sendsTo(bot, live!.chatId)).toBe(0);
    expect((await message(fresh!.id)).deliveryStatus).toBe('sent');
  });

  it('claims exclusively: a claim skips rows another claim has locked, and two senders never send one message twice', async () => {
    const { bot, channelId } = await channel();
    const queued = await queueBulk(channelId, 40);
    // Deterministic: a claim still uncommitted in one transaction; a concurrent claim gets the rows after it.
    const firstIds = await app.services.ctx.db.transaction().execute(async (tx) => {
      const first = await new BulkDeliveriesRepository(tx).claim(channelId, 3, 60_000);
      const second = await new BulkDeliveriesRepository(app.services.ctx.db).claim(channelId, 3, 60_000);
      expect(second.map((r) => r.id)).toEqual(queued.slice(3, 6).map((q) => q.id));
      return first.map((r) => r.id);
    });
    expect(firstIds).toEqual(queued.slice(0, 3).map((q) => q.id));
    await sql`update messages set delivery_status = 'queued', held_until = null
      where id = any(${queued.slice(0, 6).map((q) => q.id)}::uuid[])`.execute(app.services.ctx.db);

    // Two senders draining the same queue at once.
    const [a, b] = await Promise.all([
      sender({ batchSize: 4, concurrency: 3 }).drain(channelId),
      sender({ batchSize: 4, concurrency: 3 }).drain(channelId),
    ]);
    expect(a.claimed + b.claimed).toBe(40);
    expect(a.sent + b.sent).toBe(40);
    for (const { chatId } of queued) expect(sendsTo(bot, chatId)).toBe(1);
    for (const { id } of queued) expect(await outcomes(id)).toEqual(['sent']);
  });
});
