import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Api } from 'grammy';
import { sql } from 'kysely';
import { pino } from 'pino';
import { startApp } from '../server/src/app.ts';
import { type RateGate, TelegramAdapter } from '../server/src/channels/telegram/telegram.adapter.ts';
import { DEFAULT_RATE_POLICY, TelegramLimiter } from '../server/src/channels/telegram/telegram.limiter.ts';
import { loadConfig } from '../server/src/config.ts';
import { BulkSender, DEFAULT_BULK_SEND } from '../server/src/services/bulk-sender.ts';
import { TelegramAdapters } from '../server/src/services/outbound.adapters.ts';
import { maxInWindow } from '../server/test/support/max-in-window.ts';
import { startFakeProcess } from './support/fake-process.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    messages: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '10' },
    limited: { type: 'string', default: '900' },
    rounds: { type: 'string', default: '3' },
  },
});
const N = Number(args.messages);
const CONCURRENCY = Number(args.concurrency);
const LIMITED = Number(args.limited);
const ROUNDS = Number(args.rounds);
const TEXT = 'Your order <b>#12345</b> has shipped. Track it in your account.';
const SYSTEM = { type: 'system' as const, id: null, name: 'bench' };

const dataDir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-bench-send-'));
// initdb runs as an unprivileged user when we are root: it must be able to enter the directory.
await chmod(dataDir, 0o755);

const fakeProcess = await startFakeProcess();
const { rpc } = fakeProcess;
const tg = { apiRoot: fakeProcess.apiRoot };
const config = loadConfig({
  ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
  ...(process.env.TELEGRAM_RATE_HEADROOM_PERCENT
    ? { TELEGRAM_RATE_HEADROOM_PERCENT: process.env.TELEGRAM_RATE_HEADROOM_PERCENT }
    : {}),
  PORT: '0',
  SWITCHBOARD_DATA_DIR: dataDir,
  SWITCHBOARD_SECRET_KEY: 'b'.repeat(64),
  TELEGRAM_API_ROOT: tg.apiRoot,
  LOG_LEVEL: 'silent',
});
// role 'api': no job runner, so nothing but this script sends the messages it creates.
const app = await startApp(config, { role: 'api', log: pino({ level: 'silent' }), skipBootstrap: true });
const { ctx } = app.services;

async function newBot() {
  const id = 9_100_000_000 + Math.floor(Math.random() * 1e8);
  const token = `${id}:AA${randomBytes(26).toString('base64url').slice(0, 33)}`;
  await rpc({ type: 'addBot', info: { token, id, username: `send${id}_bot`, firstName: 'Bench' } });
  return { token };
}

/** A channel for a fresh bot, polling mode (the 'api' role polls nothing, so the bot only sends). */
async function channelFor(token: string, settings: Record<string, unknown> = {}) {
  const view = await app.services.channels.create(SYSTEM, {
    type: 'telegram',
    name: 'bench',
    token,
    mode: 'polling',
    settings,
  });
  return (await ctx.repos.channels.get(view.id))!;
}

