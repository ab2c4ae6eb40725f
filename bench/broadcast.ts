import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Api } from 'grammy';
import { sql } from 'kysely';
import type { RateGate } from '../server/src/channels/telegram/telegram.adapter.ts';
import { DEFAULT_RATE_POLICY } from '../server/src/channels/telegram/telegram.limiter.ts';
import {
  BroadcastDeliveryManager,
  DEFAULT_BROADCAST_DELIVERY,
} from '../server/src/services/broadcast-delivery.ts';
import { inTransaction } from '../server/src/services/context.ts';
import { TelegramAdapters } from '../server/src/services/outbound.adapters.ts';
import type { FilterGroup } from '../server/src/services/segments/filter.ts';
import { maxInWindow } from '../server/test/support/max-in-window.ts';
import { startBenchApp } from './support/bench-app.ts';
import { startFakeProcess } from './support/fake-process.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    contacts: { type: 'string', default: '1000000' },
    audience: { type: 'string', default: '20000' },
    limited: { type: 'string', default: '900' },
    rounds: { type: 'string', default: '3' },
    'off-path': { type: 'string', default: 'direct' },
    'support-chats': { type: 'string', default: '8' },
    'reply-every': { type: 'string', default: '500' },
    // The delivery manager's claim batch and outcome backlog for the limits-off rounds (defaults: the shipped options).
    'batch-size': { type: 'string' },
    'max-backlog': { type: 'string' },
    // Stop after part 1 (the snapshot): a quicker A/B of the snapshot alone.
    'snapshot-only': { type: 'boolean', default: false },
  },
});
const AUDIENCE = Number(args.audience);
const LIMITED = Number(args.limited);
const SUPPORT = Number(args['support-chats']);
const CONTACTS = Math.max(Number(args.contacts), AUDIENCE + LIMITED + SUPPORT);
const ROUNDS = Number(args.rounds);
const OFF_PATH = args['off-path'];
const REPLY_EVERY = Number(args['reply-every']);
if (OFF_PATH !== 'direct' && OFF_PATH !== 'job') throw new Error('--off-path is direct or job');
const WARMUP = Math.min(200, Math.max(10, Math.floor(AUDIENCE / 10)));
const CONCURRENCY = DEFAULT_BROADCAST_DELIVERY.concurrency;
const DELIVERY = {
  ...DEFAULT_BROADCAST_DELIVERY,
  ...(args['batch-size'] ? { batchSize: Number(args['batch-size']) } : {}),
  ...(args['max-backlog'] ? { maxBacklog: Number(args['max-backlog']) } : {}),
};
/** Our broadcasts' message: Liquid rendered per recipient (Telegram HTML). The bare loop sends one such rendering. */
const CONTENT =
  'Hello, {{ contact.firstName | default: "friend" }}! Our <b>spring</b> newsletter is out: new courses and a 10% discount this week.';
const BARE_TEXT =
  'Hello, Name12345! Our <b>spring</b> newsletter is out: new courses and a 10% discount this week.';
const SYSTEM = { type: 'system' as const, id: null, name: 'bench' };
// Chat ids per bot, so every identity is distinct and the fake's records tell the parts apart.
const CHAT = { snapshot: 10_000_000, off: 20_000_000, limited: 30_000_000, bare: 40_000_000 };

const round1 = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
const perSecond = (count: number, ms: number) => round1((count / ms) * 1000);
const percentile = (xs: number[], p: number) => {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

/** Peak RSS of this process, sampled every 100 ms between start and stop. */
function rssSampler() {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 100);
  return {
    stop(): number {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage.rss());
    },
  };
}
const mb = (bytes: number) => round1(bytes / 2 ** 20);

/** CPU ms of this process (user + system). */
const ownCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
/** utime + stime (+ reaped children's when `children`) of a process, in ms, from /proc (Linux; NaN elsewhere). */
function procCpuMs(pid: number, children = false): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    const ticks = Number(f[11]) + Number(f[12]) + (children ? Number(f[13]) + Number(f[14]) : 0);
    return ticks * 10;
  } catch {
    return Number.NaN;
  }
}
/** WAL bytes written so far and transactions committed so far in this database: the database's work, counted not timed. */
async function pgWork(): Promise<{ wal: number; commits: number }> {
  const { rows } = await sql<{ wal: string; commits: string }>`
    select pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')::text as wal,
      (select xact_commit from pg_stat_database where datname = current_database())::text as commits`.execute(
    db,
  );
  return { wal: Number(rows[0]!.wal), commits: Number(rows[0]!.commits) };
}

