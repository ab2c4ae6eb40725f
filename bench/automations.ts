// Automations: the daily birthday pass over many contacts, and event-triggered rules under a sustained event rate.
// Run: npx tsx bench/automations.ts [--contacts 1000000] [--rate 500] [--seconds 10] [--batch 1]
// (uses DATABASE_URL if set, else a temporary embedded PostgreSQL). Prints, and writes bench/results/automations.json:
// 1. Birthday pass: --contacts contacts with birthdays spread over the year (29 February included) in 13 time zones (and
//    none). One pass over a whole day's window (what the first pass after enabling the rule, or after a day's outage, does)
//    and the per-minute passes of a simulated day (1,440 of them): time, runs started, peak RSS of this process.
//    Goal: the daily pass well under a minute, per-minute passes a few milliseconds, memory flat (the work is in SQL).
// 2. Event-triggered rules: --rate events/s offered for --seconds through POST /api/v1/events, each to its own contact, to a
//    rule with one cheap step (add_tags); accepted/s, API latency, and from sending the event to its run completed. With
//    --batch N the same rate goes through /api/v1/events/batch, N events a request (how a shop's backend would send 500/s).
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { CalendarTriggers } from '../server/src/services/automations/calendar.ts';
import { type BenchApp, type BenchAppOptions, startBenchApp } from './support/bench-app.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    contacts: { type: 'string', default: '1000000' },
    rate: { type: 'string', default: '500' },
    seconds: { type: 'string', default: '10' },
    // Events per request: 1 posts each to /api/v1/events, more sends /api/v1/events/batch requests at RATE / batch per second.
    batch: { type: 'string', default: '1' },
  },
});
const CONTACTS = Number(args.contacts);
const RATE = Number(args.rate);
const SECONDS = Number(args.seconds);
const EVENTS = RATE * SECONDS;
const BATCH = Math.max(1, Number(args.batch));
// The simulated day lies in the future, after the rule's enabling: the app's own (real-time) passes find nothing to do.
const DAY = '2031-03-01';
const ZONES = [
  'Europe/Moscow',
  'Europe/Berlin',
  'Europe/London',
  'America/New_York',
  'America/Los_Angeles',
  'America/Sao_Paulo',
  'Asia/Tokyo',
  'Asia/Kolkata',
  'Asia/Yekaterinburg',
  'Asia/Vladivostok',
  'Australia/Sydney',
  'Pacific/Auckland',
  'Pacific/Honolulu',
];

