import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RATE_POLICY, TelegramLimiter } from '../../src/channels/telegram/telegram.limiter.ts';
import { cronItems } from '../../src/jobs/cron.ts';
import { eventually } from '../support/eventually.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

// Telegram metrics (pauses, paused seconds, delivery attempts) and the scheduled pruning of the limiter's chat rows.
let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.stop();
});

async function bot(): Promise<string> {
  const row = await app.services.ctx.db
    .insertInto('channels')
    .values({ type: 'telegram', name: 'bot' })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

async function scrape(): Promise<string> {
  const res = await app.http!.inject({ method: 'GET', url: '/metrics' });
  expect(res.statusCode).toBe(200);
  return res.body;
}

/** The value of one sample line, or undefined when the series is absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('Telegram metrics', () => {
  it('counts a 429 pause reported through the limiter hook and shows the seconds left, read from the database', async () => {
    const paused = await bot();
    const calm = await bot();
    const limiter = new TelegramLimiter(app.services.ctx.db, DEFAULT_RATE_POLICY, {
      onPause: (id, s) => app.services.ctx.sendMetrics!.telegramPaused(id, s),
    });
    try {
      await limiter.pause(paused, 30);
      await limiter.pause(paused, 5);
    } finally {
      limiter.stop();
    }
    const text = await scrape();
    expect(sample(text, `switchboard_telegram_pauses_total{channel="${paused}"}`)).toBe(2);
    expect(sample(text, `switchboard_telegram_pauses_total{channel="${calm}"}`)).toBeUndefined();
    const left = sample(text, `switchboard_telegram_paused_seconds{channel="${paused}"}`)!;
    expect(left).toBeGreaterThan(20);
    expect(left).toBeLessThanOrEqual(30);
    expect(sample(text, `switchboard_telegram_paused_seconds{channel="${calm}"}`)).toBe(0);
  });

  it('keeps pausing when the hook throws', async () => {
    const id = await bot();
    const limiter = new TelegramLimiter(app.services.ctx.db, DEFAULT_RATE_POLICY, {
      onPause: () => {
        throw new Error('metrics broke');
      },
    });
    try {
      expect(await limiter.pause(id, 10)).toBeInstanceOf(Date);
      expect((await limiter.state(id)).pausedUntil).not.toBeNull();
    } finally {
      limiter.stop();
    }
  });

  it('counts delivery attempts by channel type and outcome', async () => {
    const metrics = app.services.ctx.sendMetrics!;
    metrics.attempt('telegram', 'sent');
    metrics.attempt('telegram', 'sent');
    metrics.attempt('telegram', 'unreachable');
    const text = await scrape();
    expect(sample(text, 'switchboard_messages_sent_total{channel_type="telegram",outcome="sent"}')).toBe(2);
    expect(
      sample(text, 'switchboard_messages_sent_total{channel_type="telegram",outcome="unreachable"}'),
    ).toBe(1);
  });
});

describe('pruning the limiter’s chat rows', () => {
  async function chatRows(channelId: string): Promise<string[]> {
    const { rows } = await sql<{ chatId: string }>`select chat_id from telegram_rate_chats
      where channel_id = ${channelId}::uuid order by chat_id`.execute(app.services.ctx.db);
    return rows.map((r) => r.chatId);
  }
  async function seed(channelId: string): Promise<void> {
    await sql`insert into telegram_rate_chats (channel_id, chat_id, tat) values
      (${channelId}::uuid, 'stale', now() - interval '5 minutes'),
      (${channelId}::uuid, 'recent', now() - interval '10 seconds'),
      (${channelId}::uuid, 'ahead', now() + interval '2 seconds')`.execute(app.services.ctx.db);
  }

  it('is scheduled every minute through graphile-worker cron, registered by the running worker', async () => {
    const [item] = cronItems();
    expect(item).toMatchObject({ task: 'telegram.rate_prune', identifier: 'telegram.rate_prune' });
    expect(item!.options.backfillPeriod).toBe(0);
    const minuteOf = (iso: string) => {
      const d = new Date(iso);
      return {
        min: d.getUTCMinutes(),
        hour: d.getUTCHours(),
        date: d.getUTCDate(),
        month: d.getUTCMonth() + 1,
        dow: d.getUTCDay(),
      };
    };
    for (const at of ['2026-11-22T07:00:00Z', '2026-11-22T07:01:00Z', '2026-12-31T23:59:00Z'])
      expect(item!.match(minuteOf(at)), at).toBe(true);
    await eventually(async () => {
      const { rows } = await sql<{ identifier: string }>`select identifier
        from graphile_worker._private_known_crontabs`.execute(app.services.ctx.db);
      return rows.some((r) => r.identifier === 'telegram.rate_prune');
    });
  });

  it('deletes only rows whose schedule ended over a minute ago, when the job runs', async () => {
    const id = await bot();
    await seed(id);
    await app.services.ctx.repos.jobs.add('telegram.rate_prune', {});
    await eventually(async () => (await chatRows(id)).length === 2, 15_000, 'prune job');
    expect(await chatRows(id)).toEqual(['ahead', 'recent']);
  });

  it('reports how many rows it deleted when called directly', async () => {
    const id = await bot();
    await seed(id);
    expect(await app.services.telegramRate.prune()).toBeGreaterThanOrEqual(1);
    expect(await chatRows(id)).toEqual(['ahead', 'recent']);
  });
});
