import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextLocalTime, quietHoldUntil } from '../../src/services/broadcast-timing.ts';
import { type FakeBot, FakeTelegram } from '../fakes/telegram/index.ts';
import { bearer, startTestApp, type TestApp } from '../support/test-app.ts';
import { connectBot, newBot } from '../telegram/receiving.helpers.ts';
import { type Api, adminApi, type Body, insertContacts, paths } from './contacts.helpers.ts';

// The api role runs no jobs, so the snapshot's rows stay as the start left them (no delivery manager sends them).
let tg: FakeTelegram;
let app: TestApp;
let api: Api;
let bot: FakeBot;
let channelId: string;
/** The services' clock: the wall clock unless a test pins the start instant. */
let pinned: Date | null = null;
let nextChat = 930_000_001;

beforeAll(async () => {
  tg = await FakeTelegram.start({ enforceLimits: false });
  app = await startTestApp({
    role: 'api',
    env: { TELEGRAM_API_ROOT: tg.apiRoot },
    clock: { now: () => pinned ?? new Date() },
  });
  api = await adminApi(app);
  const made = newBot(tg);
  bot = made.bot;
  channelId = await connectBot(app, made.token);
});
afterAll(async () => {
  await app?.stop();
  await tg?.stop();
});

const tagged = (tag: string) => ({
  op: 'and',
  conditions: [{ type: 'field', field: 'tags', op: 'has_any', value: [tag] }],
});

/** A Telegram identity of the contact on a channel; returns its chat id. */
async function identity(
  contactId: string,
  opts: { channel?: string; reachable?: boolean; seen?: Date } = {},
) {
  const chat = String(nextChat++);
  await app.services.ctx.db
    .insertInto('contactChannels')
    .values({
      contactId,
      channelId: opts.channel ?? channelId,
      externalId: chat,
      reachable: opts.reachable ?? true,
      lastSeenAt: opts.seen ?? new Date(),
    })
    .execute();
  return chat;
}

async function createBroadcast(over: Record<string, unknown>): Promise<Body> {
  const res = await api.post('/api/v1/broadcasts', {
    title: 'Test',
    channelId,
    content: 'Hi {{ contact.name }}',
    ...over,
  });
  if (res.statusCode !== 201) throw new Error(`create: ${res.statusCode} ${JSON.stringify(res.json())}`);
  return res.json();
}

/** Starts with the clock pinned at `at` (the start instant the waves are computed from). */
async function startAt(id: string, at: Date | null = null): Promise<Body> {
  pinned = at;
  try {
    const res = await api.post(`/api/v1/broadcasts/${id}/send-now`);
    if (res.statusCode !== 200) throw new Error(`send-now: ${res.statusCode} ${JSON.stringify(res.json())}`);
    return res.json();
  } finally {
    pinned = null;
  }
}

const rowsOf = (broadcastId: string) =>
  app.services.ctx.db
    .selectFrom('broadcastDeliveries')
    .selectAll()
    .where('broadcastId', '=', broadcastId)
    .orderBy('id')
    .execute();

