// Notifications end to end: sustained trigger calls over HTTP against the fake Bot API (its own process) and a real SMTP sink.
// Run: npx tsx bench/notifications.ts [--rate 200] [--seconds 10] [--emails 2000] [--pool 5] [--rounds 3]
// (uses DATABASE_URL if set, else a temporary embedded PostgreSQL). Prints, and writes bench/results/notifications.json:
// 1. Telegram: calls offered at --rate per second for --seconds (each to its own contact and chat), accepted/s (202s), and
//    the latency from the call leaving the client to the message accepted by the fake server (p50, p99). Goals: p50 < 20 ms,
//    p99 < 100 ms at 200 calls/s. The bot has paid broadcasts on (Telegram's free limit is about 30 messages a second).
// 2. Email: --emails notifications by email only (SMTP_URL = the sink), queued through the batch API and then made due at
//    once; the drain's send rate from the first mail to the last at the sink, versus a bare nodemailer pool of the same
//    size sending the same number of mails to the same sink, timed the same way (best of --rounds, alternating). Goal:
//    ours at least 80 % of the bare pool's rate. The batch API's acceptance rate is printed apart.
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import nodemailer from 'nodemailer';
import { NOTIFICATIONS_DUE_CHANNEL } from '../server/src/repositories/notification-drain.repository.ts';
import { SmtpSink } from '../server/test/fakes/smtp-sink.ts';
import { startBenchApp } from './support/bench-app.ts';
import { startFakeProcess } from './support/fake-process.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    rate: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '10' },
    emails: { type: 'string', default: '2000' },
    // Our SMTP pools have 5 connections (channels/email/email.transport.ts); the bare pool gets the same.
    pool: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
  },
});
const RATE = Number(args.rate);
const SECONDS = Number(args.seconds);
const CALLS = RATE * SECONDS;
const EMAILS = Number(args.emails);
const POOL = Number(args.pool);
const ROUNDS = Number(args.rounds);
const WARMUP = Math.min(200, RATE);
const CHAT_BASE = 50_000_000;
const SYSTEM = { type: 'system' as const, id: null, name: 'bench' };