/** `count` private conversations (chat ids from `firstChat`) with one queued outgoing message each; returns message ids. */
async function queuedMessages(
  channelId: string,
  firstChat: number,
  count: number,
  priority: 'interactive' | 'bulk',
): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    with c as (
      insert into conversations (channel_id, chat_external_id, chat_kind)
      select ${channelId}::uuid, (${firstChat}::bigint + g)::text, 'private' from generate_series(0, ${count - 1}) g
      returning id)
    insert into messages (conversation_id, message_type, sender_type, content, delivery_status, priority)
    select id, 'outgoing', 'bot', ${TEXT}, 'queued', ${priority} from c
    returning id`.execute(ctx.db);
  return rows.map((r) => r.id);
}

/** Runs `task` over `items` with at most `concurrency` in flight; returns the wall time in ms. */
async function pool<T>(items: T[], concurrency: number, task: (item: T) => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await task(items[next++]!);
    }),
  );
  return performance.now() - started;
}

/** A gate that grants at once: "limits off" for (a), on our side as on the fake's. */
const OPEN_GATE: RateGate = { acquire: async () => new Date(), pause: async () => null };

/**
 * THE SEAM: a bulk queue through our outbound path, exactly what a broadcast runs (claims, adapter, Bot API calls, every
 * outcome and attempt recorded in Postgres). Everything else in this file is harness.
 */
function sendThroughOurPath(gate: RateGate, concurrency: number): (channelId: string) => Promise<void> {
  const sender = new BulkSender(
    ctx,
    new TelegramAdapters(app.services.channels, gate, () => null),
    undefined,
    {
      ...DEFAULT_BULK_SEND,
      concurrency,
    },
  );
  return async (channelId) => {
    await sender.drain(channelId);
  };
}

/** Checks that every message was recorded as sent with exactly one 'sent' attempt. */
async function recorded(ids: string[]): Promise<{ sent: number; attempts: number }> {
  const { rows } = await sql<{ sent: number; attempts: number }>`
    select (select count(*) from messages where id = any(${ids}::uuid[]) and delivery_status = 'sent')::int as sent,
      (select count(*) from delivery_attempts where message_id = any(${ids}::uuid[]) and outcome = 'sent')::int as attempts`.execute(
    ctx.db,
  );
  return rows[0]!;
}

const perSecond = (count: number, ms: number) => Math.round((count / ms) * 1000 * 10) / 10;

// ---- (a) limits off: our path versus a bare grammY loop ------------------------------------------------------------------
const warmup = Math.min(200, Math.max(10, Math.floor(N / 10)));
const ours = await newBot();
const oursChannel = await channelFor(ours.token);
const sendOurs = sendThroughOurPath(OPEN_GATE, CONCURRENCY);
const bare = await newBot();
const bareApi = new Api(bare.token, { apiRoot: tg.apiRoot });
const sendBare = (chatId: number) =>
  bareApi.sendMessage(chatId, TEXT, { parse_mode: 'HTML' }).then(() => undefined);
const adapterOnly = new TelegramAdapter(
  new Api((await newBot()).token, { apiRoot: tg.apiRoot }),
  OPEN_GATE,
  'x',
  null,
);
const sendAdapter = (chatId: number) =>
  adapterOnly.send({ chatExternalId: String(chatId), html: TEXT }).then(() => undefined);
const chats = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

await queuedMessages(oursChannel.id, 5_000_000, warmup, 'bulk');
await sendOurs(oursChannel.id);
await pool(chats(6_000_000, warmup), CONCURRENCY, sendBare);
await pool(chats(7_000_000, warmup), CONCURRENCY, sendAdapter);
// Rounds alternate the three paths and each keeps its best round: the fake (another process) and this one keep warming up
// for a while (JIT, connections), and a fixed order would flatter whichever path runs last.
let bareMs = Number.POSITIVE_INFINITY;
let adapterMs = Number.POSITIVE_INFINITY;
let oursMs = Number.POSITIVE_INFINITY;
const ourIds: string[] = [];
for (let round = 0; round < ROUNDS; round++) {
  bareMs = Math.min(bareMs, await pool(chats(2_000_000 + round * N, N), CONCURRENCY, sendBare));
  adapterMs = Math.min(adapterMs, await pool(chats(4_000_000 + round * N, N), CONCURRENCY, sendAdapter));
  const ids = await queuedMessages(oursChannel.id, 1_000_000 + round * N, N, 'bulk');
  ourIds.push(...ids);
  const oursStarted = performance.now();
  await sendOurs(oursChannel.id);
  oursMs = Math.min(oursMs, performance.now() - oursStarted);
}
const check = await recorded(ourIds);
if (check.sent !== N * ROUNDS || check.attempts !== N * ROUNDS)
  throw new Error(
    `our path recorded ${check.sent} sent messages and ${check.attempts} attempts, expected ${N * ROUNDS}`,
  );
const bareRate = perSecond(N, bareMs);
const adapterRate = perSecond(N, adapterMs);
const oursRate = perSecond(N, oursMs);
const ratio = Math.round((oursRate / bareRate) * 1000) / 10;
console.log(
  `(a) limits off, ${N} messages to ${N} private chats, concurrency ${CONCURRENCY}: bare grammY ${bareRate}/s, ` +
    `our path ${oursRate}/s (every outcome recorded) = ${ratio}% of bare (goal ≥ 80%); ` +
    `adapter alone (no database) ${adapterRate}/s = ${Math.round((adapterRate / bareRate) * 1000) / 10}%`,
);

// ---- (b) the fake enforcing 30/s: the real limiter ---------------------------------------------------------------------
const limitedBot = await newBot();
await rpc({ type: 'enforce', token: limitedBot.token, on: true });
const limitedChannel = await channelFor(limitedBot.token);
let pauses = 0;
// The policy the app uses (services/index.ts): TELEGRAM_RATE_HEADROOM_PERCENT spaces the slots.
const policy = { ...DEFAULT_RATE_POLICY, headroom: config.telegramRateHeadroomPercent / 100 };
const limiter = new TelegramLimiter(ctx.db, policy, { onPause: () => pauses++ });
// Lateness: how long after its slot each grant reached the sender (timers, a busy event loop; same machine, so one clock);
// the dispatch guard (limiter.dispatch) then keeps late ones from bunching.
const lateness: number[] = [];
const measured: RateGate = {
  acquire: async (req) => {
    const slot = await limiter.acquire(req);
    lateness.push(Date.now() - slot.getTime());
    return slot;
  },
  pause: (id, s) => limiter.pause(id, s),
  dispatch: (id, count, rate) => limiter.dispatch(id, count, rate),
};
const limitedIds = await queuedMessages(limitedChannel.id, 3_000_000, LIMITED, 'bulk');
// At least 32 senders, so the limiter always has waiters and the rate measured is the limiter's, not the harness's.
const limitedStarted = performance.now();
await sendThroughOurPath(measured, Math.max(CONCURRENCY, 32))(limitedChannel.id);
const limitedMs = performance.now() - limitedStarted;
limiter.stop();
const limitedCheck = await recorded(limitedIds);
const report = await rpc<{
  sent: Array<{ method: string; at: number }>;
  rejected: Array<{ limit: string; at: number }>;
}>({
  type: 'report',
  token: limitedBot.token,
});
const times = report.sent
  .filter((s) => s.method === 'sendMessage')
  .map((s) => s.at)
  .sort((x, y) => x - y);
// Steady window: without the first and last 5% of sends (start-up and the tail where fewer senders are left).
const cut = Math.floor(times.length * 0.05);
const steady = times.slice(cut, times.length - cut);
const steadyRate =
  steady.length > 1
    ? Math.round((((steady.length - 1) * 1000) / (steady.at(-1)! - steady[0]!)) * 100) / 100
    : Number.NaN;
const maxInSecond = maxInWindow(times, 1000);
const rejected = report.rejected;
const steadyRejected = rejected.filter(
  (r) => steady.length > 1 && r.at >= steady[0]! && r.at <= steady.at(-1)!,
);
const nominal = DEFAULT_RATE_POLICY.defaultPerSecond;
const byLimit: Record<string, number> = {};
for (const r of rejected) byLimit[r.limit] = (byLimit[r.limit] ?? 0) + 1;
const late = [...lateness].sort((x, y) => x - y);
const pct = (p: number) => late[Math.min(late.length - 1, Math.floor(late.length * p))] ?? Number.NaN;
const latenessMs = { p50: pct(0.5), p99: pct(0.99), max: late.at(-1) ?? Number.NaN };
console.log(
  `(b) fake enforcing ${nominal}/s, ${LIMITED} bulk messages to distinct chats through the limiter ` +
    `(headroom ${config.telegramRateHeadroomPercent}%): ` +
    `${steadyRate}/s over the steady window (${Math.round((steadyRate / nominal) * 1000) / 10}% of ${nominal}/s; goal ≥ 99%), ` +
    `at most ${maxInSecond} accepted in any second, ${rejected.length} 429s (${steadyRejected.length} in the steady window; goal 0; by limit ${JSON.stringify(byLimit)}), ` +
    `${pauses} pauses, ${limitedCheck.sent}/${LIMITED} recorded sent, ${perSecond(LIMITED, limitedMs)}/s wall clock; ` +
    `dispatch after slot p50 ${latenessMs.p50} ms, p99 ${latenessMs.p99} ms, max ${latenessMs.max} ms`,
);

const summary = {
  when: new Date().toISOString(),
  machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version },
  limitsOff: {
    messages: N,
    concurrency: CONCURRENCY,
    bareGrammyPerSecond: bareRate,
    ourPathPerSecond: oursRate,
    ratioPercent: ratio,
    adapterAlonePerSecond: adapterRate,
    note: 'our path = BulkSender.drain (batched claims, write-behind outcomes) with the limiter bypassed; fake Bot API in a child process',
  },
  limited: {
    messages: LIMITED,
    nominalPerSecond: nominal,
    headroomPercent: config.telegramRateHeadroomPercent,
    steadyPerSecond: steadyRate,
    maxInAnySecond: maxInSecond,
    rejected429: rejected.length,
    rejected429Steady: steadyRejected.length,
    rejected429ByLimit: byLimit,
    pauses,
    recordedSent: limitedCheck.sent,
    dispatchAfterSlotMs: latenessMs,
  },
};
await mkdir(path.join(ROOT, 'bench/results'), { recursive: true });
await writeFile(path.join(ROOT, 'bench/results/telegram-send.json'), `${JSON.stringify(summary, null, 2)}\n`);
await app.stop();
await rpc({ type: 'stop' });
await rm(dataDir, { recursive: true, force: true });
