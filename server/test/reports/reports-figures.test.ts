import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboxWorld } from '../inbox-world.ts';
import { bearer, startTestApp, type TestApp } from '../support/test-app.ts';

/**
 * The dashboard's reports (messages, subscribers, broadcasts, notifications, preferences) on a hand-made data set whose
 * figures are counted by hand below. Days are cut in Asia/Tokyo (UTC+9, no DST) unless said otherwise, so 14:00 UTC on
 * Nov 10 is 23:00 on Nov 10 and 15:30 UTC is 00:30 on Nov 11 there.
 */

let app: TestApp;
let admin: string;
let support: string;
let sales: string;
const contacts: string[] = [];
const PERIOD = 'from=2026-11-10&to=2026-11-11&timezone=Asia/Tokyo';

const run = (q: ReturnType<typeof sql>) => q.execute(app.services.ctx.db);

async function contact(opts: { blocked?: boolean; unsubscribedAt?: string } = {}): Promise<string> {
  const r = await sql<{ id: string }>`
    insert into contacts (name, blocked, subscribed, unsubscribed_at)
    values (${`c${contacts.length}`}, ${opts.blocked ?? false}, ${opts.unsubscribedAt === undefined},
            ${opts.unsubscribedAt ?? null}::timestamptz)
    returning id`.execute(app.services.ctx.db);
  contacts.push(r.rows[0]!.id);
  return r.rows[0]!.id;
}

async function identity(contactId: string, channelId: string, createdAt: string, unreachableAt?: string) {
  const r = await sql<{ id: string }>`
    insert into contact_channels (contact_id, channel_id, external_id, created_at)
    values (${contactId}, ${channelId}, ${crypto.randomUUID()}, ${createdAt}::timestamptz) returning id`.execute(
    app.services.ctx.db,
  );
  if (unreachableAt) {
    // The trigger stamps the real time of the change; the fixture then moves it into the report period.
    await run(sql`update contact_channels set reachable = false where id = ${r.rows[0]!.id}`);
    await run(
      sql`update contact_channels set unreachable_at = ${unreachableAt}::timestamptz where id = ${r.rows[0]!.id}`,
    );
  }
}

async function message(conversationId: string, type: string, at: string, status: string | null = null) {
  await run(sql`insert into messages (conversation_id, message_type, sender_type, content, delivery_status, created_at)
    values (${conversationId}, ${type}, ${type === 'incoming' ? 'contact' : 'user'}, 'x', ${status}, ${at}::timestamptz)`);
}

async function notification(
  typeKey: string,
  status: string,
  channel: string | null,
  reason: string | null,
  at: string,
) {
  const r = await sql<{ id: string }>`
    insert into notifications (type_key, contact_id, status, channel, reason, created_at)
    values (${typeKey}, ${contacts[0]!}, ${status}, ${channel}, ${reason}, ${at}::timestamptz) returning id`.execute(
    app.services.ctx.db,
  );
  return r.rows[0]!.id;
}

