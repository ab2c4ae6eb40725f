// Segment preview latency (count + sample of 20) at scale.
// Run: npx tsx bench/segments.ts [--contacts N] [--events E] [--runs R] [--keep DIR] [--only TEXT]   (default 1,000,000
// contacts, about E=3 events per contact on average, 20 timed previews per filter; uses DATABASE_URL if set, else a
// temporary embedded PostgreSQL). --keep DIR keeps the embedded database in DIR and loads the data only when DIR holds
// none yet, so later runs (and new migrations, applied at start) skip the slow load; --only runs the filters whose name
// contains TEXT (or any of several, comma-separated).
// Data is generated set-based in SQL (generate_series), then every filter below is previewed over the HTTP API
// (inject, so no network). Prints p50/p99 per filter and writes bench/results/segments.json.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { pino } from 'pino';
import { startApp } from '../server/src/app.ts';
import { loadConfig } from '../server/src/config.ts';
import { startEmbeddedPostgres } from '../server/src/db/embedded.ts';
import { hashPassword } from '../server/src/services/auth.service.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    contacts: { type: 'string', default: '1000000' },
    events: { type: 'string', default: '3' },
    runs: { type: 'string', default: '20' },
    keep: { type: 'string' },
    only: { type: 'string' },
  },
});
const CONTACTS = Number(args.contacts);
const EVENTS_PER_CONTACT = Number(args.events);
const RUNS = Number(args.runs);

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

const cond = {
  ru: { type: 'field', field: 'language', op: 'eq', value: 'ru' },
  subscribed: { type: 'field', field: 'subscribed', op: 'eq', value: true },
  active30: { type: 'field', field: 'lastActivityAt', op: 'within_last_days', value: 30 },
  bought30: { type: 'event', name: 'purchase', op: 'did', withinDays: 30 },
  bought2in90: { type: 'event', name: 'purchase', op: 'did', atLeast: 2, withinDays: 90 },
  neverBought: { type: 'event', name: 'purchase', op: 'did_not' },
  vipOrNew: { type: 'field', field: 'tags', op: 'has_any', value: ['vip', 'new'] },
  planPro: { type: 'attribute', key: 'plan', valueType: 'string', op: 'eq', value: 'pro' },
  scoreOver900: { type: 'attribute', key: 'score', valueType: 'number', op: 'gt', value: 900 },
  bornInMarch: { type: 'field', field: 'birthdayMonth', op: 'eq', value: 3 },
  reachableTelegram: { type: 'channel', op: 'reachable', channelType: 'telegram' },
  openConversation: { type: 'conversation', op: 'exists' },
  cartWithSku: {
    type: 'event',
    name: 'cart_abandoned',
    op: 'did',
    withinDays: 7,
    properties: { sku: 'A-1' },
  },
};
const and = (...conditions: object[]) => ({ op: 'and', conditions });
const or = (...conditions: object[]) => ({ op: 'or', conditions });

const FILTERS: Record<string, object> = {
  'everyone subscribed (built-in)': and(cond.subscribed, {
    type: 'field',
    field: 'blocked',
    op: 'eq',
    value: false,
  }),
  'language ru': and(cond.ru),
  'active in 30 days': and(cond.active30),
  'recent buyers (purchase in 30 days)': and(cond.bought30),
  'never bought': and(cond.neverBought),
  'subscribed ru buyers, 2+ in 90 days': and(cond.subscribed, cond.ru, cond.bought2in90),
  'tags vip|new and plan=pro': and(cond.vipOrNew, cond.planPro),
  'born in March': and(cond.bornInMarch),
  'score > 900 or born in March': or(cond.scoreOver900, cond.bornInMarch),
  'reachable on telegram, no purchase, active': and(cond.reachableTelegram, cond.neverBought, cond.active30),
  'open conversation or abandoned cart with sku': or(cond.openConversation, cond.cartWithSku),
};

const tmp = args.keep
  ? path.resolve(args.keep)
  : await mkdtemp(path.join(os.tmpdir(), 'switchboard-bench-segments-'));
