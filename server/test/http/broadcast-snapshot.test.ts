import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Broadcast } from '../../src/db/schema.ts';
import { BroadcastDeliveriesRepository } from '../../src/repositories/broadcast-deliveries.repository.ts';
import { snapshotRecipients } from '../../src/services/broadcast-snapshot.ts';
import { inTransaction } from '../../src/services/context.ts';
import type { FilterGroup } from '../../src/services/segments/filter.ts';
import { FakeTelegram } from '../fakes/telegram/index.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { connectBot, newBot } from '../telegram/receiving.helpers.ts';
import { type Api, adminApi, insertContacts } from './contacts.helpers.ts';

// The snapshot in two halves of the contact-id range (services/broadcast-snapshot.ts), forced here on a small table
// (parallelFromPages 0). The api role runs no jobs, so the rows stay as the start left them.
let tg: FakeTelegram;
let app: TestApp;
let api: Api;
let channelId: string;
let nextChat = 940_000_001;
const PEOPLE = 60;

beforeAll(async () => {
  tg = await FakeTelegram.start({ enforceLimits: false });
  app = await startTestApp({ role: 'api', env: { TELEGRAM_API_ROOT: tg.apiRoot } });
  api = await adminApi(app);
  const made = newBot(tg);
  channelId = await connectBot(app, made.token);
  // PEOPLE contacts tagged 'halves': every fifth unsubscribed, every seventh blocked, every sixth without an identity,
  // every eleventh with an unreachable one.
  const ids = await insertContacts(
    app,
    Array.from({ length: PEOPLE }, (_, i) => ({
      name: `Half ${i}`,
      tags: ['halves'],
      subscribed: i % 5 !== 0,
      blocked: i % 7 === 3,
    })),
  );
  const identities = ids
    .map((contactId, i) => ({ contactId, i }))
    .filter(({ i }) => i % 6 !== 1)
    .map(({ contactId, i }) => ({
      contactId,
      channelId,
      externalId: String(nextChat++),
      reachable: i % 11 !== 4,
      lastSeenAt: new Date(),
    }));
  await app.services.ctx.db.insertInto('contactChannels').values(identities).execute();
});
afterAll(async () => {
  await app?.stop();
  await tg?.stop();
});

const HALVES: FilterGroup = {
  op: 'and',
  conditions: [{ type: 'field', field: 'tags', op: 'has_any', value: ['halves'] }],
};
const TIMING = { startAt: new Date(), defaultTimezone: 'UTC', localTime: null, quietHours: null };

async function draft(): Promise<Broadcast> {
  const res = await api.post('/api/v1/broadcasts', {
    title: 'Halves',
    channelId,
    content: 'Hi',
    filter: HALVES,
  });
  expect(res.statusCode).toBe(201);
  return (await app.services.ctx.repos.broadcasts.get(res.json().id))!;
}

/** draft → sending and the snapshot, in one transaction as the service does it; `fail` throws before the commit. */
function start(b: Broadcast, parallelFromPages: number, fail = false) {
  const ctx = app.services.ctx;
  return inTransaction(ctx, async (r) => {
    const started = await r.broadcasts.transition(b.id, ['draft'], 'sending', { startedAt: 'now' });
    if (!started) throw new Error('not a draft');
    const stats = await snapshotRecipients(ctx, r, b, HALVES, TIMING, { parallelFromPages });
    await r.broadcasts.setStats(b.id, stats);
    if (fail) throw new Error('the start failed after its snapshot');
    return stats;
  });
}

const rowsOf = async (broadcastId: string) =>
  (
    await app.services.ctx.db
      .selectFrom('broadcastDeliveries')
      .select(['contactId', 'identityId', 'chatExternalId', 'status', 'reason'])
      .where('broadcastId', '=', broadcastId)
      .execute()
  ).sort((a, b) => a.contactId.localeCompare(b.contactId));

const countFromRows = (id: string) =>
  new BroadcastDeliveriesRepository(app.services.ctx.db).countFromRows(id);

describe('the snapshot in two halves', () => {
  it('inserts the same rows and counters as one statement, with rows in both halves', async () => {
    const one = await draft();
    const two = await draft();
    const alone = await start(one, Number.POSITIVE_INFINITY);
    const halves = await start(two, 0);

    expect(halves).toEqual(alone);
    expect(halves.total).toBe(PEOPLE);
    expect(halves.skipped).toBeGreaterThan(0);
    expect(halves.pending).toBeGreaterThan(0);
    const rows = await rowsOf(two.id);
    expect(rows).toEqual(await rowsOf(one.id));
    // Contact ids are random: with 60 of them, both halves of the range hold some.
    const low = rows.filter((r) => r.contactId < '80000000-0000-0000-0000-000000000000').length;
    expect(low).toBeGreaterThan(0);
    expect(low).toBeLessThan(PEOPLE);
    const counted = await countFromRows(two.id);
    for (const [k, n] of Object.entries(counted)) expect(halves[k]).toBe(n);
  });

  it('leaves a failed start a draft; the next start deletes the half it left and fixes each recipient once', async () => {
    const b = await draft();
    await expect(start(b, 0, true)).rejects.toThrow('the start failed after its snapshot');
    expect((await app.services.ctx.repos.broadcasts.get(b.id))?.status).toBe('draft');
    // The second half committed on its own connection; the first rolled back with the start.
    const left = (await rowsOf(b.id)).length;
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThan(PEOPLE);

    const stats = await start(b, 0);
    expect(stats.total).toBe(PEOPLE);
    const rows = await rowsOf(b.id);
    expect(rows).toHaveLength(PEOPLE);
    expect(new Set(rows.map((r) => r.contactId)).size).toBe(PEOPLE);
    const counted = await countFromRows(b.id);
    for (const [k, n] of Object.entries(counted)) expect(stats[k]).toBe(n);
  });

  it('a start through the API after a failed one (one statement on a small table) also deletes the half left', async () => {
    const b = await draft();
    await expect(start(b, 0, true)).rejects.toThrow();
    expect((await rowsOf(b.id)).length).toBeGreaterThan(0);

    const res = await api.post(`/api/v1/broadcasts/${b.id}/send-now`);
    expect(res.statusCode).toBe(200);
    expect(res.json().stats.total).toBe(PEOPLE);
    expect(await rowsOf(b.id)).toHaveLength(PEOPLE);
  });
});