beforeAll(async () => {
  app = await startTestApp();
  admin = (await app.userWithRole('admin')).token;
  const world = inboxWorld(app);
  support = await world.channel('Support');
  sales = await world.channel('Sales');
  await app.services.ctx.repos.settings.set('default_timezone', 'Asia/Tokyo', null);

  // Contacts 0..5 plain, 6 unsubscribed in the period, 7 unsubscribed before it, 8 blocked (left out of preferences).
  for (let i = 0; i < 6; i++) await contact();
  await contact({ unsubscribedAt: '2026-11-10T06:00:00Z' });
  await contact({ unsubscribedAt: '2026-10-01T00:00:00Z' });
  await contact({ blocked: true });

  // Messages. Support: 2 in at 23:00 Nov 10; 2 out (one failed) and a note at 00:30 Nov 11. Sales: 1 in at 10:00 Nov 11.
  const a = (await world.conversation(support)).id;
  const b = (await world.conversation(sales)).id;
  await message(a, 'incoming', '2026-11-10T14:00:00Z');
  await message(a, 'incoming', '2026-11-10T14:00:00Z');
  await message(a, 'outgoing', '2026-11-10T15:30:00Z', 'sent');
  await message(a, 'outgoing', '2026-11-10T15:30:00Z', 'failed');
  await message(a, 'note', '2026-11-10T15:30:00Z');
  await message(a, 'activity', '2026-11-10T15:30:00Z');
  await message(b, 'incoming', '2026-11-11T01:00:00Z');
  await message(b, 'incoming', '2026-11-01T01:00:00Z'); // before the period

  // Subscribers. Support: gained Nov 10 (c0), gained Nov 11 and blocked Nov 11 (c1). Sales: an old identity blocked on
  // Nov 10 (c2), gained Nov 11 (c3).
  await identity(contacts[0]!, support, '2026-11-10T14:00:00Z');
  await identity(contacts[1]!, support, '2026-11-10T16:00:00Z', '2026-11-11T02:00:00Z');
  await identity(contacts[2]!, sales, '2026-10-01T00:00:00Z', '2026-11-10T10:00:00Z');
  await identity(contacts[3]!, sales, '2026-11-11T03:00:00Z');

  // Broadcasts: one started in the period (6 recipients: 3 sent, 1 failed, 1 blocked, 1 skipped; 3 clicks by 2 people),
  // one started before it, one never started.
  const bc = async (title: string, startedAt: string | null) =>
    (
      await sql<{ id: string }>`insert into broadcasts (title, channel_id, status, started_at)
        values (${title}, ${support}, ${startedAt ? 'completed' : 'draft'}, ${startedAt}::timestamptz) returning id`.execute(
        app.services.ctx.db,
      )
    ).rows[0]!.id;
  const launch = await bc('=Launch, day 1', '2026-11-10T05:00:00Z');
  await bc('Old', '2026-10-01T05:00:00Z');
  await bc('Draft', null);
  for (const [i, status] of ['sent', 'sent', 'sent', 'failed', 'blocked', 'skipped'].entries())
    await run(
      sql`insert into broadcast_deliveries (broadcast_id, contact_id, status) values (${launch}, ${contacts[i]!}, ${status})`,
    );
  for (const [who, kind] of [
    [0, 'url'],
    [0, 'url'],
    [1, 'callback'],
  ] as const)
    await run(
      sql`insert into broadcast_clicks (broadcast_id, contact_id, button, kind) values (${launch}, ${contacts[who]!}, 0, ${kind})`,
    );

  // Notifications created 14:00 UTC Nov 10. order_shipped: 2 by Telegram, 1 by email after a fallback, 2 skipped
  // (opted out), 1 skipped (no address), 1 failed, 1 delayed. promo: 1 skipped (opted out). One before the period.
  await run(sql`insert into notification_types (key, name, category) values ('order_shipped', 'Order shipped', 'transactional'),
    ('promo', 'Promotions', 'marketing')`);
  // A topic broadcast of promo (POST /notifications/topic) in the period: sent to 2, one click.
  const topic = (
    await sql<{
      id: string;
    }>`insert into broadcasts (title, channel_id, status, started_at, notification_type_id)
      select 'Promo topic', ${support}, 'completed', '2026-11-10T08:00:00Z', id from notification_types where key = 'promo'
      returning id`.execute(app.services.ctx.db)
  ).rows[0]!.id;
  for (const i of [0, 1])
    await run(
      sql`insert into broadcast_deliveries (broadcast_id, contact_id, status) values (${topic}, ${contacts[i]!}, 'sent')`,
    );
  await run(
    sql`insert into broadcast_clicks (broadcast_id, contact_id, button, kind) values (${topic}, ${contacts[1]!}, 0, 'url')`,
  );
  const at = '2026-11-10T14:00:00Z';
  await notification('order_shipped', 'sent', 'telegram', null, at);
  await notification('order_shipped', 'sent', 'telegram', null, at);
  const fellBack = await notification('order_shipped', 'sent', 'email', null, at);
  await run(
    sql`insert into notification_log (notification_id, event, channel) values (${fellBack}, 'fallback', 'telegram')`,
  );
  await notification('order_shipped', 'skipped', null, 'opted out', at);
  await notification('order_shipped', 'skipped', null, 'opted out', at);
  await notification('order_shipped', 'skipped', null, 'no address', at);
  await notification('order_shipped', 'failed', 'telegram', 'chat not found', at);
  await notification('order_shipped', 'delayed', null, 'quiet hours', at);
  await notification('promo', 'skipped', null, 'opted out', at);
  await notification('promo', 'sent', 'telegram', null, '2026-11-01T00:00:00Z');

  // Preferences: c0 prefers Telegram, email off, promo off, order_shipped by email off; c1 prefers email, promo off;
  // the blocked c8's choices are left out.
  const pref = (i: number, preferred: string | null, channels: object, types: object) =>
    run(sql`insert into contact_preferences (contact_id, preferred_channel, channels, types)
      values (${contacts[i]!}, ${preferred}, ${JSON.stringify(channels)}::jsonb, ${JSON.stringify(types)}::jsonb)`);
  await pref(
    0,
    'telegram',
    { email: false },
    { promo: { enabled: false }, order_shipped: { channels: { email: false } } },
  );
  await pref(1, 'email', {}, { promo: { enabled: false } });
  await pref(8, 'email', { telegram: false }, { promo: { enabled: false } });
});
afterAll(async () => {
  await app?.stop();
});

