import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliProcess } from '../cli-process.ts';
import { type FakeBot, FakeTelegram } from '../fakes/telegram/index.ts';
import { eventually } from '../support/eventually.ts';
import { bearer, startTestApp, TEST_SECRET_KEY, type TestApp } from '../support/test-app.ts';
import { createTestDatabase } from '../support/test-db.ts';
import { connectBot, newBot } from '../telegram/receiving.helpers.ts';

// Two real worker processes (`node bin/switchboard.mjs worker`) both LISTEN for the trigger's NOTIFY and wake their drains
// on every commit, so they claim from the same rows at the same moments; `skip locked` must give each row to one of them.
// Calls come through an api-role app in this process (it runs no drain of its own).
let tg: FakeTelegram;
let bot: FakeBot;
let api: TestApp;
let dataDir: string;
let channelId: string;
const workers: CliProcess[] = [];

beforeAll(async () => {
  tg = await FakeTelegram.start({ enforceLimits: false });
  const databaseUrl = await createTestDatabase();
  const env = { TELEGRAM_API_ROOT: tg.apiRoot, PUBLIC_URL: 'https://sb.example.com' };
  api = await startTestApp({ role: 'api', databaseUrl, env });
  const created = newBot(tg);
  bot = created.bot;
  channelId = await connectBot(api, created.token);
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-notify-mp-'));
  for (let i = 0; i < 2; i++)
    workers.push(
      CliProcess.spawn(['worker'], {
        ...env,
        DATABASE_URL: databaseUrl,
        SWITCHBOARD_SECRET_KEY: TEST_SECRET_KEY,
        SWITCHBOARD_DATA_DIR: dataDir,
        LOG_LEVEL: 'info',
      }),
    );
  await Promise.all(workers.map((w) => w.ready(90_000)));
}, 120_000);

afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop('SIGTERM', 10_000)));
  await api?.stop();
  await tg?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('notifications with two worker processes', () => {
  it('delivers each of 300 calls exactly once while both drains are woken by every commit', async () => {
    const db = api.services.ctx.db;
    const repos = api.services.ctx.repos;
    await eventually(
      async () => {
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
        where application_name = 'switchboard-notifications' and datname = current_database()`.execute(db);
        return rows[0]!.n === 2;
      },
      30_000,
      'both worker processes listening',
    );

    const chats: number[] = [];
    const contactIds: string[] = [];
    for (let i = 0; i < 300; i++) {
      const c = await repos.contacts.create({ firstName: `Мария${i}`, language: 'ru' });
      await repos.identities.create(c.id, channelId, String(740_000_001 + i), new Date());
      contactIds.push(c.id);
      chats.push(740_000_001 + i);
    }
    const token = await api.apiKeyWithRole('admin');
    const res = await api.http!.inject({
      method: 'POST',
      url: '/api/v1/notifications/batch',
      headers: bearer(token),
      payload: {
        notifications: contactIds.map((id, i) => ({
          type: 'payment_success',
          to: { contactId: id },
          data: { amount: 100 + i, orderId: `MP-${i}` },
        })),
      },
    });
    expect(res.statusCode, res.body).toBe(202);

    await eventually(
      async () => {
        const { rows } = await sql<{ n: number }>`
          select count(*)::int as n from notifications where status not in ('queued', 'sending')`.execute(db);
        return rows[0]!.n === 300;
      },
      90_000,
      'every notification settled',
    );
    const { rows } = await sql<{ status: string; n: number }>`
      select status, count(*)::int as n from notifications group by 1`.execute(db);
    expect(rows).toEqual([{ status: 'sent', n: 300 }]);
    for (const [i, chat] of chats.entries()) {
      const sent = bot.sentTo(chat).filter((c) => c.method === 'sendMessage');
      expect(sent, `chat ${i}`).toHaveLength(1);
      expect(JSON.stringify(sent[0]!.params)).toContain(`MP-${i}`);
    }
  }, 150_000);
});
