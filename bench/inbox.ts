// Inbox realtime and list latency.
// Run: npm run bench:inbox -- [--rate 500] [--seconds 10] [--people 1000] [--conversations 100000] [--messages 1000000]
//      [--list-requests 300] [--skip-list] [--warm-up]
// Uses DATABASE_URL if set, else a temporary embedded PostgreSQL. Part 1 posts Telegram updates to the webhook at a steady
// rate from many people (up to 100 requests in flight, like Telegram's max_connections) while a WebSocket client (an admin
// in room `conversations`) listens; it prints the sustained rate and the latency from the webhook request to the
// `message.created` event at the client (p50, p99). Part 2 generates conversations and messages set-based in SQL and
// times GET /api/v1/conversations (first page, as an admin and as an agent with channel membership). Writes
// bench/results/inbox.json.
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import WebSocket from 'ws';
import { textUpdate, tgUser } from '../server/test/telegram/receiving.helpers.ts';
import { startBenchApp } from './support/bench-app.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    rate: { type: 'string', default: '500' },
    seconds: { type: 'string', default: '10' },
    people: { type: 'string', default: '1000' },
    conversations: { type: 'string', default: '100000' },
    messages: { type: 'string', default: '1000000' },
    'list-requests': { type: 'string', default: '300' },
    'skip-list': { type: 'boolean', default: false },
    'warm-up': { type: 'boolean', default: false },
  },
});
const RATE = Number(args.rate);
const SECONDS = Number(args.seconds);
const N = Math.round(RATE * SECONDS);
const PEOPLE = Array.from({ length: Number(args.people) }, () => tgUser());
const IN_FLIGHT = 100;

// Every statement this process sends (the app, its job runner and the realtime listener share the pg module): part 1
// divides the count by the updates posted, the cost figure the receive path is tuned by.
let statements = 0;
const clientQuery = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  statements += 1;
  return (clientQuery as (...a: unknown[]) => unknown).apply(this, args);
} as typeof clientQuery;

const bench = await startBenchApp();
const { app, tg } = bench;
const { ctx } = app.services;
const SYSTEM = { type: 'system' as const, id: null, name: 'bench' };

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
const round = (ms: number) => Math.round(ms * 100) / 100;
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: round(percentile(s, 50)), p99: round(percentile(s, 99)), max: round(s.at(-1) ?? Number.NaN) };
};

// ── Part 1: webhook → message.created at a WebSocket client ────────────────────────────────────────────────────────
const id = 9_000_000_000 + Math.floor(Math.random() * 1e8);
const botToken = `${id}:AA${randomBytes(26).toString('base64url').slice(0, 33)}`;
tg.addBot({ token: botToken, id, username: `bench${id}_bot`, firstName: 'Bench' });
const hook = await app.services.channels.create(SYSTEM, {
  type: 'telegram',
  name: 'hook',
  token: botToken,
  mode: 'webhook',
});
const secret = ctx.secretBox.open(hook.webhookSecretSealed!);
const admin = await bench.userToken('admin');

const ws = new WebSocket(`${app.address!.replace(/^http/, 'ws')}/api/v1/realtime?token=${admin.token}`);
await new Promise<void>((resolve, reject) => {
  ws.on('message', (raw) => {
    const m = JSON.parse(String(raw));
    if (m.type === 'ready') ws.send(JSON.stringify({ type: 'join', room: 'conversations' }));
    if (m.type === 'joined') resolve();
  });
  ws.once('error', reject);
});

const sentAt = new Map<number, number>();
const latencies: number[] = [];
let lastReceivedAt = 0;
ws.on('message', (raw) => {
  const m = JSON.parse(String(raw));
  if (m.type !== 'event' || m.event !== 'message.created') return;
  const match = /^bench (\d+)$/.exec(m.data?.message?.content ?? '');
  const sent = match ? sentAt.get(Number(match[1])) : undefined;
  if (sent === undefined) return;
  lastReceivedAt = performance.now();
  latencies.push(lastReceivedAt - sent);
});

let failures = 0;
let inFlight = 0;
let skipped = 0;
async function post(i: number): Promise<void> {
  inFlight += 1;
  sentAt.set(i, performance.now());
  try {
    const res = await fetch(`${app.address}/webhooks/telegram/${hook.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
      body: JSON.stringify(textUpdate(PEOPLE[i % PEOPLE.length]!, `bench ${i}`)),
    });
    await res.arrayBuffer();
    if (res.status !== 200) failures += 1;
  } catch {
    failures += 1;
  } finally {
    inFlight -= 1;
  }
}

// --warm-up: every person writes once before the measured run and the jobs that follows (auto-replies, assignment) are
// left to finish, so the run measures known people in ongoing conversations, the common case.
if (args['warm-up']) {
  const warm = PEOPLE.map((person, k) => textUpdate(person, `warm-up ${k}`));
  for (let k = 0; k < warm.length; k += IN_FLIGHT)
    await Promise.all(
      warm.slice(k, k + IN_FLIGHT).map((update) =>
        fetch(`${app.address}/webhooks/telegram/${hook.id}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
          body: JSON.stringify(update),
        }).then((res) => res.arrayBuffer()),
      ),
    );
  const settled = performance.now() + 120_000;
  for (;;) {
    const { rows } = await sql<{ n: number }>`
      select (select count(*) from telegram_updates where processed_at is null)
           + (select count(*) from graphile_worker.jobs where task_identifier not like '%sweep%'
                and task_identifier not like '%prune%' and run_at < now() + interval '1 minute') as n`.execute(
      ctx.db,
    );
    if (Number(rows[0]!.n) === 0 || performance.now() > settled) break;
    await new Promise((r) => setTimeout(r, 200));
  }
}