const get = async (path: string, token = admin) => {
  const res = await app.http!.inject({ method: 'GET', url: path, headers: bearer(token) });
  const json = res.headers['content-type']?.toString().startsWith('application/json');
  return { status: res.statusCode, body: json ? res.json() : null, res };
};

describe('messages report', () => {
  it('counts incoming and outgoing messages per day in the requested time zone, per channel', async () => {
    const { status, body } = await get(`/api/v1/reports/messages?${PERIOD}`);
    expect(status).toBe(200);
    expect(body.timezone).toBe('Asia/Tokyo');
    expect(body.byDay).toEqual([
      { day: '2026-11-10', incoming: 2, outgoing: 0, failed: 0 },
      { day: '2026-11-11', incoming: 1, outgoing: 2, failed: 1 },
    ]);
    expect(body.totals).toEqual({ incoming: 3, outgoing: 2, failed: 1 });
    expect(
      body.byChannel.map((c: { channelName: string; incoming: number; outgoing: number }) => [
        c.channelName,
        c.incoming,
        c.outgoing,
      ]),
    ).toEqual([
      ['Sales', 1, 0],
      ['Support', 2, 2],
    ]);
  });

  it('moves the day boundary with the timezone parameter', async () => {
    const { body } = await get('/api/v1/reports/messages?from=2026-11-10&to=2026-11-11&timezone=UTC');
    expect(body.byDay).toEqual([
      { day: '2026-11-10', incoming: 2, outgoing: 2, failed: 1 },
      { day: '2026-11-11', incoming: 1, outgoing: 0, failed: 0 },
    ]);
  });

  it('narrows to one channel', async () => {
    const { body } = await get(`/api/v1/reports/messages?${PERIOD}&channel=${sales}`);
    expect(body.totals).toEqual({ incoming: 1, outgoing: 0, failed: 0 });
  });

  it('answers a CSV with one row per day and channel, through format=csv and the .csv path alike', async () => {
    const a = await get(`/api/v1/reports/messages?${PERIOD}&format=csv`);
    const b = await get(`/api/v1/reports/messages.csv?${PERIOD}`);
    expect(a.res.headers['content-type']).toContain('text/csv');
    expect(a.res.headers['content-disposition']).toMatch(
      /attachment; filename="messages-2026-11-10-2026-11-11\.csv"/,
    );
    expect(a.res.body).toBe(b.res.body);
    const lines = a.res.body.trim().split('\n');
    expect(lines[0]).toBe('day,channel_id,channel_name,channel_type,incoming,outgoing,outgoing_failed');
    expect(lines.slice(1)).toEqual([
      `2026-11-10,${support},Support,telegram,2,0,0`,
      `2026-11-11,${sales},Sales,telegram,1,0,0`,
      `2026-11-11,${support},Support,telegram,0,2,1`,
    ]);
  });

  it('is open to agents too: counts only, no content', async () => {
    const agent = (await app.userWithRole('agent')).token;
    expect((await get(`/api/v1/reports/messages?${PERIOD}`, agent)).status).toBe(200);
  });

  it('refuses an unknown time zone and a reversed period with the field named', async () => {
    const tz = await get('/api/v1/reports/messages?timezone=Mars/Olympus');
    expect(tz.status).toBe(400);
    expect(tz.body.error.details[0].path).toBe('timezone');
    const reversed = await get('/api/v1/reports/messages?from=2026-11-12&to=2026-11-10');
    expect(reversed.status).toBe(400);
    expect(reversed.body.error.details[0].path).toBe('from');
  });
});

