import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clickLinkKey,
  parseBroadcastCallbackData,
  verifyClickToken,
} from '../../src/services/broadcast-buttons.ts';
import {
  BroadcastDeliveryManager,
  type BroadcastDeliveryOptions,
  DEFAULT_BROADCAST_DELIVERY,
} from '../../src/services/broadcast-delivery.ts';
import { quietHoldUntil } from '../../src/services/broadcast-timing.ts';
import { TelegramAdapters } from '../../src/services/outbound.adapters.ts';
import { type FakeBot, FakeTelegram } from '../fakes/telegram/index.ts';
import { adminApi } from '../http/contacts.helpers.ts';
import { eventually } from '../support/eventually.ts';
import { bearer, startTestApp, type TestApp } from '../support/test-app.ts';
import {
  cachedCounts,
  countsFromRows,
  type Recipient,
  recipients,
  rowsByChat,
  sendingBroadcast,
} from './broadcast-delivery.helpers.ts';
import { connectBot, newBot } from './receiving.helpers.ts';

let tg: FakeTelegram;
let app: TestApp;
const PUBLIC_URL = 'https://sb.example.com';

beforeAll(async () => {
  tg = await FakeTelegram.start({ enforceLimits: false });
  // The API role: no worker, so jobs the manager queues stay visible in the queue instead of running.
  app = await startTestApp({ role: 'api', env: { TELEGRAM_API_ROOT: tg.apiRoot, PUBLIC_URL } });
});

afterAll(async () => {
  await app?.stop();
  await tg?.stop();
});

const db = () => app.services.ctx.db;

/** A channel held to Telegram's free 30/s, so a run is still sending when the test acts on it (pause, cancel, shutdown). */
async function slowChannel(): Promise<{ bot: FakeBot; channelId: string }> {
  const made = await channel();
  await db()
    .updateTable('channels')
    .set({ settings: JSON.stringify({ rateLimitPerSecond: 30 }) })
    .where('id', '=', made.channelId)
    .execute();
  return made;
}

/** A fresh bot and channel at a paid-broadcast rate, so the limiter does not slow the tests down. */
async function channel(): Promise<{ bot: FakeBot; channelId: string }> {
  const { bot, token } = newBot(tg);
  const channelId = await connectBot(app, token, {
    settings: { paidBroadcasts: true, rateLimitPerSecond: 500 },
  });
  return { bot, channelId };
}

function manager(options: Partial<BroadcastDeliveryOptions> = {}) {
  const { ctx, channels, telegramLimiter, templates } = app.services;
  return new BroadcastDeliveryManager(
    ctx,
    new TelegramAdapters(channels, telegramLimiter, () => null),
    templates,
    {
      ...DEFAULT_BROADCAST_DELIVERY,
      ...options,
    },
  );
}

const status = async (id: string) =>
  (await db().selectFrom('broadcasts').selectAll().where('id', '=', id).executeTakeFirstOrThrow()).status;
const messagesTo = (bot: FakeBot, chatId: number) =>
  bot.sentTo(chatId).filter((s) => s.method === 'sendMessage');
const deliverJob = async (id: string) =>
  (
    await sql<{ runAt: Date; key: string }>`
      select run_at, key from graphile_worker.jobs where key = ${`broadcast:deliver:${id}`}`.execute(db())
  ).rows[0];

/** Every recipient got exactly one message, and each row says sent with that message's id. */
async function expectEachSentOnce(bot: FakeBot, id: string, list: Recipient[]) {
  const rows = await rowsByChat(db(), id);
  for (const r of list) {
    const got = messagesTo(bot, r.chatId);
    expect(got, `messages to ${r.chatId}`).toHaveLength(1);
    const row = rows.get(r.chatId)!;
    expect(row.status).toBe('sent');
    expect(row.externalId).toBe(String(bot.findMessage(r.chatId, Number(row.externalId))?.message_id));
    expect(row.sentAt).not.toBeNull();
    expect([row.leaseUntil, row.claimKey]).toEqual([null, null]);
  }
}