// A steady schedule: update i is due at i / RATE seconds; a tick every 5 ms sends whatever is due.
const statementsBefore = statements;
const start = performance.now();
let next = 0;
await new Promise<void>((resolve) => {
  const tick = setInterval(() => {
    const due = Math.min(N, Math.floor(((performance.now() - start) / 1000) * RATE) + 1);
    while (next < due) {
      // Telegram holds at most max_connections requests open per bot; beyond that it waits, so do we (counted).
      if (inFlight >= IN_FLIGHT) {
        skipped += 1;
        break;
      }
      void post(next++);
    }
    if (next >= N) {
      clearInterval(tick);
      resolve();
    }
  }, 5);
});
const sendSeconds = (performance.now() - start) / 1000;
const deadline = performance.now() + 30_000;
while (latencies.length < N && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
ws.close();
const statementsPerUpdate = round((statements - statementsBefore) / Math.max(1, latencies.length));

const realtime = {
  targetPerSecond: RATE,
  seconds: SECONDS,
  people: PEOPLE.length,
  posted: N,
  webhookFailures: failures,
  ticksHeldByInFlightLimit: skipped,
  sendPerSecond: Math.round(N / sendSeconds),
  eventsReceived: latencies.length,
  sustainedPerSecond: Math.round(latencies.length / ((lastReceivedAt - start) / 1000)),
  latencyMs: stats(latencies),
  // All statements of the process while part 1 ran (job runner polls and the realtime listener included), per update.
  statementsPerUpdate,
};
console.log(JSON.stringify({ realtime }, null, 2));

// ── Part 2: the conversation list over a large inbox ──────────────────────────────────────────────────────────────
let list: Record<string, unknown> | null = null;
if (!args['skip-list']) {
  const C = Number(args.conversations);
  const M = Number(args.messages);
  const perConversation = Math.max(1, Math.round(M / C));
  const big = await app.services.channels.create(SYSTEM, {
    type: 'telegram',
    name: 'big',
    token: (() => {
      const bid = id + 1;
      const t = `${bid}:AA${randomBytes(26).toString('base64url').slice(0, 33)}`;
      tg.addBot({ token: t, id: bid, username: `bench${bid}_bot`, firstName: 'Big' });
      return t;
    })(),
    mode: 'webhook',
  });
  const agent = await bench.userToken('agent');
  const others = await Promise.all([1, 2, 3, 4].map(() => bench.userToken('agent')));
  const assignees = [agent.id, ...others.map((o) => o.id)];
  await sql`insert into channel_members (channel_id, user_id) values (${big.id}, ${agent.id})`.execute(
    ctx.db,
  );

  const g0 = performance.now();
  // Conversations: a quarter open and unassigned (an agent's queue), the rest spread over five agents and statuses.
  await sql`
    insert into conversations (channel_id, chat_external_id, chat_kind, status, assignee_id, last_activity_at, created_at,
                               updated_at, waiting_since, first_reply_at, resolved_at)
    select ${big.id}, 'big-' || g, 'private',
           (array['open', 'pending', 'resolved', 'resolved'])[1 + g % 4],
           case when g % 4 = 0 then null else (${sql.val(assignees)}::uuid[])[1 + g % 5] end,
           now() - (g || ' seconds')::interval, now() - (g || ' seconds')::interval - interval '1 hour',
           now() - (g || ' seconds')::interval,
           case when g % 3 = 0 then now() - (g || ' seconds')::interval end,
           now() - (g || ' seconds')::interval - interval '50 minutes',
           case when g % 4 >= 2 then now() - (g || ' seconds')::interval end
    from generate_series(1, ${C}) g`.execute(ctx.db);
  await sql`
    insert into messages (conversation_id, message_type, sender_type, content, sent_at, created_at, updated_at)
    select c.id, case when k % 2 = 0 then 'outgoing' else 'incoming' end, case when k % 2 = 0 then 'user' else 'contact' end,
           'Здравствуйте, заказ ' || k || ' hello order ' || c.display_id,
           c.created_at + (k || ' minutes')::interval, c.created_at + (k || ' minutes')::interval, c.created_at + (k || ' minutes')::interval
    from conversations c cross join generate_series(1, ${perConversation}) k
    where c.channel_id = ${big.id}`.execute(ctx.db);
  await sql`analyze conversations`.execute(ctx.db);
  await sql`analyze messages`.execute(ctx.db);
  const generateSeconds = round((performance.now() - g0) / 1000);

  const requests = Number(args['list-requests']);
  async function time(url: string, token: string): Promise<ReturnType<typeof stats>> {
    const xs: number[] = [];
    for (let i = 0; i < requests + 10; i++) {
      const t = performance.now();
      const res = await fetch(`${app.address}${url}`, { headers: { authorization: `Bearer ${token}` } });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
      // The first ten warm the caches.
      if (i >= 10) xs.push(performance.now() - t);
    }
    return stats(xs);
  }
  list = {
    conversations: C,
    messages: C * perConversation,
    generateSeconds,
    requestsEach: requests,
    adminFirstPageMs: await time('/api/v1/conversations?limit=25', admin.token),
    adminOpenFirstPageMs: await time('/api/v1/conversations?limit=25&status=open', admin.token),
    agentFirstPageMs: await time('/api/v1/conversations?limit=25', agent.token),
  };
  console.log(JSON.stringify({ list }, null, 2));
}

const summary = {
  when: new Date().toISOString(),
  machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version },
  realtime,
  list,
};
await mkdir(path.join(ROOT, 'bench/results'), { recursive: true });
await writeFile(path.join(ROOT, 'bench/results/inbox.json'), `${JSON.stringify(summary, null, 2)}\n`);
await bench.stop();