const round1 = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
const percentile = (xs: number[], p: number) => {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const peakRssMb = () => round1(process.resourceUsage().maxRSS / 1024);

// The in-process fake Bot API with a higher API rate limit: the overloads only name the two common shapes.
const start = startBenchApp as (opts: BenchAppOptions) => Promise<BenchApp<null>>;
const bench = await start({ env: { API_RATE_LIMIT_PER_MINUTE: '1000000' } });
const { app } = bench;
const db = app.services.ctx.db;

try {
  // ---- contacts ------------------------------------------------------------------------------------------------------------
  let t = performance.now();
  for (let from = 1; from <= CONTACTS; from += 100_000) {
    const to = Math.min(CONTACTS, from + 99_999);
    // Birthdays: a day of the year from the contact number (every date, 29 February once in four), years 1950-2005.
    await sql`insert into contacts (external_id, first_name, language, timezone, birthday, subscribed)
      select 'ab-' || g, 'Name' || g, case when g % 2 = 0 then 'en' else 'ru' end,
        (${ZONES}::text[])[1 + g % ${ZONES.length + 1}::int],
        (make_date(1952 + g % 54, 1, 1) + ((g::bigint * 7919) % (case when (1952 + g % 54) % 4 = 0 then 366 else 365 end))::int)::date,
        true
      from generate_series(${from}::int, ${to}::int) g`.execute(db);
  }
  await sql`vacuum analyze contacts`.execute(db);
  const loadSeconds = round1((performance.now() - t) / 1000);
  console.log(`${CONTACTS} contacts loaded in ${loadSeconds} s`);

  // ---- 1. birthday pass ------------------------------------------------------------------------------------------------------
  let now = new Date(`${DAY}T00:00:00Z`);
  const clock = { now: () => now };
  const calendar = new CalendarTriggers({ ...app.services.ctx, clock });
  const rule = async (name: string, enabledAt: Date) =>
    (
      await sql<{ id: string }>`insert into automations (name, enabled, trigger, actions, updated_at)
        values (${name}, true, '{"kind": "date_attribute", "attribute": "birthday", "offsetDays": 0, "atLocalTime": "09:00"}',
          '[{"type": "add_tags", "tags": ["birthday-bench"]}]', ${enabledAt.toISOString()}::timestamptz)
        returning id`.execute(db)
    ).rows[0]!.id;
  const runsOf = async (id: string) =>
    (
      await sql<{
        n: number;
      }>`select count(*)::int as n from automation_runs where automation_id = ${id}::uuid`.execute(db)
    ).rows[0]!.n;

  // One pass over a whole day: the rule was enabled 24 hours before it.
  const daily = await rule('bench daily pass', new Date(now.getTime() - 86_400_000));
  const rssBefore = peakRssMb();
  t = performance.now();
  await calendar.pass();
  const dailyMs = performance.now() - t;
  const dailyRuns = await runsOf(daily);
  await sql`update automations set enabled = false where id = ${daily}::uuid`.execute(db);
  console.log(`daily pass: ${round1(dailyMs)} ms, ${dailyRuns} runs`);

  // A day of per-minute passes for a second rule, enabled at the start of the day.
  const minute = await rule('bench minute passes', now);
  const passMs: number[] = [];
  for (let i = 1; i <= 1440; i++) {
    now = new Date(Date.parse(`${DAY}T00:00:00Z`) + i * 60_000);
    t = performance.now();
    await calendar.pass();
    passMs.push(performance.now() - t);
  }
  const minuteRuns = await runsOf(minute);
  const birthday = {
    contacts: CONTACTS,
    dailyPass: { ms: round1(dailyMs), runs: dailyRuns },
    minutePasses: {
      passes: passMs.length,
      totalSeconds: round1(passMs.reduce((a, b) => a + b, 0) / 1000),
      p50Ms: round1(percentile(passMs, 50)),
      p99Ms: round1(percentile(passMs, 99)),
      maxMs: round1(Math.max(...passMs)),
      runs: minuteRuns,
    },
    peakRssMb: { before: rssBefore, after: peakRssMb() },
  };
  console.log('birthday', JSON.stringify(birthday));
  await sql`update automations set enabled = false where id = ${minute}::uuid`.execute(db);

  // ---- 2. event-triggered rule at RATE events/s -------------------------------------------------------------------------------
  const owner = (await bench.userToken('owner')).token;
  const eventRule = (
    await sql<{ id: string }>`insert into automations (name, enabled, trigger, actions)
      values ('bench purchase', true, '{"kind": "event", "event": "bench_purchase"}',
        '[{"type": "add_tags", "tags": ["bought"]}]') returning id`.execute(db)
  ).rows[0]!.id;
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const answers: Array<Promise<number>> = [];
  const started = performance.now();
  const post = (url: string, body: unknown) =>
    fetch(`${app.address}${url}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${owner}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  for (let i = 0; i < EVENTS; i += BATCH) {
    const due = started + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const sent = Date.now();
    const batch = Array.from({ length: Math.min(BATCH, EVENTS - i) }, (_, k) => {
      const externalId = `ab-${1 + i + k}`;
      sentAt.set(externalId, sent);
      return { contact: { externalId }, name: 'bench_purchase', properties: { amount: i + k } };
    });
    const request =
      BATCH === 1
        ? post('/api/v1/events', batch[0]).then(async (res) => {
            await res.arrayBuffer();
            return res.status === 201 ? 1 : 0;
          })
        : post('/api/v1/events/batch', { events: batch }).then(async (res) =>
            res.status === 200 ? ((await res.json()) as { created: number }).created : 0,
          );
    answers.push(
      request.then(
        (created) => {
          latencies.push(Date.now() - sent);
          return created;
        },
        // A connection the server dropped under load counts as not accepted.
        () => 0,
      ),
    );
  }
  const statuses = await Promise.all(answers);
  const offeredSeconds = (performance.now() - started) / 1000;
  const accepted = statuses.reduce((a, b) => a + b, 0);
  const failed = EVENTS - accepted;
  const deadline = Date.now() + 300_000;
  let completed = 0;
  while (Date.now() < deadline) {
    completed = (
      await sql<{ n: number }>`select count(*)::int as n from automation_runs
        where automation_id = ${eventRule}::uuid and status = 'completed'`.execute(db)
    ).rows[0]!.n;
    if (completed >= accepted) break;
    await sleep(200);
  }
  const { rows } = await sql<{ externalId: string; doneAt: Date }>`
    select c.external_id as "externalId", r.updated_at as "doneAt" from automation_runs r join contacts c on c.id = r.contact_id
    where r.automation_id = ${eventRule}::uuid and r.status = 'completed'`.execute(db);
  const endToEnd = rows.map((r) => r.doneAt.getTime() - sentAt.get(r.externalId)!);
  const lastDone = Math.max(...rows.map((r) => r.doneAt.getTime()));
  const firstSent = Math.min(...sentAt.values());
  const events = {
    offeredPerSecond: RATE,
    seconds: SECONDS,
    eventsPerRequest: BATCH,
    acceptedPerSecond: round1(accepted / offeredSeconds),
    notAccepted: failed,
    apiP50Ms: round1(percentile(latencies, 50)),
    apiP99Ms: round1(percentile(latencies, 99)),
    runsCompleted: completed,
    runsCompletedPerSecond: round1(completed / ((lastDone - firstSent) / 1000)),
    eventToRunDoneP50Ms: round1(percentile(endToEnd, 50)),
    eventToRunDoneP99Ms: round1(percentile(endToEnd, 99)),
  };
  console.log('events', JSON.stringify(events));

  const result = {
    at: new Date().toISOString(),
    machine: { cpus: os.cpus().length, memGiB: round1(os.totalmem() / 2 ** 30) },
    loadSeconds,
    birthday,
    events,
  };
  await mkdir(path.join(ROOT, 'bench/results'), { recursive: true });
  await writeFile(path.join(ROOT, 'bench/results/automations.json'), `${JSON.stringify(result, null, 2)}\n`);
} finally {
  await bench.stop();
}