describe('broadcast delivery manager', () => {
  it('sends every recipient exactly once over many claims, completes, and reports progress on the broadcasts room', async () => {
    const { bot, channelId } = await channel();
    const list = await recipients(db(), channelId, 57, { firstName: 'Анна <Ann>' });
    const id = await sendingBroadcast(db(), channelId, list, {
      content: '<b>Hi</b> {{ contact.firstName }}!',
    });
    const listener = new pg.Client({ connectionString: app.config.databaseUrl! });
    await listener.connect();
    const events: Array<{ event: string; data: Record<string, unknown> }> = [];
    listener.on('notification', (n) => {
      const m = JSON.parse(n.payload!);
      if (m.room === 'broadcasts' && m.data.broadcastId === id) events.push(m);
    });
    await listener.query('listen switchboard_realtime');
    try {
      await manager({ batchSize: 7, concurrency: 3 }).run(id);
      expect(await status(id)).toBe('completed');
      await expectEachSentOnce(bot, id, list);
      // Contact values are escaped into the HTML: the fake parses it as Telegram would.
      expect(messagesTo(bot, list[0]!.chatId)[0]!.params.text).toBe('<b>Hi</b> Анна &lt;Ann&gt;!');
      expect(await cachedCounts(db(), id)).toEqual({ sent: 57 });
      expect(await countsFromRows(db(), id)).toEqual({ sent: 57 });
      const last = await new Promise<Record<string, unknown>>((resolve) => {
        const check = () => {
          const done = events.find((e) => e.data.status === 'completed');
          if (done) resolve(done.data);
          else setTimeout(check, 20);
        };
        check();
      });
      expect(last).toMatchObject({
        broadcastId: id,
        status: 'completed',
        stats: { total: 57, sent: 57, pending: 0 },
      });
      expect(events.every((e) => e.event === 'broadcast.progressed')).toBe(true);
      // A second run finds nothing to do and sends nothing more.
      await manager().run(id);
      expect(bot.sent.filter((s) => s.method === 'sendMessage')).toHaveLength(57);
    } finally {
      await listener.end();
    }
  });

  it('records mixed outcomes: 403 blocked with the identity unreachable, 400 failed, 502 retried later, skips by reason', async () => {
    const { bot, channelId } = await channel();
    const [bad, flaky, blocked, ok, known, gone] = await recipients(db(), channelId, 6);
    const id = await sendingBroadcast(db(), channelId, [bad!, flaky!, blocked!, ok!, known!, gone!]);
    // One request at a time in row order: the scripted failures hit the first two requests.
    bot.failNext('sendMessage', { error_code: 400, description: 'Bad Request: message is too long' });
    bot.failNext('sendMessage', { error_code: 502, description: 'Bad Gateway' });
    bot.blockedBy(blocked!.chatId);
    await app.services.ctx.repos.identities.setReachable(
      known!.identityId,
      false,
      'Forbidden: user is deactivated',
    );
    await db().updateTable('contacts').set({ subscribed: false }).where('id', '=', gone!.contactId).execute();
    // Backoff is a random wait up to its ceiling (full jitter); an hour's ceiling keeps the retry from coming due within this run.
    await manager({ concurrency: 1, retry: { baseMs: 3_600_000, capMs: 3_600_000, maxAttempts: 6 } }).run(id);

    const rows = await rowsByChat(db(), id);
    const at = (r: Recipient) => rows.get(r.chatId)!;
    expect(at(bad!)).toMatchObject({
      status: 'failed',
      reason: 'Bad Request: message is too long',
      attempts: 1,
    });
    expect(at(flaky!)).toMatchObject({
      status: 'pending',
      reason: 'retrying: Telegram failed on sendMessage (502): Bad Gateway',
      attempts: 1,
    });
    expect(at(flaky!).notBefore!.getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(at(blocked!)).toMatchObject({
      status: 'blocked',
      reason: 'Forbidden: bot was blocked by the user',
    });
    const identity = await db()
      .selectFrom('contactChannels')
      .selectAll()
      .where('id', '=', blocked!.identityId)
      .executeTakeFirstOrThrow();
    expect([identity.reachable, identity.lastError]).toEqual([
      false,
      'Forbidden: bot was blocked by the user',
    ]);
    expect(at(ok!)).toMatchObject({ status: 'sent' });
    // Changed since the snapshot: skipped by reason, without a request.
    expect(at(known!)).toMatchObject({ status: 'skipped', reason: 'unreachable' });
    expect(at(gone!)).toMatchObject({ status: 'skipped', reason: 'unsubscribed' });
    expect(messagesTo(bot, known!.chatId)).toHaveLength(0);
    expect(messagesTo(bot, gone!.chatId)).toHaveLength(0);

    // The retry waits for its backoff and the job is queued for then; the broadcast is still sending.
    expect(await status(id)).toBe('sending');
    expect((await deliverJob(id))!.runAt.getTime()).toBe(at(flaky!).notBefore!.getTime());
    expect(await cachedCounts(db(), id)).toEqual(await countsFromRows(db(), id));
    await sql`update broadcast_deliveries set not_before = now() where id = ${at(flaky!).id}`.execute(db());
    await manager().run(id);
    expect(await status(id)).toBe('completed');
    expect((await rowsByChat(db(), id)).get(flaky!.chatId)).toMatchObject({
      status: 'sent',
      attempts: 2,
      reason: null,
    });
    expect(messagesTo(bot, flaky!.chatId)).toHaveLength(1);
    expect(await cachedCounts(db(), id)).toEqual(await countsFromRows(db(), id));
    expect(await countsFromRows(db(), id)).toEqual({
      sent: 2,
      failed: 1,
      blocked: 1,
      skipped: 2,
      skipped_unreachable: 1,
      skipped_unsubscribed: 1,
    });
  });

  it('renders per recipient: the language variant, button texts by language, tracked URL and callback buttons', async () => {
    const { bot, channelId } = await channel();
    const [ru] = await recipients(db(), channelId, 1, { language: 'ru', firstName: 'Анна' });
    const [en] = await recipients(db(), channelId, 1, { language: 'en', firstName: 'Ann' });
    const template = await app.services.ctx.repos.templates.create({
      name: 'Promo',
      body: 'Привет, {{ contact.firstName }}!',
      variants: { en: 'Hello, {{ contact.firstName }}!' },
      buttons: [
        [
          {
            kind: 'url',
            text: 'Открыть',
            url: 'https://shop.example.com/sale',
            textVariants: { en: 'Open' },
          },
          { kind: 'callback', text: 'Не интересно', data: 'promo:no', textVariants: { en: 'Not now' } },
        ],
      ],
    });
    const id = await sendingBroadcast(db(), channelId, [ru!, en!], { templateId: template.id });
    await manager().run(id);
    expect(await status(id)).toBe('completed');
    const key = clickLinkKey(app.services.ctx.secretBox);
    for (const [r, text, open, no] of [
      [ru!, 'Привет, Анна!', 'Открыть', 'Не интересно'],
      [en!, 'Hello, Ann!', 'Open', 'Not now'],
    ] as const) {
      const [m] = messagesTo(bot, r.chatId);
      expect(m!.params.text).toBe(text);
      type Button = { text: string; url: string; callback_data: string };
      const markup = m!.params.reply_markup as { inline_keyboard: [[Button, Button]] };
      const [[url, callback]] = markup.inline_keyboard;
      expect([url.text, callback.text]).toEqual([open, no]);
      // The link goes through our redirect and names this broadcast, contact and button.
      expect(url.url.startsWith(`${PUBLIC_URL}/r/`)).toBe(true);
      expect(verifyClickToken(url.url.slice(`${PUBLIC_URL}/r/`.length), key)).toEqual({
        broadcastId: id,
        contactId: r.contactId,
        button: 0,
      });
      expect(parseBroadcastCallbackData(callback.callback_data)).toEqual({ broadcastId: id, button: 1 });
    }
  });

  it('a template that cannot render for a recipient fails that row with the reason and sends the rest', async () => {
    const { bot, channelId } = await channel();
    const list = await recipients(db(), channelId, 3);
    const id = await sendingBroadcast(db(), channelId, list, {
      content: '{% if contact.id == "CONTACT" %}<b>broken{% else %}fine{% endif %}'.replace(
        'CONTACT',
        list[1]!.contactId,
      ),
    });
    await manager().run(id);
    const rows = await rowsByChat(db(), id);
    expect(rows.get(list[1]!.chatId)).toMatchObject({ status: 'failed', attempts: 0 });
    expect(rows.get(list[1]!.chatId)!.reason).toMatch(/^template \/body: renders to invalid Telegram HTML/);
    expect(messagesTo(bot, list[1]!.chatId)).toHaveLength(0);
    expect([list[0], list[2]].map((r) => messagesTo(bot, r!.chatId).length)).toEqual([1, 1]);
    expect(await status(id)).toBe('completed');
  });

  it('pause stops claiming and lets sends in flight finish; resume sends the rest: nobody twice, nobody left out', async () => {
    const { bot, channelId } = await channel();
    // 30 messages a second: slow enough to pause part-way.
    await db()
      .updateTable('channels')
      .set({ settings: JSON.stringify({ rateLimitPerSecond: 30 }) })
      .where('id', '=', channelId)
      .execute();
    const list = await recipients(db(), channelId, 75);
    const id = await sendingBroadcast(db(), channelId, list);
    const sentCount = () => bot.sent.filter((s) => s.method === 'sendMessage').length;
    for (const pauseAfter of [5, 30]) {
      const running = manager().run(id);
      await eventually(async () => sentCount() >= pauseAfter, 20_000, `${pauseAfter} sent`);
      await db().updateTable('broadcasts').set({ status: 'paused' }).where('id', '=', id).execute();
      await running;
      const rows = [...(await rowsByChat(db(), id)).values()];
      // Nothing is left in flight, and what the rows say sent is exactly what reached the fake.
      expect(rows.filter((r) => r.status === 'sending')).toEqual([]);
      for (const r of rows)
        expect(messagesTo(bot, Number(r.chatExternalId)), `chat ${r.chatExternalId}`).toHaveLength(
          r.status === 'sent' ? 1 : 0,
        );
      expect(rows.filter((r) => r.status === 'pending').length).toBeGreaterThan(0);
      expect(await cachedCounts(db(), id)).toEqual(await countsFromRows(db(), id));
      const before = sentCount();
      await new Promise((r) => setTimeout(r, 200));
      expect(sentCount()).toBe(before);
      await db().updateTable('broadcasts').set({ status: 'sending' }).where('id', '=', id).execute();
    }
    await manager().run(id);
    expect(await status(id)).toBe('completed');
    await expectEachSentOnce(bot, id, list);
    expect(await cachedCounts(db(), id)).toEqual({ sent: 75 });
  });

  it('cancel marks the rest cancelled and sends nothing more', async () => {
    const { bot, channelId } = await slowChannel();
    const list = await recipients(db(), channelId, 60);
    const id = await sendingBroadcast(db(), channelId, list);
    const running = manager().run(id);
    await eventually(async () => bot.sent.length >= 10, 20_000, '10 sent');
    await db().updateTable('broadcasts').set({ status: 'cancelled' }).where('id', '=', id).execute();
    await running;
    const rows = [...(await rowsByChat(db(), id)).values()];
    const sent = rows.filter((r) => r.status === 'sent');
    expect(sent.length).toBeGreaterThanOrEqual(10);
    expect(rows.filter((r) => r.status === 'cancelled')).toHaveLength(60 - sent.length);
    expect(bot.sent.filter((s) => s.method === 'sendMessage')).toHaveLength(sent.length);
    expect(await cachedCounts(db(), id)).toEqual(await countsFromRows(db(), id));
    await manager().run(id);
    expect(bot.sent.filter((s) => s.method === 'sendMessage')).toHaveLength(sent.length);
  });

  it('holds recipients for whom it is night until their quiet hours end, and sends the others', async () => {
    const { bot, channelId } = await channel();
    const hourIn = (zone: string) =>
      Number(
        new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', hourCycle: 'h23' }).format(
          new Date(),
        ),
      );
    const hh = (h: number) => `${String((h + 24) % 24).padStart(2, '0')}:00`;
    // Quiet from an hour before to two hours after Tokyo's current hour: night in Tokyo, day in New York (13-14 h behind).
    const tokyoHour = hourIn('Asia/Tokyo');
    const quietHours = { from: hh(tokyoHour - 1), to: hh(tokyoHour + 2) };
    const tokyo = await recipients(db(), channelId, 3, { timezone: 'Asia/Tokyo' });
    const newYork = await recipients(db(), channelId, 3, { timezone: 'America/New_York' });
    const id = await sendingBroadcast(db(), channelId, [...tokyo, ...newYork], { quietHours });
    const startedAt = new Date();
    await manager().run(id);

    const rows = await rowsByChat(db(), id);
    for (const r of newYork) expect(messagesTo(bot, r.chatId)).toHaveLength(1);
    const holdEnd = quietHoldUntil(startedAt, 'Asia/Tokyo', quietHours)!;
    for (const r of tokyo) {
      expect(messagesTo(bot, r.chatId)).toHaveLength(0);
      expect(rows.get(r.chatId)).toMatchObject({ status: 'pending', reason: 'quiet_hours', attempts: 0 });
      expect(rows.get(r.chatId)!.notBefore).toEqual(holdEnd);
    }
    expect(await status(id)).toBe('sending');
    expect((await deliverJob(id))!.runAt).toEqual(holdEnd);
    expect(await cachedCounts(db(), id)).toEqual({ sent: 3, pending: 3 });
  });

  it('sends the due wave, then queues itself for the next one and stays sending', async () => {
    const { bot, channelId } = await channel();
    const list = await recipients(db(), channelId, 6);
    const later = new Date(Date.now() + 3 * 3600_000);
    const latest = new Date(Date.now() + 5 * 3600_000);
    const id = await sendingBroadcast(db(), channelId, list, {
      notBefore: (_r, i) => (i < 2 ? new Date(Date.now() - 1000) : i < 4 ? later : latest),
    });
    await manager().run(id);
    expect(list.map((r) => messagesTo(bot, r.chatId).length)).toEqual([1, 1, 0, 0, 0, 0]);
    expect(await status(id)).toBe('sending');
    expect((await deliverJob(id))!.runAt).toEqual(later);
    // The next wave's time comes: its run sends it and queues the last wave.
    await sql`update broadcast_deliveries set not_before = now() - interval '1 second'
      where broadcast_id = ${id}::uuid and not_before = ${later}`.execute(db());
    await manager().run(id);
    expect(list.map((r) => messagesTo(bot, r.chatId).length)).toEqual([1, 1, 1, 1, 0, 0]);
    expect((await deliverJob(id))!.runAt).toEqual(latest);
    expect(await cachedCounts(db(), id)).toEqual({ sent: 4, pending: 2 });
  });

  it("resolves rows a dead run left sending as unknown (never resent), leaves a live run's rows alone", async () => {
    const { bot, channelId } = await channel();
    const list = await recipients(db(), channelId, 5);
    const id = await sendingBroadcast(db(), channelId, list);
    // A live run in another session holds its claim key; a dead run's key is held by nobody.
    const live = new pg.Client({ connectionString: app.config.databaseUrl! });
    await live.connect();
    const liveKey = 987_654_321_012;
    await live.query('select pg_advisory_lock($1::int8)', [liveKey]);
    const future = new Date(Date.now() + 600_000);
    const claim = async (r: Recipient, key: number) =>
      sql`update broadcast_deliveries set claim_key = ${key}, lease_until = ${future}
        where broadcast_id = ${id}::uuid and contact_id = ${r.contactId}::uuid`.execute(db());
    await claim(list[0]!, 123_456_789_001);
    await claim(list[1]!, liveKey);
    await sql`update broadcasts set stats = stats || '{"pending": 3, "sending": 2}' where id = ${id}::uuid`.execute(
      db(),
    );
    try {
      await manager().run(id);
      let rows = await rowsByChat(db(), id);
      expect(rows.get(list[0]!.chatId)).toMatchObject({ status: 'unknown', claimKey: null });
      expect(rows.get(list[0]!.chatId)!.reason).toMatch(
        /^interrupted while sending; it may have reached the recipient/,
      );
      expect(rows.get(list[1]!.chatId)).toMatchObject({ status: 'sending', claimKey: liveKey });
      expect(messagesTo(bot, list[0]!.chatId)).toHaveLength(0);
      expect(messagesTo(bot, list[1]!.chatId)).toHaveLength(0);
      expect(list.slice(2).map((r) => messagesTo(bot, r.chatId).length)).toEqual([1, 1, 1]);
      // The live run's row keeps the broadcast open; the manager looks again later.
      expect(await status(id)).toBe('sending');
      expect(await deliverJob(id)).toBeDefined();
      expect(await cachedCounts(db(), id)).toEqual({ sent: 3, unknown: 1, sending: 1 });

      // That run dies (its session ends): the next run resolves its row too and completes.
      await live.end();
      await manager().run(id);
      rows = await rowsByChat(db(), id);
      expect(rows.get(list[1]!.chatId)).toMatchObject({ status: 'unknown' });
      expect(messagesTo(bot, list[1]!.chatId)).toHaveLength(0);
      expect(await status(id)).toBe('completed');
      expect(await cachedCounts(db(), id)).toEqual({ sent: 3, unknown: 2 });
      expect(await countsFromRows(db(), id)).toEqual({ sent: 3, unknown: 2 });
    } finally {
      await live.end().catch(() => undefined);
    }
  });

  it('auto-pauses with the reason when too many of the last outcomes failed, and tells every admin in the app', async () => {
    const admin = await app.userWithRole('admin');
    const agent = await app.userWithRole('agent');
    const { bot, channelId } = await channel();
    const list = await recipients(db(), channelId, 40);
    const id = await sendingBroadcast(db(), channelId, list);
    bot.failNext(
      'sendMessage',
      { error_code: 400, description: 'Bad Request: chat is deactivated somehow' },
      6,
    );
    await manager({ concurrency: 1, failures: { window: 20, share: 0.2, minOutcomes: 10 } }).run(id);
    const b = await db().selectFrom('broadcasts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    // Six failures among the first ten outcomes: over 20% once ten are in.
    expect(b.status).toBe('paused');
    expect(b.statusReason).toBe('auto-paused: 6 of the last 10 messages failed (more than 20%)');
    const counts = await countsFromRows(db(), id);
    expect(counts).toEqual({ failed: 6, sent: 4, pending: 30 });
    expect(await cachedCounts(db(), id)).toEqual(counts);
    expect(bot.sent.filter((s) => s.method === 'sendMessage')).toHaveLength(4);
    const inbox = async (token: string) =>
      (
        await app.http!.inject({ method: 'GET', url: '/api/v1/me/notifications', headers: bearer(token) })
      ).json().data as Array<Record<string, unknown>>;
    expect((await inbox(admin.token)).find((n) => n.broadcastId === id)).toMatchObject({
      kind: 'broadcast_auto_paused',
      detail: 'auto-paused: 6 of the last 10 messages failed (more than 20%)',
      conversationId: null,
    });
    expect((await inbox(agent.token)).some((n) => n.broadcastId === id)).toBe(false);
  });

  it('two runs of one broadcast at once share the rows: each recipient gets one message', async () => {
    const { bot, channelId } = await channel();
    const list = await recipients(db(), channelId, 120);
    const id = await sendingBroadcast(db(), channelId, list);
    await Promise.all([manager({ batchSize: 6 }).run(id), manager({ batchSize: 6 }).run(id)]);
    expect(await status(id)).toBe('completed');
    await expectEachSentOnce(bot, id, list);
    expect(await cachedCounts(db(), id)).toEqual({ sent: 120 });
  });

  it("configured to resend, puts a dead run's rows back to pending and sends them", async () => {
    const { bot, channelId } = await channel();
    const list = await recipients(db(), channelId, 3);
    const id = await sendingBroadcast(db(), channelId, list);
    await sql`update broadcast_deliveries set claim_key = 55501, lease_until = now() + interval '1 hour'
      where broadcast_id = ${id}::uuid and contact_id = ${list[0]!.contactId}::uuid`.execute(db());
    await sql`update broadcasts set stats = stats || '{"pending": 2, "sending": 1}' where id = ${id}::uuid`.execute(
      db(),
    );
    await manager({ inDoubt: 'resend' }).run(id);
    expect(list.map((r) => messagesTo(bot, r.chatId).length)).toEqual([1, 1, 1]);
    expect(await status(id)).toBe('completed');
    expect(await cachedCounts(db(), id)).toEqual({ sent: 3 });
  });

  it('on shutdown stops claiming, records what was in flight, releases the rest and queues itself again', async () => {
    const { bot, channelId } = await slowChannel();
    const list = await recipients(db(), channelId, 60);
    const id = await sendingBroadcast(db(), channelId, list);
    const abort = new AbortController();
    const running = manager().run(id, { signal: abort.signal });
    await eventually(async () => bot.sent.length >= 10, 20_000, '10 sent');
    abort.abort();
    await running;
    const rows = [...(await rowsByChat(db(), id)).values()];
    expect(rows.filter((r) => r.status === 'sending')).toEqual([]);
    for (const r of rows)
      expect(messagesTo(bot, Number(r.chatExternalId))).toHaveLength(r.status === 'sent' ? 1 : 0);
    expect(rows.filter((r) => r.status === 'pending').length).toBeGreaterThan(0);
    expect(await status(id)).toBe('sending');
    expect((await deliverJob(id))!.runAt.getTime()).toBeLessThanOrEqual(Date.now());
    expect(await cachedCounts(db(), id)).toEqual(await countsFromRows(db(), id));
  });

  it('pauses with the reason instead of failing everyone when the message is gone (template deleted)', async () => {
    const { bot, channelId } = await channel();
    const list = await recipients(db(), channelId, 3);
    const template = await app.services.ctx.repos.templates.create({ name: 'Gone soon', body: 'Hi' });
    const id = await sendingBroadcast(db(), channelId, list, { templateId: template.id });
    await app.services.ctx.repos.templates.delete(template.id);
    await manager().run(id);
    const b = await db().selectFrom('broadcasts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect([b.status, b.statusReason]).toEqual(['paused', 'the broadcast has no message']);
    expect(bot.sent).toHaveLength(0);
    expect(await countsFromRows(db(), id)).toEqual({ pending: 3 });
  });

  it('end to end through the API: snapshot, delivery, pause and resume, completed with counters equal to the rows', async () => {
    const { bot, channelId } = await channel();
    const api = await adminApi(app);
    const list = await recipients(db(), channelId, 30);
    const [unsubscribed] = await recipients(db(), channelId, 1, { subscribed: false });
    const tag = `e2e-${channelId.slice(0, 8)}`;
    await db()
      .updateTable('contacts')
      .set({ tags: [tag] })
      .where(
        'id',
        'in',
        [...list, unsubscribed!].map((r) => r.contactId),
      )
      .execute();
    const created = await api.post('/api/v1/broadcasts', {
      title: 'E2E',
      channelId,
      filter: { op: 'and', conditions: [{ type: 'field', field: 'tags', op: 'has_any', value: [tag] }] },
      content: 'Hello {{ contact.firstName }}',
    });
    expect(created.statusCode).toBe(201);
    const id = created.json().id as string;
    expect((await api.post(`/api/v1/broadcasts/${id}/send-now`)).statusCode).toBe(200);
    // Paused before the job runs: the run sends nothing; resumed, it sends everyone once.
    expect((await api.post(`/api/v1/broadcasts/${id}/pause`)).statusCode).toBe(200);
    await manager().run(id);
    expect(bot.sent.filter((s) => s.method === 'sendMessage')).toHaveLength(0);
    expect((await api.post(`/api/v1/broadcasts/${id}/resume`)).statusCode).toBe(200);
    await manager().run(id);
    await expectEachSentOnce(bot, id, list);
    expect(messagesTo(bot, unsubscribed!.chatId)).toHaveLength(0);
    const got = (await api.get(`/api/v1/broadcasts/${id}`)).json();
    expect(got.status).toBe('completed');
    expect(got.stats).toMatchObject({
      total: 31,
      sent: 30,
      skipped: 1,
      skipped_unsubscribed: 1,
      pending: 0,
      sending: 0,
    });
    expect(await cachedCounts(db(), id)).toEqual(await countsFromRows(db(), id));
  });
});