describe('the audience snapshot', () => {
  it('fixes one row per recipient: pending when reachable and subscribed, skipped with the reason otherwise', async () => {
    const [ok, unsub, blocked, noIdentity, unreachable, twoIds, elsewhere] = await insertContacts(app, [
      { name: 'ok', tags: ['snap'] },
      { name: 'unsub', tags: ['snap'], subscribed: false },
      { name: 'blocked', tags: ['snap'], blocked: true },
      { name: 'no identity', tags: ['snap'] },
      { name: 'unreachable', tags: ['snap'] },
      { name: 'two ids', tags: ['snap'] },
      { name: 'elsewhere', tags: ['snap'] },
      { name: 'outside the segment', tags: ['other'] },
    ]);
    const okChat = await identity(ok!);
    await identity(unsub!);
    await identity(blocked!);
    await identity(unreachable!, { reachable: false });
    // The reachable identity wins over a more recently seen unreachable one.
    const goodChat = await identity(twoIds!, { seen: new Date(Date.now() - 86_400_000) });
    await identity(twoIds!, { reachable: false });
    const { id: otherChannel } = await app.services.ctx.db
      .insertInto('channels')
      .values({ type: 'telegram', name: 'Other bot' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await identity(elsewhere!, { channel: otherChannel });

    const b = await createBroadcast({ filter: tagged('snap') });
    const started = await startAt(b.id);
    expect(started.status).toBe('sending');
    expect(started.stats).toEqual({
      total: 7,
      pending: 2,
      sending: 0,
      sent: 0,
      failed: 0,
      blocked: 0,
      skipped: 5,
      unknown: 0,
      cancelled: 0,
      skipped_unsubscribed: 1,
      skipped_blocked: 1,
      skipped_no_identity: 2,
      skipped_unreachable: 1,
    });
    const rows = await rowsOf(b.id);
    const byContact = new Map(rows.map((r) => [r.contactId, r]));
    expect(byContact.get(ok!)).toMatchObject({
      status: 'pending',
      reason: null,
      chatExternalId: okChat,
      notBefore: null,
    });
    expect(byContact.get(twoIds!)).toMatchObject({ status: 'pending', chatExternalId: goodChat });
    expect(byContact.get(unsub!)).toMatchObject({ status: 'skipped', reason: 'unsubscribed' });
    expect(byContact.get(blocked!)).toMatchObject({ status: 'skipped', reason: 'blocked' });
    expect(byContact.get(noIdentity!)).toMatchObject({
      status: 'skipped',
      reason: 'no_identity',
      identityId: null,
    });
    expect(byContact.get(elsewhere!)).toMatchObject({ status: 'skipped', reason: 'no_identity' });
    expect(byContact.get(unreachable!)).toMatchObject({ status: 'skipped', reason: 'unreachable' });
    expect(rows).toHaveLength(7);
    // The counters are the rows: recount them independently.
    const { rows: counted } = await sql<{ status: string; n: number }>`
      select status, count(*)::int as n from broadcast_deliveries where broadcast_id = ${b.id} group by status`.execute(
      app.services.ctx.db,
    );
    for (const { status, n } of counted) expect(started.stats[status]).toBe(n);
  });

  it('removes delivery rows with their contact, their broadcast, and the channel of their broadcast (no foreign keys, triggers)', async () => {
    const [kept, gone] = await insertContacts(app, [
      { name: 'kept', tags: ['cleanup'] },
      { name: 'gone', tags: ['cleanup'] },
    ]);
    await identity(kept!);
    await identity(gone!);
    const b = await createBroadcast({ filter: tagged('cleanup') });
    await startAt(b.id);
    expect(await rowsOf(b.id)).toHaveLength(2);

    await app.services.ctx.db.deleteFrom('contacts').where('id', '=', gone!).execute();
    expect((await rowsOf(b.id)).map((r) => r.contactId)).toEqual([kept]);

    await api.post(`/api/v1/broadcasts/${b.id}/cancel`);
    expect((await api.delete(`/api/v1/broadcasts/${b.id}`)).statusCode).toBe(204);
    expect(await rowsOf(b.id)).toEqual([]);

    // A channel's deletion cascades to its broadcasts, and from them (by trigger) to their rows.
    const { id: doomed } = await app.services.ctx.db
      .insertInto('channels')
      .values({ type: 'telegram', name: 'Doomed bot' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await identity(kept!, { channel: doomed });
    const onDoomed = await createBroadcast({ channelId: doomed, filter: tagged('cleanup') });
    await startAt(onDoomed.id);
    expect((await rowsOf(onDoomed.id)).map((r) => r.contactId)).toEqual([kept]);
    await app.services.ctx.db.deleteFrom('channels').where('id', '=', doomed).execute();
    expect(await rowsOf(onDoomed.id)).toEqual([]);
  });

  it('takes the audience from a saved segment as it is at the start, not as it was when the broadcast was saved', async () => {
    const seg = (await api.post('/api/v1/segments', { name: 'Late', filter: tagged('late-a') })).json();
    const [a, bContact] = await insertContacts(app, [
      { name: 'a', tags: ['late-a'] },
      { name: 'b', tags: ['late-b'] },
    ]);
    await identity(a!);
    await identity(bContact!);
    const b = await createBroadcast({ segmentId: seg.id });
    await api.patch(`/api/v1/segments/${seg.id}`, { filter: tagged('late-b') });
    await startAt(b.id);
    expect((await rowsOf(b.id)).map((r) => r.contactId)).toEqual([bContact]);
  });
  it('runs every kind of filter node inside the snapshot (channel, event, conversation, attribute)', async () => {
    const [buyer, browser, lost] = await insertContacts(app, [
      { name: 'buyer', tags: ['mix'], attributes: JSON.stringify({ plan: 'pro' }) },
      { name: 'browser', tags: ['mix'], attributes: JSON.stringify({ plan: 'pro' }) },
      { name: 'lost', tags: ['mix'], attributes: JSON.stringify({ plan: 'pro' }) },
    ]);
    await identity(buyer!);
    await identity(browser!);
    await identity(lost!, { reachable: false });
    const events = await api.post('/api/v1/events/batch', {
      events: [buyer, lost].map((id) => ({ contact: { id }, name: 'purchase' })),
    });
    expect(events.statusCode).toBe(200);
    const b = await createBroadcast({
      filter: {
        op: 'and',
        conditions: [
          { type: 'field', field: 'tags', op: 'has_any', value: ['mix'] },
          { type: 'channel', op: 'reachable', channelId },
          { type: 'event', name: 'purchase', op: 'did', withinDays: 30 },
          { type: 'conversation', op: 'not_exists' },
          { type: 'attribute', key: 'plan', valueType: 'string', op: 'eq', value: 'pro' },
        ],
      },
    });
    const started = await startAt(b.id);
    expect((await rowsOf(b.id)).map((r) => [r.contactId, r.status])).toEqual([[buyer, 'pending']]);
    expect(started.stats).toMatchObject({ total: 1, pending: 1 });
  });
});

describe('local time and quiet hours', () => {
  const ZONES = ['Europe/Moscow', 'Asia/Vladivostok', 'America/New_York', 'Europe/Berlin'];

  /** One reachable contact per zone, plus one without a zone and one with a zone PostgreSQL does not know. */
  async function zonedContacts(tag: string) {
    const ids = await insertContacts(app, [
      ...ZONES.map((timezone) => ({ name: timezone, timezone, tags: [tag] })),
      { name: 'no zone', tags: [tag] },
      { name: 'odd zone', timezone: 'Mars/Olympus', tags: [tag] },
    ]);
    for (const id of ids) await identity(id);
    // Contacts without a usable zone are in the workspace's (the default setting, Europe/Moscow).
    return new Map(ids.map((id, i) => [id, ZONES[i] ?? 'Europe/Moscow']));
  }

  async function notBeforeByZone(broadcastId: string, zones: Map<string, string>) {
    const out: Record<string, string | null> = {};
    for (const r of await rowsOf(broadcastId)) {
      const zone = zones.get(r.contactId)!;
      const value = r.notBefore?.toISOString() ?? null;
      if (zone in out) expect(value, zone).toBe(out[zone]);
      out[zone] = value;
    }
    return out;
  }

  it("delivers at the next 10:00 in each recipient's zone, at or after the start", async () => {
    const zones = await zonedContacts('waves');
    const start = new Date('2026-12-07T09:00:00Z'); // 12:00 Moscow, 19:00 Vladivostok, 04:00 New York, 10:00 Berlin
    const b = await createBroadcast({ filter: tagged('waves'), localTime: '10:00' });
    await startAt(b.id, start);
    const got = await notBeforeByZone(b.id, zones);
    expect(got).toEqual({
      'Europe/Moscow': '2026-12-08T07:00:00.000Z', // passed today: tomorrow
      'Asia/Vladivostok': '2026-12-08T00:00:00.000Z',
      'America/New_York': '2026-12-07T15:00:00.000Z', // still ahead today
      'Europe/Berlin': '2026-12-07T09:00:00.000Z', // exactly now: now
    });
    // The SQL agrees with the function the delivery manager uses.
    for (const zone of ZONES) expect(got[zone]).toBe(nextLocalTime(start, zone, '10:00').toISOString());
  });

  it('keeps the wall-clock time across the DST change in Berlin', async () => {
    const zones = await zonedContacts('dst');
    const start = new Date('2026-03-28T11:00:00Z'); // Saturday; Sunday 29 March is summer time in Berlin
    const b = await createBroadcast({ filter: tagged('dst'), localTime: '10:00' });
    await startAt(b.id, start);
    const got = await notBeforeByZone(b.id, zones);
    expect(got['Europe/Berlin']).toBe('2026-03-29T08:00:00.000Z');
    for (const zone of ZONES) expect(got[zone]).toBe(nextLocalTime(start, zone, '10:00').toISOString());
  });

  it('resolves a local time that Berlin skips or repeats the way the pure function does', async () => {
    // 02:30 does not exist on 29 March (02:00 → 03:00) and happens twice on 25 October (03:00 → 02:00).
    for (const [tag, start, expected] of [
      ['gap', new Date('2026-03-28T12:00:00Z'), '2026-03-29T01:30:00.000Z'],
      ['fold', new Date('2026-10-24T12:00:00Z'), '2026-10-25T01:30:00.000Z'],
    ] as const) {
      const zones = await zonedContacts(tag);
      const b = await createBroadcast({ filter: tagged(tag), localTime: '02:30' });
      await startAt(b.id, start);
      const got = await notBeforeByZone(b.id, zones);
      expect(got['Europe/Berlin'], tag).toBe(expected);
      expect(nextLocalTime(start, 'Europe/Berlin', '02:30').toISOString(), tag).toBe(expected);
    }
  });

  it('holds recipients for whom it is night until their morning, and leaves the others due at once', async () => {
    const zones = await zonedContacts('night');
    const start = new Date('2026-12-07T20:00:00Z'); // 23:00 Moscow, 06:00 Vladivostok, 15:00 New York, 21:00 Berlin
    const quietHours = { from: '22:00', to: '09:00' };
    const b = await createBroadcast({ filter: tagged('night'), quietHours });
    await startAt(b.id, start);
    const got = await notBeforeByZone(b.id, zones);
    expect(got).toEqual({
      'Europe/Moscow': '2026-12-08T06:00:00.000Z',
      'Asia/Vladivostok': '2026-12-07T23:00:00.000Z',
      'America/New_York': null,
      'Europe/Berlin': null,
    });
    for (const zone of ZONES)
      expect(got[zone]).toBe(quietHoldUntil(start, zone, quietHours)?.toISOString() ?? null);
  });

  it('moves a local time that falls in quiet hours to the end of them', async () => {
    const zones = await zonedContacts('late');
    const start = new Date('2026-12-07T09:00:00Z');
    const b = await createBroadcast({
      filter: tagged('late'),
      localTime: '23:00',
      quietHours: { from: '22:00', to: '09:00' },
    });
    await startAt(b.id, start);
    const got = await notBeforeByZone(b.id, zones);
    // 23:00 Moscow tonight is quiet: 09:00 tomorrow Moscow time.
    expect(got['Europe/Moscow']).toBe('2026-12-08T06:00:00.000Z');
    expect(got['America/New_York']).toBe('2026-12-08T14:00:00.000Z');
  });
});

describe('recipients list and CSV export', () => {
  it('lists recipients by status with a cursor and exports every one as CSV', async () => {
    const ids = await insertContacts(app, [
      ...Array.from({ length: 5 }, (_, i) => ({ name: `Reader ${i}`, tags: ['list'] })),
      { name: 'Gone, "quoted"', tags: ['list'], subscribed: false },
    ]);
    for (const id of ids.slice(0, 5)) await identity(id);
    const b = await createBroadcast({ filter: tagged('list') });
    await startAt(b.id);

    const seen: Body[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/v1/broadcasts/${b.id}/deliveries?status=pending&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await api.get(url);
      expect(res.statusCode).toBe(200);
      seen.push(...res.json().data);
      cursor = res.json().nextCursor;
    } while (cursor);
    expect(seen.map((d) => d.contactName)).toEqual([
      'Reader 0',
      'Reader 1',
      'Reader 2',
      'Reader 3',
      'Reader 4',
    ]);
    expect(seen[0]).toMatchObject({
      status: 'pending',
      reason: null,
      attempts: 0,
      externalId: null,
      sentAt: null,
    });
    const skipped = (await api.get(`/api/v1/broadcasts/${b.id}/deliveries?status=skipped,failed`)).json();
    expect(skipped.data.map((d: Body) => [d.contactName, d.reason])).toEqual([
      ['Gone, "quoted"', 'unsubscribed'],
    ]);
    expect((await api.get(`/api/v1/broadcasts/${b.id}/deliveries?status=nope`)).statusCode).toBe(400);
    expect((await api.get(`/api/v1/broadcasts/${b.id}/deliveries?cursor=xyz`)).statusCode).toBe(400);

    const csv = await app.http!.inject({
      method: 'GET',
      url: `/api/v1/broadcasts/${b.id}/deliveries.csv`,
      // Marketing reads recipients too.
      headers: bearer((await app.userWithRole('marketing')).token),
    });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body.trimEnd().split('\n');
    expect(lines[0]).toBe(
      'contact_id,external_id,name,username,telegram_chat_id,status,reason,attempts,telegram_message_id,not_before,sent_at,updated_at',
    );
    expect(lines).toHaveLength(7);
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(ids);
    expect(lines[6]).toContain('"Gone, ""quoted"""');
    expect(lines[6]).toContain(',skipped,unsubscribed,0,');
    const semicolon = await app.http!.inject({
      method: 'GET',
      url: `/api/v1/broadcasts/${b.id}/deliveries.csv?delimiter=;&bom=true`,
      headers: bearer((await app.userWithRole('admin')).token),
    });
    expect(semicolon.body.startsWith('\uFEFFcontact_id;external_id;')).toBe(true);
    const missing = await api.get('/api/v1/broadcasts/00000000-0000-4000-8000-000000000000/deliveries');
    expect(missing.statusCode).toBe(404);
  });
});

describe('test send', () => {
  it('renders for the contact and sends through the bot without touching recipients or counters', async () => {
    const [reader] = await insertContacts(app, [{ firstName: 'Anna', tags: ['t'] }]);
    const chat = await identity(reader!);
    const b = await createBroadcast({
      filter: tagged('t'),
      content: 'Hello, <b>{{ contact.name }}</b>!',
      buttons: [[{ kind: 'url', text: 'Shop', url: 'https://shop.example/{{ contact.id }}' }]],
    });
    const res = await api.post(`/api/v1/broadcasts/${b.id}/test`, { contactId: reader });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ chatExternalId: chat });
    const sent = bot.sent.filter((s) => s.method === 'sendMessage' && String(s.chatId) === chat);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.params.text).toBe('Hello, <b>Anna</b>!');
    expect(JSON.stringify(sent[0]!.params.reply_markup)).toContain(`https://shop.example/${reader}`);
    expect(res.json().externalId).toBe(
      String(bot.findMessage(Number(chat), Number(res.json().externalId))?.message_id),
    );
    expect(await rowsOf(b.id)).toEqual([]);
    expect((await api.get(`/api/v1/broadcasts/${b.id}`)).json()).toMatchObject({
      status: 'draft',
      stats: { total: 0 },
    });
  });

  it('refuses with the reason on contactId when the bot cannot reach the contact', async () => {
    const [noId, gone, blockedBot] = await insertContacts(app, [{ name: 'x' }, { name: 'y' }, { name: 'z' }]);
    await identity(gone!, { reachable: false });
    const blockedChat = await identity(blockedBot!);
    bot.blockedBy(Number(blockedChat));
    const b = await createBroadcast({ filter: tagged('t') });
    for (const [contactId, reason] of [
      [noId, 'never written to this bot'],
      [gone, 'cannot be reached'],
      [blockedBot, 'bot was blocked by the user'],
      ['00000000-0000-4000-8000-000000000000', 'no such contact'],
    ] as const) {
      const res = await api.post(`/api/v1/broadcasts/${b.id}/test`, { contactId });
      expect(res.statusCode, reason).toBe(400);
      expect(paths(res)).toEqual(['/contactId']);
      expect(res.json().error.message).toContain(reason);
    }
  });
});
