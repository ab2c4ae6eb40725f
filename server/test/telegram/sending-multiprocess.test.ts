import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Db } from '../../src/db/database.ts';
import { SecretBox } from '../../src/lib/secret-box.ts';
import { repositories } from '../../src/repositories/index.ts';
import type { ServiceContext } from '../../src/services/context.ts';
import type { TelegramAdapters } from '../../src/services/outbound.adapters.ts';
import { OutboundService } from '../../src/services/outbound.service.ts';
import { CliProcess } from '../cli-process.ts';
import { type FakeBot, FakeTelegram } from '../fakes/telegram/index.ts';
import { eventually } from '../support/eventually.ts';
import { maxInWindow } from '../support/max-in-window.ts';
import { TEST_SECRET_KEY } from '../support/test-app.ts';
import { createTestDatabase } from '../support/test-db.ts';
import { newBot } from './receiving.helpers.ts';
import { conversationFor } from './sending.helpers.ts';

// Two real worker processes (`node bin/switchboard.mjs worker`) send for the same bot through the fake Telegram server,
// which enforces Telegram's limits on its own and answers 429 when one is crossed. The shared limiter must keep it from ever
// having to: zero 429s, and the fake's arrival timestamps within 30 per rolling second and a private chat's 3-then-1/s.
let tg: FakeTelegram;
let bot: FakeBot;
let db: Db;
let dataDir: string;
const workers: CliProcess[] = [];

const SEND_METHODS = new Set(['sendMessage', 'sendPhoto', 'sendDocument', 'sendMediaGroup']);

beforeAll(async () => {
  tg = await FakeTelegram.start({ enforceLimits: true });
  const databaseUrl = await createTestDatabase();
  db = createDatabase(databaseUrl, 4).db;
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-send-mp-'));
  const env = {
    DATABASE_URL: databaseUrl,
    SWITCHBOARD_SECRET_KEY: TEST_SECRET_KEY,
    SWITCHBOARD_DATA_DIR: dataDir,
    TELEGRAM_API_ROOT: tg.apiRoot,
    // graphile-worker's "Completed task" lines (debug in our log) tell which process sent what.
    LOG_LEVEL: 'debug',
    // Enough jobs in flight to keep the bot at its limit; more would only wait on the limiter.
    WORKER_CONCURRENCY: '5',
    // The fake counts arrivals on exact windows. Two worker processes, the test process and the database share a loaded
    // two-core machine, where a request can leave its slot 50-200 ms late; 20% spacing (200 ms a second) absorbs that.
    // Production keeps the default 0.5% (TELEGRAM_RATE_HEADROOM_PERCENT); bench/telegram-send.ts measures it.
    TELEGRAM_RATE_HEADROOM_PERCENT: '20',
  };
  for (let i = 0; i < 2; i++) workers.push(CliProcess.spawn(['worker'], env));
  await Promise.all(workers.map((w) => w.ready(90_000)));
}, 120_000);

afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop('SIGTERM', 10_000)));
  await db?.destroy();
  await tg?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('sending from two worker processes', () => {
  it('stays within the bot and private-chat limits with no 429, and both processes send', async () => {
    const created = newBot(tg);
    bot = created.bot;
    const box = new SecretBox(Buffer.from(TEST_SECRET_KEY, 'hex'));
    const r = repositories(db);
    // Webhook mode without a webhook: no process polls this bot, so the fake sees only sends.
    const channel = await r.channels.create({
      type: 'telegram',
      name: 'Two processes',
      mode: 'webhook',
      secretSealed: box.seal(created.token),
      externalId: String(created.id),
      username: created.bot.info.username,
    });

    // queueReply needs only the transaction's repositories: the same code path the API uses.
    const outbound = new OutboundService({} as ServiceContext, {} as TelegramAdapters);
    const queue = async (list: Array<{ conversationId: string; html: string }>) => {
      const ids: string[] = [];
      await db.transaction().execute(async (tx) => {
        for (const input of list) ids.push((await outbound.queueReply(repositories(tx), input)).message.id);
      });
      await eventually(
        async () => {
          const rows = await db
            .selectFrom('messages')
            .select('id')
            .where('id', 'in', ids)
            .where('deliveryStatus', '=', 'sent')
            .execute();
          return rows.length === ids.length;
        },
        90_000,
        'every message sent',
      );
      return ids;
    };
    // A process's first sends pay for cold code and connections (tens of ms late, which bunches them): warm both up first,
    // as a long-running deployment is. These sends count in the checks below too.
    const warm = await Promise.all(Array.from({ length: 12 }, () => conversationFor(db, channel.id)));
    await queue(warm.map((c) => ({ conversationId: c.conversationId, html: `warm-up ${c.chatId}` })));

    // 80 chats with one message each, and one chat with 8: the burst of three, then one per second.
    const chats = await Promise.all(Array.from({ length: 80 }, () => conversationFor(db, channel.id)));
    const busy = await conversationFor(db, channel.id);
    const ids = await queue([
      ...Array.from({ length: 8 }, (_, k) => ({ conversationId: busy.conversationId, html: `busy ${k}` })),
      ...chats.map((c) => ({ conversationId: c.conversationId, html: `hello ${c.chatId}` })),
    ]);

    const sends = bot.sent.filter((s) => SEND_METHODS.has(s.method));
    expect(sends).toHaveLength(100);
    const t0 = sends[0]!.at;
    expect(bot.rejected, `arrivals (ms): ${sends.map((x) => x.at - t0).join(' ')}`).toEqual([]);
    expect(
      maxInWindow(
        sends.map((s) => s.at),
        1000,
      ),
    ).toBeLessThanOrEqual(30);
    // Private chat: any span of L ms holds at most 3 + L/1000 messages (a bucket of three refilled at one per second).
    const busyTimes = bot.sentTo(busy.chatId).map((s) => s.at);
    expect(busyTimes).toHaveLength(8);
    for (let i = 0; i < busyTimes.length; i++)
      for (let j = i + 3; j < busyTimes.length; j++)
        expect(j - i + 1, `messages ${i}..${j} of the busy chat`).toBeLessThanOrEqual(
          3 + Math.floor((busyTimes[j]! - busyTimes[i]!) / 1000),
        );
    // In the order written: one conversation's replies leave one at a time.
    expect(bot.sentTo(busy.chatId).map((s) => s.params.text)).toEqual(
      Array.from({ length: 8 }, (_, k) => `busy ${k}`),
    );
    const attempts = await db
      .selectFrom('deliveryAttempts')
      .select('outcome')
      .where('messageId', 'in', ids)
      .execute();
    expect(attempts.map((a) => a.outcome)).toEqual(ids.map(() => 'sent'));

    const completedBy = workers.map(
      (w) =>
        w.lines.filter((l) => typeof l.msg === 'string' && /Completed task .*messages\.send/.test(l.msg))
          .length,
    );
    expect(
      completedBy.every((n) => n > 0),
      `messages.send jobs per process: ${completedBy}`,
    ).toBe(true);
  }, 120_000);
});