/**
 * CPU ms used so far by the whole PostgreSQL cluster: the postmaster with its reaped children, plus every live child
 * (backends, WAL writer, checkpointer). Differences of it say what a phase cost the database, whatever else the machine runs.
 */
async function pgCpuMs(): Promise<number> {
  const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db);
  let postmaster: number;
  try {
    postmaster = Number(readFileSync(`/proc/${rows[0]!.pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
  } catch {
    return Number.NaN;
  }
  let total = procCpuMs(postmaster, true);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const f = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]!.split(' ');
      if (Number(f[1]) === postmaster) total += (Number(f[11]) + Number(f[12])) * 10;
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

// ---- harness: the fake Bot API in its own process, the app --------------------------------------------------------------
const fakeProcess = await startFakeProcess();
const { rpc } = fakeProcess;
const tg = { apiRoot: fakeProcess.apiRoot };
type FakeReport = {
  sent: Array<{ method: string; chatId: number | string | null; at: number }>;
  rejected: Array<{ limit: string; chatId: number | string | null; at: number }>;
};
const bench = await startBenchApp({
  telegramApiRoot: tg.apiRoot,
  env: {
    API_RATE_LIMIT_PER_MINUTE: '1000000',
    ...(process.env.TELEGRAM_RATE_HEADROOM_PERCENT
      ? { TELEGRAM_RATE_HEADROOM_PERCENT: process.env.TELEGRAM_RATE_HEADROOM_PERCENT }
      : {}),
  },
});
const { app } = bench;
const { ctx } = app.services;
const db = ctx.db;

async function newBot() {
  const id = 9_100_000_000 + Math.floor(Math.random() * 1e8);
  const token = `${id}:AA${randomBytes(26).toString('base64url').slice(0, 33)}`;
  await rpc({ type: 'addBot', info: { token, id, username: `bcast${id}_bot`, firstName: 'Bench' } });
  return token;
}

async function channelFor(token: string, name: string, settings: Record<string, unknown> = {}) {
  const view = await app.services.channels.create(SYSTEM, {
    type: 'telegram',
    name,
    token,
    mode: 'webhook',
    settings,
  });
  return view.id;
}

async function api<T = Record<string, unknown>>(
  method: string,
  url: string,
  token: string,
  body?: unknown,
): Promise<{ status: number; json: T }> {
  const res = await fetch(`${app.address}${url}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : null) as T };
}

type BroadcastView = {
  id: string;
  status: string;
  stats: Record<string, number>;
  statusReason?: string | null;
};
async function newBroadcast(owner: string, title: string, channelId: string, filter: FilterGroup) {
  const r = await api<BroadcastView>('POST', '/api/v1/broadcasts', owner, {
    title,
    channelId,
    filter,
    content: CONTENT,
  });
  if (r.status !== 201) throw new Error(`create broadcast answered ${r.status}: ${JSON.stringify(r.json)}`);
  return r.json.id;
}
async function sendNow(owner: string, id: string): Promise<BroadcastView> {
  const r = await api<BroadcastView>('POST', `/api/v1/broadcasts/${id}/send-now`, owner);
  if (r.status !== 200) throw new Error(`send-now answered ${r.status}: ${JSON.stringify(r.json)}`);
  return r.json;
}
/** Polls the row (not the API) until the broadcast leaves `sending`. */
async function until(id: string, done: (b: { status: string; stats: Record<string, number> }) => boolean) {
  for (;;) {
    const b = (await ctx.repos.broadcasts.get(id))!;
    if (done(b)) return b;
    await sleep(20);
  }
}

const tagged = (tag: string): FilterGroup => ({
  op: 'and',
  conditions: [{ type: 'field', field: 'tags', op: 'has_any', value: [tag] }],
});
const EVERYONE: FilterGroup = {
  op: 'and',
  conditions: [{ type: 'field', field: 'createdAt', op: 'exists' }],
};