describe('subscribers report', () => {
  it('counts identities gained and lost per day and channel', async () => {
    const { body } = await get(`/api/v1/reports/subscribers?${PERIOD}`);
    expect(body.byDay).toEqual([
      { day: '2026-11-10', gained: 1, blocked: 1 },
      { day: '2026-11-11', gained: 2, blocked: 1 },
    ]);
    const byName = Object.fromEntries(
      body.byChannel.map((c: { channelName: string; gained: number; blocked: number }) => [
        c.channelName,
        [c.gained, c.blocked],
      ]),
    );
    expect(byName).toEqual({ Support: [2, 1], Sales: [1, 1] });
  });

  it('stamps when an identity became unreachable and clears it when reachable again', async () => {
    const id = await contact();
    await identity(id, sales, '2026-11-20T00:00:00Z');
    const read = async () =>
      (
        await sql<{
          unreachableAt: Date | null;
        }>`select unreachable_at from contact_channels where contact_id = ${id}`.execute(app.services.ctx.db)
      ).rows[0]!.unreachableAt;
    expect(await read()).toBeNull();
    await run(
      sql`update contact_channels set reachable = false, last_error = 'blocked by the user' where contact_id = ${id}`,
    );
    const first = await read();
    expect(first).toBeInstanceOf(Date);
    // Another write while still unreachable keeps the original time.
    await run(
      sql`update contact_channels set reachable = false, last_error = 'again' where contact_id = ${id}`,
    );
    expect(await read()).toEqual(first);
    await run(sql`update contact_channels set reachable = true where contact_id = ${id}`);
    expect(await read()).toBeNull();
  });
});

describe('broadcasts report', () => {
  it('lists broadcasts started in the period with recipients by outcome, clicks and click rate', async () => {
    const { status, body } = await get(`/api/v1/reports/broadcasts?${PERIOD}`);
    expect(status).toBe(200);
    // The launch and the promo topic broadcast started in the period; the old one and the draft did not.
    expect(body.broadcasts.map((b: { title: string }) => b.title)).toEqual(['=Launch, day 1', 'Promo topic']);
    expect(body.broadcasts[0]).toMatchObject({
      title: '=Launch, day 1',
      channelName: 'Support',
      recipients: 6,
      sent: 3,
      failed: 1,
      blocked: 1,
      other: 1,
      clicks: 3,
      clickers: 2,
      clickRate: 0.6667,
    });
    // Totals: 6 + 2 recipients, 3 + 2 sent, 3 + 1 clicks by 2 + 1 people: 3 / 5.
    expect(body.totals).toMatchObject({
      broadcasts: 2,
      recipients: 8,
      sent: 5,
      clicks: 4,
      clickers: 3,
      clickRate: 0.6,
    });
  });

  it('writes the CSV with the formula-looking title defused', async () => {
    const { res } = await get(`/api/v1/reports/broadcasts.csv?${PERIOD}`);
    const lines = res.body.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(`"'=Launch, day 1",completed,Support,`);
    expect(lines[1]).toMatch(/,6,3,1,1,1,3,2,0\.6667$/);
  });

  it('is closed to roles that may not read broadcasts', async () => {
    const agent = (await app.userWithRole('agent')).token;
    expect((await get(`/api/v1/reports/broadcasts?${PERIOD}`, agent)).status).toBe(403);
  });
});