await mkdir(tmp, { recursive: true });
await chmod(tmp, 0o755);
const log = pino({ level: 'silent' });
const embedded = process.env.DATABASE_URL ? null : await startEmbeddedPostgres(path.join(tmp, 'data'), log);
const app = await startApp(
  loadConfig({
    PORT: '0',
    DATABASE_URL: process.env.DATABASE_URL ?? embedded!.url,
    SWITCHBOARD_DATA_DIR: path.join(tmp, 'app'),
    // A kept database remembers the key it was set up with: the same fixed one on every run.
    SWITCHBOARD_SECRET_KEY: args.keep ? 'b'.repeat(64) : randomBytes(32).toString('hex'),
    LOG_LEVEL: 'silent',
    API_RATE_LIMIT_PER_MINUTE: '1000000',
  }),
  { role: 'api', log, skipBootstrap: true },
);
try {
  const { services } = app;
  const db = services.ctx.db;
  const user = await services.ctx.repos.users.create({
    email: `bench-${Date.now()}@example.com`,
    displayName: 'bench',
    passwordHash: await hashPassword('bench-password'),
    role: 'owner',
  });
  const { token } = await services.auth.startSession(user);
  const auth = { authorization: `Bearer ${token}` };

  // With --keep, a database that already holds contacts is reused as it is (new migrations were applied at start).
  const loaded = args.keep
    ? Number((await sql<{ n: string }>`select count(*) as n from contacts`.execute(db)).rows[0]!.n) > 0
    : false;
  let contactsMs = 0;
  let eventsMs = 0;
  let t = performance.now();
  if (!loaded) {
    await sql`select setseed(0.42)`.execute(db);
    await sql`insert into contacts (external_id, name, language, timezone, tags, attributes, subscribed, blocked, source,
        birthday, created_at, last_activity_at)
      select 'crm-' || g, 'Contact ' || g,
        case when r1 < 0.75 then 'ru' when r1 < 0.95 then 'en' else null end,
        case when r1 < 0.5 then 'Europe/Moscow' when r1 < 0.8 then 'Asia/Yekaterinburg' else null end,
        case g % 5 when 0 then '{}'::text[] when 1 then '{vip}' when 2 then '{new}' when 3 then '{b2b,vip}' else '{lead}' end,
        jsonb_build_object('plan', (array['free','pro','team'])[1 + (g % 3)], 'score', floor(r2 * 1000)::int),
        r2 > 0.1, r2 < 0.01, (array['import','telegram','api'])[1 + (g % 3)],
        case when r1 < 0.4 then date '1970-01-01' + floor(r2 * 12000)::int end,
        now() - r1 * interval '730 days',
        case when r2 < 0.8 then now() - r2 * r2 * interval '200 days' end
      from (select g, random() as r1, random() as r2 from generate_series(1, ${CONTACTS}::int) g) s`.execute(
      db,
    );
    contactsMs = performance.now() - t;
    t = performance.now();
    const { id: channelId } = await db
      .insertInto('channels')
      .values({ type: 'telegram', name: 'bench bot' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await sql`insert into contact_channels (contact_id, channel_id, external_id, reachable)
      select id, ${channelId}::uuid, external_id, random() > 0.05 from contacts where random() < 0.7`.execute(
      db,
    );
    await sql`insert into conversations (channel_id, contact_id, chat_external_id, chat_kind, status)
      select ${channelId}::uuid, id, external_id, 'private', (array['open','pending','resolved'])[1 + floor(random() * 3)::int]
      from contacts where random() < 0.1`.execute(db);
    await sql`insert into event_names (name) values ('page_view'), ('lesson_completed'), ('purchase'), ('cart_abandoned')
      on conflict do nothing`.execute(db);
    // About EVENTS_PER_CONTACT per contact on average (0 to 2E each): page views most, purchases less, carts least.
    await sql`insert into contact_events (contact_id, name_id, occurred_at, properties)
      select c.id,
        (select id from event_names where name = case when x < 0.5 then 'page_view' when x < 0.75 then 'lesson_completed'
          when x < 0.9 then 'purchase' else 'cart_abandoned' end),
        now() - random() * interval '365 days',
        case when x >= 0.9 then jsonb_build_object('sku', 'A-' || floor(random() * 20)::int) end
      from (select id, floor(random() * ${2 * EVENTS_PER_CONTACT + 1}::int)::int as k from contacts) c
      cross join lateral generate_series(1, c.k) n
      cross join lateral (select random() + 0 * n as x) r`.execute(db);
    // Events generated straight into the table, so their per-contact summary is filled the way migration 0030 does.
    await sql`insert into contact_event_stats (contact_id, name_id, count, first_at, last_at)
      select contact_id, name_id, count(*)::int, min(occurred_at), max(occurred_at) from contact_events
      group by contact_id, name_id`.execute(db);
    // As autovacuum would after a bulk load: statistics for the planner, and the visibility map for index-only scans.
    await sql`vacuum analyze`.execute(db);
    eventsMs = performance.now() - t;
  }
  // The bench's numeric attribute "score" is one a workspace filters on, so it is indexed the way migration 0035
  // describes (the compiler's expression on that key). Made here, not by a migration: which keys matter is the data's.
  const scoreIndexed =
    await sql`select 1 from pg_indexes where indexname = 'contacts_attr_score_idx'`.execute(db);
  if (scoreIndexed.rows.length === 0) {
    await sql`create index contacts_attr_score_idx on contacts (sb_attr_number(attributes, 'score'))`.execute(
      db,
    );
    await sql`analyze contacts`.execute(db);
  }
  const counts = await sql<{ contacts: number; events: number; identities: number }>`select
    (select count(*) from contacts)::int as contacts, (select count(*) from contact_events)::int as events,
    (select count(*) from contact_channels)::int as identities`.execute(db);
  const sizes = await sql<{ contacts: string; events: string }>`select
    pg_size_pretty(pg_total_relation_size('contacts')) as contacts,
    pg_size_pretty(pg_total_relation_size('contact_events')) as events`.execute(db);
  console.log(
    `generated ${counts.rows[0]!.contacts} contacts in ${round(contactsMs / 1000)} s; ` +
      `${counts.rows[0]!.events} events, ${counts.rows[0]!.identities} identities in ${round(eventsMs / 1000)} s ` +
      `(contacts ${sizes.rows[0]!.contacts}, events ${sizes.rows[0]!.events} with indexes)`,
  );

  const preview = async (filter: object) => {
    const s = performance.now();
    const r = await app.http!.inject({
      method: 'POST',
      url: '/api/v1/segments/preview',
      headers: auth,
      payload: { filter },
    });
    const ms = performance.now() - s;
    if (r.statusCode !== 200) throw new Error(`preview answered ${r.statusCode}: ${r.body}`);
    const body = r.json() as { count: number; countExact: boolean };
    return { ms, count: body.count, exact: body.countExact };
  };

  const results: Record<
    string,
    { count: number; countExact: boolean; p50Ms: number; p99Ms: number; maxMs: number }
  > = {};
  const all: number[] = [];
  for (const [name, filter] of Object.entries(FILTERS)) {
    if (args.only && !args.only.split(',').some((part) => name.includes(part))) continue;
    await preview(filter);
    await preview(filter);
    const times: number[] = [];
    let count = 0;
    // A count over its 2 s budget answers the planner's estimate: said beside the figure, as it is not a real count.
    let exact = true;
    for (let i = 0; i < RUNS; i++) {
      const r = await preview(filter);
      times.push(r.ms);
      count = r.count;
      exact &&= r.exact;
    }
    all.push(...times);
    results[name] = {
      count,
      countExact: exact,
      p50Ms: round(percentile(times, 50)),
      p99Ms: round(percentile(times, 99)),
      maxMs: round(Math.max(...times)),
    };
    console.log(
      `${name.padEnd(48)} count ${String(count).padStart(8)}${exact ? '' : ' (estimate)'}  p50 ${String(results[name].p50Ms).padStart(7)} ms  p99 ${String(results[name].p99Ms).padStart(7)} ms`,
    );
  }
  const overall = { p50Ms: round(percentile(all, 50)), p99Ms: round(percentile(all, 99)) };
  console.log(`all previews: p50 ${overall.p50Ms} ms, p99 ${overall.p99Ms} ms`);

  await mkdir(path.join(ROOT, 'bench', 'results'), { recursive: true });
  await writeFile(
    path.join(ROOT, 'bench', 'results', 'segments.json'),
    `${JSON.stringify(
      {
        date: new Date().toISOString(),
        contacts: counts.rows[0]!.contacts,
        events: counts.rows[0]!.events,
        runsPerFilter: RUNS,
        generateSeconds: round((contactsMs + eventsMs) / 1000),
        overall,
        filters: results,
      },
      null,
      2,
    )}\n`,
  );
} finally {
  await app.stop();
  await embedded?.stop();
  if (!args.keep) await rm(tmp, { recursive: true, force: true });
}