const round1 = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
const percentile = (xs: number[], p: number) => {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
/** Wall-clock milliseconds with sub-millisecond precision, comparable with the fake's Date.now() stamps. */
const wallNow = () => performance.timeOrigin + performance.now();

const fake = await startFakeProcess();
const sink = await SmtpSink.start({ parse: false });
const bench = await startBenchApp({
  telegramApiRoot: fake.apiRoot,
  env: {
    API_RATE_LIMIT_PER_MINUTE: '1000000',
    SMTP_URL: sink.url,
    MAIL_FROM: 'Bench Shop <shop@bench.test>',
    // No per-process mail rate limit (0): the comparison is with a bare pool that has none.
    EMAIL_RATE_PER_SECOND: '0',
  },
}).catch(async (err) => {
  // The forked fake keeps this process alive: stop it, or a bad start would hang instead of failing.
  await fake.rpc({ type: 'stop' });
  await sink.close();
  throw err;
});
const { app } = bench;
const db = app.services.ctx.db;

type FakeReport = { sent: Array<{ method: string; chatId: number | string | null; at: number }> };

async function post(token: string, url: string, body: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${app.address}${url}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

try {
  const owner = (await bench.userToken('owner')).token;
  const botId = 9_300_000_000 + Math.floor(Math.random() * 1e8);
  const botToken = `${botId}:AA${randomBytes(26).toString('base64url').slice(0, 33)}`;
  await fake.rpc({ type: 'addBot', info: { token: botToken, id: botId, username: `notif${botId}_bot` } });
  const channel = await app.services.channels.create(SYSTEM, {
    type: 'telegram',
    name: 'bench notifications',
    token: botToken,
    mode: 'webhook',
    settings: { paidBroadcasts: true, rateLimitPerSecond: 1000 },
  });

  // Contacts: WARMUP + CALLS with a Telegram identity each, EMAILS * (ROUNDS + 1) with an email address.
  const tgCount = WARMUP + CALLS;
  const mailCount = EMAILS * (ROUNDS + 1);
  await sql`insert into contacts (external_id, first_name, language, email, subscribed)
    select 'nb-' || g, 'Name' || g, case when g % 2 = 0 then 'en' else 'ru' end,
      case when g > ${tgCount}::int then 'n' || g || '@mail.bench.test' end, true
    from generate_series(1, ${tgCount + mailCount}::int) g`.execute(db);
  await sql`insert into contact_channels (contact_id, channel_id, external_id, reachable, last_seen_at)
    select id, ${channel.id}::uuid, (${CHAT_BASE}::bigint + substr(external_id, 4)::int)::text, true, now()
    from contacts where external_id like 'nb-%' and substr(external_id, 4)::int <= ${tgCount}::int`.execute(
    db,
  );
  await sql`vacuum analyze`.execute(db);
  const { rows: contacts } = await sql<{ id: string; n: number }>`
    select id, substr(external_id, 4)::int as n from contacts where external_id like 'nb-%' order by 2`.execute(
    db,
  );
  const contactOf = (n: number) => contacts[n - 1]!.id;

  const trigger = (n: number, channels: string[]) =>
    post(owner, '/api/v1/notifications', {
      type: 'payment_success',
      to: { contactId: contactOf(n) },
      data: { amount: 1990, currency: 'RUB', orderId: `order-${n}` },
      channels,
      idempotencyKey: `bench-${n}`,
    });

  // ---- 1. Telegram at RATE calls/s, open loop -----------------------------------------------------------------------------
  const sentAt = new Map<number, number>();
  const fire = async (from: number, count: number, rate: number) => {
    const answers: Array<Promise<{ status: number }>> = [];
    const started = performance.now();
    for (let i = 0; i < count; i++) {
      const due = started + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      const n = from + i;
      sentAt.set(CHAT_BASE + n, wallNow());
      answers.push(trigger(n, ['telegram']));
    }
    const results = await Promise.all(answers);
    return { results, ms: performance.now() - started };
  };
  const waitForFake = async (expected: number) => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (Date.now() > deadline) {
        const { rows } = await sql<{ status: string; reason: string | null; n: number }>`
          select status, reason, count(*)::int as n from notifications group by 1, 2 order by 3 desc limit 5`.execute(
          db,
        );
        throw new Error(
          `the fake did not get ${expected} messages in 60 s; notifications: ${JSON.stringify(rows)}`,
        );
      }
      const report = await fake.rpc<FakeReport>({ type: 'report', token: botToken });
      const n = report.sent.filter((s) => s.method === 'sendMessage').length;
      if (n >= expected) return report;
      await sleep(100);
    }
  };
  await fire(1, WARMUP, RATE);
  await waitForFake(WARMUP);
  const { results, ms } = await fire(WARMUP + 1, CALLS, RATE);
  const accepted = results.filter((r) => r.status === 202).length;
  if (accepted !== CALLS) throw new Error(`${CALLS - accepted} calls were not accepted with 202`);
  const report = await waitForFake(WARMUP + CALLS);
  const latencies: number[] = [];
  for (const s of report.sent) {
    const chat = Number(s.chatId);
    if (s.method !== 'sendMessage' || chat <= CHAT_BASE + WARMUP) continue;
    latencies.push(s.at - sentAt.get(chat)!);
  }
  // The same messages from the row's creation in the API's transaction: delivery alone, without the wait for the API.
  const { rows: created } = await sql<{ n: number; at: Date }>`
    select substr(idempotency_key, 7)::int as n, created_at as at from notifications
    where idempotency_key like 'bench-%'`.execute(db);
  const createdAt = new Map(created.map((r) => [CHAT_BASE + r.n, r.at.getTime()]));
  const fromCreation: number[] = [];
  for (const s of report.sent) {
    const chat = Number(s.chatId);
    if (s.method === 'sendMessage' && chat > CHAT_BASE + WARMUP && createdAt.has(chat))
      fromCreation.push(s.at - createdAt.get(chat)!);
  }
  const perChat = new Map<number, number>();
  for (const s of report.sent) perChat.set(Number(s.chatId), (perChat.get(Number(s.chatId)) ?? 0) + 1);
  const duplicates = [...perChat.values()].filter((c) => c > 1).length;
  const telegram = {
    offeredPerSecond: RATE,
    calls: CALLS,
    acceptedPerSecond: round1((accepted / ms) * 1000),
    p50Ms: round1(percentile(latencies, 50)),
    p99Ms: round1(percentile(latencies, 99)),
    maxMs: round1(Math.max(...latencies)),
    createdToMessageP50Ms: round1(percentile(fromCreation, 50)),
    createdToMessageP99Ms: round1(percentile(fromCreation, 99)),
    duplicates,
  };
  console.log(
    `1. Telegram: ${CALLS} calls offered at ${RATE}/s, accepted ${telegram.acceptedPerSecond}/s; call → message at the fake ` +
      `p50 ${telegram.p50Ms} ms, p99 ${telegram.p99Ms} ms, max ${telegram.maxMs} ms (goals p50 < 20, p99 < 100); ` +
      `${duplicates} chats with more than one message; row created in the API's transaction → message (delivery alone) ` +
      `p50 ${telegram.createdToMessageP50Ms} ms, p99 ${telegram.createdToMessageP99Ms} ms`,
  );

  // ---- 2. Email: the drain's sending versus a bare nodemailer pool -------------------------------------------------------
  // Both are timed the same way: from the first mail to the last at the sink (arrival times stamped as the sink stores
  // them), so the rate is the sending, not the API calls in front of it (printed apart as the batch API's acceptance).
  const arrivals: number[] = [];
  const storeMail = sink.mails.push.bind(sink.mails);
  sink.mails.push = (...mails) => {
    for (const _ of mails) arrivals.push(performance.now());
    return storeMail(...mails);
  };
  const sendingMs = (from: number, count: number) => arrivals[from + count - 1]! - arrivals[from]!;
  const bare = nodemailer.createTransport({ pool: true, maxConnections: POOL, url: sink.url } as never);
  const bareRound = async (count: number) => {
    const before = sink.mails.length;
    let next = 0;
    await Promise.all(
      Array.from({ length: POOL }, async () => {
        while (next < count) {
          const n = next++;
          await bare.sendMail({
            from: 'Bench Shop <shop@bench.test>',
            to: `bare${n}@mail.bench.test`,
            subject: 'Оплата получена',
            text: `Заказ order-${n}: оплата 1990 RUB получена. Спасибо!`,
            html: `<p>Заказ <b>order-${n}</b>: оплата 1990 RUB получена. Спасибо!</p>`,
          });
        }
      }),
    );
    if (sink.mails.length - before !== count) throw new Error('the bare pool lost mails');
    return sendingMs(before, count);
  };
  // Queued through the batch API for an hour ahead (so nothing goes while the rest is queued), then made due at once in
  // one statement with the drains' wake-up: what a backlog looks like to the drain (e.g. after quiet hours end).
  const oursRound = async (firstContact: number, count: number) => {
    const before = sink.mails.length;
    const later = new Date(Date.now() + 3600_000).toISOString();
    const ids: string[] = [];
    const started = performance.now();
    for (let from = 0; from < count; from += 1000) {
      const items = Array.from({ length: Math.min(1000, count - from) }, (_, i) => ({
        type: 'payment_success',
        to: { contactId: contactOf(firstContact + from + i) },
        data: { amount: 1990, currency: 'RUB', orderId: `order-${firstContact + from + i}` },
        channels: ['email'],
        sendAt: later,
      }));
      const res = await post(owner, '/api/v1/notifications/batch', { notifications: items });
      const body = res.json as { results: Array<{ id?: string }> };
      if (res.status !== 202 || body.results.some((r) => !r.id))
        throw new Error('a batch item was not accepted');
      ids.push(...body.results.map((r) => r.id!));
    }
    const queuedPerSecond = (count / (performance.now() - started)) * 1000;
    await sql`with due as (
        update notifications set next_attempt_at = now(), send_at = now() where id = any(${ids}::uuid[]) returning 1)
      select pg_notify(${NOTIFICATIONS_DUE_CHANNEL}, '') from due limit 1`.execute(db);
    await sink.waitFor(before + count, 120_000).catch(async (err) => {
      const { rows } = await sql<{ status: string; reason: string | null; n: number }>`
        select status, reason, count(*)::int as n from notifications where id = any(${ids}::uuid[])
        group by 1, 2 order by 3 desc limit 5`.execute(db);
      throw new Error(`${err.message}; notifications: ${JSON.stringify(rows)}`);
    });
    return { ms: sendingMs(before, count), queuedPerSecond };
  };
  await bareRound(Math.min(200, EMAILS));
  let nextMailContact = tgCount + 1;
  await oursRound(nextMailContact, EMAILS);
  nextMailContact += EMAILS;
  let bareMs = Number.POSITIVE_INFINITY;
  let oursMs = Number.POSITIVE_INFINITY;
  let queuedPerSecond = 0;
  for (let r = 0; r < ROUNDS; r++) {
    bareMs = Math.min(bareMs, await bareRound(EMAILS));
    const ours = await oursRound(nextMailContact, EMAILS);
    oursMs = Math.min(oursMs, ours.ms);
    queuedPerSecond = Math.max(queuedPerSecond, ours.queuedPerSecond);
    nextMailContact += EMAILS;
  }
  bare.close();
  const email = {
    mails: EMAILS,
    pool: POOL,
    batchApiAcceptedPerSecond: round1(queuedPerSecond),
    barePerSecond: round1(((EMAILS - 1) / bareMs) * 1000),
    oursPerSecond: round1(((EMAILS - 1) / oursMs) * 1000),
    ratioPercent: round1((bareMs / oursMs) * 100),
  };
  console.log(
    `2. Email: ${EMAILS} mails, pool of ${POOL}, best of ${ROUNDS}, first to last mail at the sink: bare nodemailer ` +
      `${email.barePerSecond}/s, ours (the drain, ${EMAILS} notifications made due at once) ${email.oursPerSecond}/s = ` +
      `${email.ratioPercent} % (goal ≥ 80 %); the batch API accepted ${email.batchApiAcceptedPerSecond} notifications/s`,
  );

  const machine = { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version };
  await mkdir(path.join(ROOT, 'bench/results'), { recursive: true });
  await writeFile(
    path.join(ROOT, 'bench/results/notifications.json'),
    `${JSON.stringify({ at: new Date().toISOString(), machine, telegram, email }, null, 2)}\n`,
  );
} finally {
  await bench.stop();
  await sink.close();
  await fake.rpc({ type: 'stop' });
}
