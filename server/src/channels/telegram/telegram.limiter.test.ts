import { sql } from 'kysely';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxInWindow } from '../../../test/support/max-in-window.ts';
import { createTestDatabase } from '../../../test/support/test-db.ts';
import { createDatabase, type Db } from '../../db/database.ts';
import { type AcquireRequest, RateChannelMissingError, TelegramLimiter } from './telegram.limiter.ts';

// Two pools and two limiters stand for two processes of one deployment: they share nothing but the database.
let handles: { pool: pg.Pool; db: Db }[] = [];
let a: TelegramLimiter;
let b: TelegramLimiter;

beforeAll(async () => {
  const url = await createTestDatabase();
  handles = [createDatabase(url, 4), createDatabase(url, 4)];
  a = new TelegramLimiter(handles[0]!.db);
  b = new TelegramLimiter(handles[1]!.db);
});

afterAll(async () => {
  a.stop();
  b.stop();
  for (const h of handles) await h.db.destroy();
});

async function bot(settings: Record<string, unknown> = {}): Promise<string> {
  const { rows } = await sql<{ id: string }>`insert into channels (type, name, settings)
    values ('telegram', 'bot', ${JSON.stringify(settings)}::jsonb) returning id`.execute(handles[0]!.db);
  return rows[0]!.id;
}

/** Acquires every request alternately through the two limiters; returns grant times in ms, sorted. */
async function grants(reqs: AcquireRequest[]): Promise<number[]> {
  const slots = await Promise.all(reqs.map((r, i) => (i % 2 === 0 ? a : b).acquire(r)));
  return slots.map((d) => d.getTime()).sort((x, y) => x - y);
}

const privateMsg = (
  channelId: string,
  chatId: number,
  priority: AcquireRequest['priority'] = 'bulk',
): AcquireRequest => ({
  channelId,
  chatId,
  chatKind: 'private',
  priority,
});

describe('TelegramLimiter', () => {
  it.concurrent('grants at most 30 messages in any second per bot, across two processes', async () => {
    const id = await bot();
    const times = await grants(Array.from({ length: 75 }, (_, i) => privateMsg(id, 1000 + i)));
    expect(times).toHaveLength(75);
    expect(maxInWindow(times, 1000)).toBeLessThanOrEqual(30);
    expect((await a.state(id)).sentLastMinute).toBeGreaterThanOrEqual(74);
  });

  it.concurrent('holds a private chat to a burst of three, then one message per second', async () => {
    const id = await bot();
    const times = await grants(Array.from({ length: 6 }, () => privateMsg(id, 42, 'interactive')));
    for (let i = 0; i < times.length; i++) {
      for (let k = 4; i + k - 1 < times.length; k++) {
        // k grants need at least (k - 3) seconds between the first and the last: the bucket holds three.
        expect((times[i + k - 1] as number) - (times[i] as number)).toBeGreaterThanOrEqual((k - 3) * 1000);
      }
    }
  });

  it.concurrent('spaces group messages so that no minute holds more than 20', async () => {
    const id = await bot();
    const times = await grants(
      Array.from(
        { length: 3 },
        () => ({ channelId: id, chatId: -100, chatKind: 'group', priority: 'interactive' }) as const,
      ),
    );
    expect((times[1] as number) - (times[0] as number)).toBeGreaterThanOrEqual(3000);
    expect((times[2] as number) - (times[1] as number)).toBeGreaterThanOrEqual(3000);
  });

  it.concurrent('a pause holds every process for that bot until paused_until, and no other bot', async () => {
    const paused = await bot();
    const other = await bot();
    const until = await a.pause(paused, 2);
    expect(until).toBeInstanceOf(Date);
    expect((await b.state(paused)).pausedUntil?.getTime()).toBe(until?.getTime());
    const [late, early] = await Promise.all([
      b.acquire(privateMsg(paused, 1)),
      b.acquire(privateMsg(other, 1)),
    ]);
    expect(late.getTime()).toBeGreaterThanOrEqual(until!.getTime());
    expect(early.getTime()).toBeLessThan(until!.getTime());
    expect((await a.state(other)).pausedUntil).toBeNull();
  });

  it.concurrent('grants an interactive request before the queued bulk traffic of a saturated bot', async () => {
    const id = await bot({ paidBroadcasts: true, rateLimitPerSecond: 200 });
    let resolvedBulk = 0;
    const bulk = Array.from({ length: 200 }, (_, i) =>
      (i % 2 === 0 ? a : b).acquire(privateMsg(id, 5000 + i)).then((d) => {
        resolvedBulk += 1;
        return d.getTime();
      }),
    );
    while (resolvedBulk < 40) await new Promise((r) => setTimeout(r, 5));
    const before = resolvedBulk;
    const reply = (await b.acquire(privateMsg(id, 7, 'interactive'))).getTime();
    const bulkTimes = await Promise.all(bulk);
    const ahead = bulkTimes.filter((t) => t < reply).length;
    // Bulk holds at most its 50 ms horizon (10 slots at 200/s) plus a statement in flight per process; 20 leaves room for a
    // stalled event loop between counting and asking. Without priority the reply would queue behind all 200.
    expect(ahead).toBeLessThanOrEqual(before + 20);
    expect(bulkTimes.filter((t) => t > reply).length).toBeGreaterThanOrEqual(200 - before - 20);
    expect(
      maxInWindow(
        [...bulkTimes, reply].sort((x, y) => x - y),
        1000,
      ),
    ).toBeLessThanOrEqual(200);
  });

  it('rejects an aborted request and a channel that does not exist', async () => {
    const id = await bot({ rateLimitPerSecond: 1 });
    await a.acquire(privateMsg(id, 1));
    const ctl = new AbortController();
    const pending = a.acquire({ ...privateMsg(id, 2), signal: ctl.signal });
    ctl.abort(new Error('gone'));
    await expect(pending).rejects.toThrow('gone');
    await expect(a.acquire(privateMsg('00000000-0000-4000-8000-000000000000', 1))).rejects.toBeInstanceOf(
      RateChannelMissingError,
    );
  });
});