describe('notifications report', () => {
  it('counts notifications per type by outcome, skip reason and fallback', async () => {
    const { body } = await get(`/api/v1/reports/notifications?${PERIOD}`);
    const shipped = body.types.find((t: { typeKey: string }) => t.typeKey === 'order_shipped');
    expect(shipped).toEqual({
      typeKey: 'order_shipped',
      typeName: 'Order shipped',
      created: 8,
      sent: { telegram: 2, email: 1, total: 3 },
      skipped: 3,
      skippedByReason: [
        { reason: 'opted out', count: 2 },
        { reason: 'no address', count: 1 },
      ],
      failed: 1,
      digested: 0,
      pending: 1,
      fallbacks: 1,
      engagement: { sent: 0, clicks: 0, clickers: 0, clickRate: null },
    });
    const promo = body.types.find((t: { typeKey: string }) => t.typeKey === 'promo');
    expect(promo.engagement).toEqual({ sent: 2, clicks: 1, clickers: 1, clickRate: 0.5 });
    expect(body.totals).toMatchObject({ created: 9, skipped: 4, sent: { telegram: 2, email: 1, total: 3 } });
    expect(body.totals.skippedByReason[0]).toEqual({ reason: 'opted out', count: 3 });
  });
});

describe('preferences report', () => {
  it('counts opt-outs per type and channel, unsubscriptions and the preferred channel, leaving blocked contacts out', async () => {
    const { body, res } = await get(`/api/v1/reports/preferences?${PERIOD}`);
    // Contacts added by the trigger test above are not blocked either: count what the database holds now.
    const { rows } = await sql<{
      n: number;
    }>`select count(*)::int as n from contacts where not blocked`.execute(app.services.ctx.db);
    expect(res.statusCode).toBe(200);
    expect(body.contacts).toBe(rows[0]!.n);
    expect(body.marketing).toEqual({ unsubscribed: 2, unsubscribedInPeriod: 1 });
    expect(body.preferredChannel).toEqual({ telegram: 1, email: 1, none: rows[0]!.n - 2 });
    expect(body.channelsOff).toEqual({ telegram: 0, email: 1 });
    expect(body.types).toEqual([
      { typeKey: 'order_shipped', typeName: 'Order shipped', disabled: 0, telegramOff: 0, emailOff: 1 },
      { typeKey: 'promo', typeName: 'Promotions', disabled: 2, telegramOff: 0, emailOff: 0 },
    ]);
  });
});

describe('inbox report', () => {
  it('takes the timezone parameter and a CSV twin too', async () => {
    const { body } = await get(`/api/v1/reports/inbox?${PERIOD}`);
    expect(body.timezone).toBe('Asia/Tokyo');
    expect(body.byDay.map((d: { day: string }) => d.day)).toEqual(['2026-11-10', '2026-11-11']);
    const { res } = await get(`/api/v1/reports/inbox.csv?${PERIOD}`);
    expect(res.body.split('\n')[0]).toMatch(/^day,conversations_opened,conversations_resolved,/);
    expect(res.body.trim().split('\n')).toHaveLength(3);
  });
});