try {
  const owner = (await bench.userToken('owner')).token;
  const agent = await bench.userToken('agent');
  const snapshotChannel = await channelFor(await newBot(), 'bench snapshot');
  const offToken = await newBot();
  const offChannel = await channelFor(
    offToken,
    'bench limits off',
    OFF_PATH === 'job' ? { paidBroadcasts: true, rateLimitPerSecond: 1000 } : {},
  );
  const limitedToken = await newBot();
  await rpc({ type: 'enforce', token: limitedToken, on: true });
  const limitedChannel = await channelFor(limitedToken, 'bench limited');
  await sql`insert into channel_members (channel_id, user_id) values (${limitedChannel}, ${agent.id})`.execute(
    db,
  );

  // ---- data: CONTACTS contacts, set-based --------------------------------------------------------------------------------
  // g ≤ AUDIENCE: part 2's audience (the first WARMUP also the warm-up's); then LIMITED for part 3, SUPPORT for the replies;
  // all of those subscribed and reachable. Beyond them: 5% unsubscribed, 2% blocked, 4% with an unreachable identity.
  const clean = AUDIENCE + LIMITED + SUPPORT;
  let t = performance.now();
  await sql`insert into contacts (external_id, first_name, name, language, timezone, subscribed, blocked, tags, source)
    select 'bench-' || g, 'Name' || g, 'Name' || g || ' Bench', case when g % 4 = 0 then 'en' else 'ru' end,
      (array['Europe/Moscow', 'Asia/Yekaterinburg', 'Europe/Berlin', null])[1 + g % 4],
      not (g > ${clean}::int and g % 20 = 0), g > ${clean}::int and g % 50 = 7,
      case when g <= ${WARMUP}::int then '{bench_warm,bench_off}'::text[]
        when g <= ${AUDIENCE}::int then '{bench_off}'
        when g <= ${AUDIENCE + LIMITED}::int then '{bench_limited}'
        when g <= ${clean}::int then '{bench_support}' else '{}' end,
      'import'
    from generate_series(1, ${CONTACTS}::int) g`.execute(db);
  // One identity per contact on the snapshot bot; part 2's and part 3's audiences also have one on their bots.
  await sql`insert into contact_channels (contact_id, channel_id, external_id, reachable, last_seen_at)
    select id, ${snapshotChannel}::uuid, (${CHAT.snapshot}::bigint + n)::text, not (n > ${clean}::int and n % 25 = 3), now()
    from (select id, substr(external_id, 7)::int as n from contacts where external_id like 'bench-%') c`.execute(
    db,
  );
  await sql`insert into contact_channels (contact_id, channel_id, external_id, reachable, last_seen_at)
    select id, ${offChannel}::uuid, (${CHAT.off}::bigint + substr(external_id, 7)::int)::text, true, now()
    from contacts where tags @> '{bench_off}'`.execute(db);
  await sql`insert into contact_channels (contact_id, channel_id, external_id, reachable, last_seen_at)
    select id, ${limitedChannel}::uuid, (${CHAT.limited}::bigint + substr(external_id, 7)::int)::text, true, now()
    from contacts where tags && '{bench_limited,bench_support}'`.execute(db);
  const { rows: supportRows } = await sql<{ id: string; chat: string }>`
    insert into conversations (channel_id, contact_id, chat_external_id, chat_kind, status)
    select ${limitedChannel}::uuid, id, (${CHAT.limited}::bigint + substr(external_id, 7)::int)::text, 'private', 'open'
    from contacts where tags @> '{bench_support}'
    returning id, chat_external_id as chat`.execute(db);
  // As autovacuum would after a bulk load: planner statistics and the visibility map.
  await sql`vacuum analyze`.execute(db);
  const generateMs = performance.now() - t;
  console.log(
    `generated ${CONTACTS} contacts with ${CONTACTS + AUDIENCE + LIMITED + SUPPORT} identities in ${round1(generateMs / 1000)} s`,
  );

  // ---- 1. snapshot --------------------------------------------------------------------------------------------------------
  // The owner paused the channel: the delivery job finds it paused and only re-queues itself (nothing is sent).
  await sql`update channels set status = 'paused' where id = ${snapshotChannel}`.execute(db);
  const snapshotId = await newBroadcast(owner, 'bench snapshot', snapshotChannel, EVERYONE);
  const snapRss = rssSampler();
  t = performance.now();
  const snap = await sendNow(owner, snapshotId);
  const snapshotMs = performance.now() - t;
  const snapshotRss = snapRss.stop();
  const { rows: snapCount } = await sql<{ n: number }>`
    select count(*)::int as n from broadcast_deliveries where broadcast_id = ${snapshotId}`.execute(db);
  const skipped = Object.fromEntries(
    Object.entries(snap.stats).filter(([k, v]) => k.startsWith('skipped_') && v > 0),
  );
  console.log(
    `1. snapshot: ${snapCount[0]!.n} delivery rows (${snap.stats.pending} pending, ${snap.stats.skipped} skipped ` +
      `${JSON.stringify(skipped)}) of ${CONTACTS} contacts in ${round1(snapshotMs / 1000, 2)} s from send-now to its answer ` +
      `(transaction committed, status ${snap.status}) (goal < 10 s); peak RSS ${mb(snapshotRss)} MB`,
  );
  t = performance.now();
  const cancelled = await api<BroadcastView>('POST', `/api/v1/broadcasts/${snapshotId}/cancel`, owner);
  const cancelMs = performance.now() - t;
  if (cancelled.status !== 200) throw new Error(`cancel answered ${cancelled.status}`);
  if (args['snapshot-only']) {
    await bench.stop();
    await rpc({ type: 'stop' });
    process.exit(0);
  }

  // ---- 2 + 4. limits off: ours versus a bare grammY loop ---------------------------------------------------------------------
  const OPEN_GATE: RateGate = { acquire: async () => new Date(), pause: async () => null };
  const openManager = new BroadcastDeliveryManager(
    ctx,
    new TelegramAdapters(app.services.channels, OPEN_GATE, () => null),
    app.services.templates,
    DELIVERY,
  );
  /** Fixes the recipients like sendNow (same repository calls, one transaction) but queues no job. */
  const startWithoutJob = (id: string, filter: FilterGroup) =>
    inTransaction(ctx, async (r) => {
      const b = await r.broadcasts.transition(id, ['draft'], 'sending', {
        startedAt: 'now',
        statusReason: null,
      });
      if (!b) throw new Error(`broadcast ${id} is not a draft`);
      const stats = await r.broadcasts.snapshot(b, filter, {
        startAt: new Date(),
        defaultTimezone: 'UTC',
        localTime: null,
        quietHours: null,
      });
      await r.broadcasts.setStats(id, stats);
      return stats;
    });
  /** One broadcast through our path; returns the ms from the start of sending to completion, and the rows sent. */
  const sendOurs = async (tag: string): Promise<{ ms: number; sent: number; pending: number }> => {
    const id = await newBroadcast(owner, `bench off ${tag}`, offChannel, tagged(tag));
    let pending: number;
    let ms: number;
    if (OFF_PATH === 'direct') {
      pending = (await startWithoutJob(id, tagged(tag))).pending ?? 0;
      const started = performance.now();
      await openManager.run(id);
      ms = performance.now() - started;
    } else {
      const started0 = await sendNow(owner, id);
      pending = started0.stats.pending ?? 0;
      const started = performance.now();
      await until(id, (b) => b.status !== 'sending');
      ms = performance.now() - started;
    }
    const b = (await ctx.repos.broadcasts.get(id))!;
    if (b.status !== 'completed' || b.stats.sent !== pending)
      throw new Error(
        `limits-off broadcast ended ${b.status} with ${JSON.stringify(b.stats)}; expected ${pending} sent; ` +
          `failures: ${JSON.stringify(await ctx.repos.broadcasts.failedReasons(id))}`,
      );
    return { ms, sent: b.stats.sent ?? 0, pending };
  };
  const bareApi = new Api(await newBot(), { apiRoot: tg.apiRoot });
  const bareRound = async (from: number, count: number) => {
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: Math.min(CONCURRENCY, count) }, async () => {
        while (next < count)
          await bareApi.sendMessage(from + next++, BARE_TEXT, { parse_mode: 'HTML' }).then(() => undefined);
      }),
    );
    return performance.now() - started;
  };

  const baselineRss = process.memoryUsage.rss();
  await sendOurs('bench_warm');
  await bareRound(CHAT.bare, WARMUP);
  let bareMs = Number.POSITIVE_INFINITY;
  let oursMs = Number.POSITIVE_INFINITY;
  let oursSent = 0;
  let offPeakRss = 0;
  // CPU per message, this process and PostgreSQL, summed over the rounds: less sensitive to a busy machine than the rates.
  const cpu = { bareOwn: 0, barePg: 0, oursOwn: 0, oursPg: 0, oursWal: 0, oursCommits: 0 };
  for (let r = 0; r < ROUNDS; r++) {
    let own = ownCpuMs();
    let pg = await pgCpuMs();
    bareMs = Math.min(bareMs, await bareRound(CHAT.bare + (r + 1) * AUDIENCE, AUDIENCE));
    cpu.bareOwn += ownCpuMs() - own;
    cpu.barePg += (await pgCpuMs()) - pg;
    const sampler = rssSampler();
    own = ownCpuMs();
    pg = await pgCpuMs();
    const work = await pgWork();
    const ours = await sendOurs('bench_off');
    cpu.oursOwn += ownCpuMs() - own;
    cpu.oursPg += (await pgCpuMs()) - pg;
    // Commits are reported to the statistics at most once a second: let the last ones arrive.
    await sleep(1100);
    const after = await pgWork();
    cpu.oursWal += after.wal - work.wal;
    cpu.oursCommits += after.commits - work.commits;
    offPeakRss = Math.max(offPeakRss, sampler.stop());
    oursMs = Math.min(oursMs, ours.ms);
    oursSent = ours.sent;
  }
  const perMessage = (ms: number) => round1((ms * 1000) / (ROUNDS * AUDIENCE));
  const cpuPerMessage = {
    bareAppUs: perMessage(cpu.bareOwn),
    barePostgresUs: perMessage(cpu.barePg),
    oursAppUs: perMessage(cpu.oursOwn),
    oursPostgresUs: perMessage(cpu.oursPg),
    oursWalBytes: Math.round(cpu.oursWal / (ROUNDS * AUDIENCE)),
    oursCommits: round1(cpu.oursCommits / (ROUNDS * AUDIENCE), 3),
  };
  const offReport = await rpc<FakeReport>({ type: 'report', token: offToken });
  const offAccepted = offReport.sent.filter((s) => s.method === 'sendMessage').length;
  const expectedOff = WARMUP + ROUNDS * AUDIENCE;
  if (offAccepted !== expectedOff)
    throw new Error(`the fake accepted ${offAccepted} messages from our bot, expected ${expectedOff}`);
  const bareRate = perSecond(AUDIENCE, bareMs);
  const oursRate = perSecond(oursSent, oursMs);
  const ratio = round1((oursRate / bareRate) * 100);
  const offHow =
    OFF_PATH === 'direct'
      ? 'BroadcastDeliveryManager.run called in this process, limiter bypassed by an open RateGate through TelegramAdapters'
      : "send-now → the worker's broadcasts.deliver job, real limiter, channel paidBroadcasts: true, rateLimitPerSecond 1000 (caps the rate at 1000/s)";
  console.log(
    `2. limits off, ${AUDIENCE} recipients, concurrency ${CONCURRENCY}, best of ${ROUNDS} alternating rounds: ` +
      `bare grammY ${bareRate}/s, ours ${oursRate}/s = ${ratio}% of bare (goal ≥ 80%) [${offHow}; ` +
      `every outcome recorded, ${offAccepted} accepted by the fake = warm-up + rounds × audience]`,
  );
  // Claims write only columns no index covers, so they should be HOT updates (no index entries): the share says whether they are.
  const { rows: hot } = await sql<{
    upd: string;
    hot: string;
  }>`select n_tup_upd::text as upd, n_tup_hot_upd::text as hot
    from pg_stat_user_tables where relname = 'broadcast_deliveries'`.execute(db);
  const hotShare = round1((Number(hot[0]?.hot ?? 0) / Math.max(1, Number(hot[0]?.upd ?? 0))) * 100);
  console.log(
    `2b. CPU per message (µs, the fake's not counted): bare loop ${cpuPerMessage.bareAppUs} in this process + ` +
      `${cpuPerMessage.barePostgresUs} in PostgreSQL; ours ${cpuPerMessage.oursAppUs} + ${cpuPerMessage.oursPostgresUs} ` +
      `; ours per message ${cpuPerMessage.oursWalBytes} bytes of WAL and ${cpuPerMessage.oursCommits} commits ` +
      `(${hotShare}% of the delivery rows' updates so far were HOT) [batch ${DELIVERY.batchSize}, backlog ${DELIVERY.maxBacklog}]`,
  );
  console.log(
    `4. peak RSS during the limits-off sends (ours, sampled every 100 ms): ${mb(offPeakRss)} MB ` +
      `(before them ${mb(baselineRss)} MB) (goal < 300 MB)`,
  );

  // ---- 3 + 5. the fake enforcing 30/s, support replies meanwhile ---------------------------------------------------------
  const limitedId = await newBroadcast(owner, 'bench limited', limitedChannel, tagged('bench_limited'));
  const limitedRss = rssSampler();
  const limitedStarted = await sendNow(owner, limitedId);
  const limitedT0 = performance.now();
  const replies: Array<{ chat: string; postedAt: number; id: string | null; status: number }> = [];
  let stopReplies = false;
  const replyLoop = (async () => {
    for (let i = 0; !stopReplies; i++) {
      const conv = supportRows[i % supportRows.length]!;
      const postedAt = Date.now();
      const r = await api<{ id: string }>('POST', `/api/v1/conversations/${conv.id}/messages`, agent.token, {
        content: `Support reply ${i}: we have looked at your order.`,
      });
      replies.push({ chat: conv.chat, postedAt, id: r.json?.id ?? null, status: r.status });
      await sleep(Math.max(0, postedAt + REPLY_EVERY - Date.now()));
    }
  })();
  // Replies are posted while the broadcast still has rows to claim (the limiter then has bulk waiters all the time).
  await until(limitedId, (b) => b.status !== 'sending' || (b.stats.pending ?? 0) === 0);
  stopReplies = true;
  await replyLoop;
  const limitedDone = await until(limitedId, (b) => b.status !== 'sending');
  const limitedMs = performance.now() - limitedT0;
  const limitedPeakRss = limitedRss.stop();
  const replyIds = replies.map((r) => r.id).filter((id): id is string => id !== null);
  for (let waited = 0; ; waited += 100) {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from messages
      where id = any(${replyIds}::uuid[]) and delivery_status in ('sent', 'failed')`.execute(db);
    if (rows[0]!.n === replyIds.length || waited > 30_000) break;
    await sleep(100);
  }
  const { rows: replyStates } = await sql<{ status: string; n: number }>`select delivery_status as status,
    count(*)::int as n from messages where id = any(${replyIds}::uuid[]) group by 1`.execute(db);
  const limitedReport = await rpc<FakeReport>({ type: 'report', token: limitedToken });
  const supportChats = new Set(supportRows.map((s) => s.chat));
  const sends = limitedReport.sent.filter((s) => s.method === 'sendMessage');
  const all = sends.map((s) => s.at).sort((a, b) => a - b);
  const bulk = sends
    .filter((s) => !supportChats.has(String(s.chatId)))
    .map((s) => s.at)
    .sort((a, b) => a - b);
  // Steady window: without the first and last 5% of the broadcast's sends (start-up, and the tail with fewer senders).
  const cut = Math.floor(bulk.length * 0.05);
  const steady = bulk.slice(cut, bulk.length - cut);
  const from = steady[0] ?? 0;
  const to = steady.at(-1) ?? 0;
  const inWindow = all.filter((x) => x >= from && x <= to).length;
  const steadyRate = to > from ? round1(((inWindow - 1) * 1000) / (to - from), 2) : Number.NaN;
  const steadyBulkRate = to > from ? round1(((steady.length - 1) * 1000) / (to - from), 2) : Number.NaN;
  const maxInSecond = maxInWindow(all, 1000);
  const rejected = limitedReport.rejected;
  const steadyRejected = rejected.filter((r) => r.at >= from && r.at <= to).length;
  const byLimit: Record<string, number> = {};
  for (const r of rejected) byLimit[r.limit] = (byLimit[r.limit] ?? 0) + 1;
  const nominal = DEFAULT_RATE_POLICY.defaultPerSecond;
  console.log(
    `3. fake enforcing ${nominal}/s, ${limitedStarted.stats.pending} recipients via send-now and the worker's broadcasts.deliver job ` +
      `(real limiter, headroom ${app.config.telegramRateHeadroomPercent}%): ${steadyRate}/s accepted over the steady window, ` +
      `replies included (${round1((steadyRate / nominal) * 100)}% of ${nominal}/s; goal ≥ 99%; the broadcast alone ${steadyBulkRate}/s), ` +
      `at most ${maxInSecond} in any second, ${rejected.length} 429s (${steadyRejected} in the steady window; goal 0; ` +
      `${JSON.stringify(byLimit)}); ended ${limitedDone.status}, ${limitedDone.stats.sent} sent, ${round1(limitedMs / 1000)} s wall clock`,
  );

  // Reply latency: per chat, the j-th reply posted is matched with the j-th message the fake accepted in that chat.
  const acceptedByChat = new Map<string, number[]>();
  for (const s of sends) {
    const chat = String(s.chatId);
    if (!supportChats.has(chat)) continue;
    acceptedByChat.set(chat, [...(acceptedByChat.get(chat) ?? []), s.at]);
  }
  const postedByChat = new Map<string, number[]>();
  for (const r of replies)
    if (r.status === 201) postedByChat.set(r.chat, [...(postedByChat.get(r.chat) ?? []), r.postedAt]);
  const latencies: number[] = [];
  let unmatched = 0;
  for (const [chat, posted] of postedByChat) {
    const accepted = (acceptedByChat.get(chat) ?? []).sort((a, b) => a - b);
    posted.forEach((p, j) => {
      if (accepted[j] === undefined) unmatched++;
      else latencies.push(accepted[j]! - p);
    });
  }
  const replyP50 = percentile(latencies, 50);
  const replyP99 = percentile(latencies, 99);
  const replyMax = latencies.length ? Math.max(...latencies) : Number.NaN;
  const notCreated = replies.filter((r) => r.status !== 201).length;
  console.log(
    `5. support replies during the limited broadcast: ${replies.length} posted every ${REPLY_EVERY} ms over ${supportRows.length} ` +
      `conversations (${notCreated} not 201), POST → accepted by the fake: p50 ${replyP50} ms, p99 ${replyP99} ms, ` +
      `max ${replyMax} ms (goal p99 < 2000 ms); ${unmatched} not accepted; delivery status ${JSON.stringify(Object.fromEntries(replyStates.map((s) => [s.status, s.n])))}; ` +
      `peak RSS during part 3 ${mb(limitedPeakRss)} MB`,
  );

  const summary = {
    when: new Date().toISOString(),
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version },
    contacts: CONTACTS,
    generateSeconds: round1(generateMs / 1000),
    snapshot: {
      audience: 'every contact (filter createdAt exists); unsubscribed, blocked and unreachable ones skipped',
      rows: snap.stats.total,
      pending: snap.stats.pending,
      skipped,
      seconds: round1(snapshotMs / 1000, 2),
      goalSeconds: 10,
      peakRssMb: mb(snapshotRss),
      cancelSeconds: round1(cancelMs / 1000, 2),
      note: 'POST send-now until its answer (after the commit of: status sending, delivery rows, counters, job queued)',
    },
    limitsOff: {
      recipients: AUDIENCE,
      concurrency: CONCURRENCY,
      rounds: ROUNDS,
      path: OFF_PATH,
      how: offHow,
      bareGrammyPerSecond: bareRate,
      oursPerSecond: oursRate,
      ratioPercent: ratio,
      goalPercent: 80,
      batchSize: DELIVERY.batchSize,
      maxBacklog: DELIVERY.maxBacklog,
      cpuPerMessageUs: cpuPerMessage,
      hotUpdatePercent: hotShare,
    },
    rss: {
      peakDuringLimitsOffMb: mb(offPeakRss),
      beforeLimitsOffMb: mb(baselineRss),
      peakDuringSnapshotMb: mb(snapshotRss),
      peakDuringLimitedMb: mb(limitedPeakRss),
      goalMb: 300,
    },
    limited: {
      recipients: limitedStarted.stats.pending,
      nominalPerSecond: nominal,
      headroomPercent: app.config.telegramRateHeadroomPercent,
      steadyPerSecond: steadyRate,
      steadyBroadcastOnlyPerSecond: steadyBulkRate,
      maxInAnySecond: maxInSecond,
      rejected429: rejected.length,
      rejected429Steady: steadyRejected,
      rejected429ByLimit: byLimit,
      status: limitedDone.status,
      sent: limitedDone.stats.sent,
      wallSeconds: round1(limitedMs / 1000),
    },
    supportReplies: {
      posted: replies.length,
      everyMs: REPLY_EVERY,
      conversations: supportRows.length,
      notCreated,
      unmatched,
      p50Ms: replyP50,
      p99Ms: replyP99,
      maxMs: replyMax,
      goalP99Ms: 2000,
      note: 'from just before POST /api/v1/conversations/:id/messages to the fake accepting the sendMessage',
    },
  };
  await mkdir(path.join(ROOT, 'bench/results'), { recursive: true });
  await writeFile(path.join(ROOT, 'bench/results/broadcast.json'), `${JSON.stringify(summary, null, 2)}\n`);
} finally {
  await bench.stop();
  await rpc({ type: 'stop' });
}
