// What the broadcast snapshot's time is made of: the repository's snapshot on generated contacts, again with one index of
// broadcast_deliveries dropped at a time, in contact order with more work_mem, as a merge join, and in two halves of the
// contact-id range at once on two connections (what a start does, services/broadcast-snapshot.ts); each variant inside
// transactions that are rolled back (then the table vacuumed), so they all start from the same state. Prints wall time, the backend's CPU time
// (from /proc: steadier than wall time on a busy machine) and the WAL written. With --explain, also the snapshot's plan
// with timings, buffers and WAL per node (auto_explain into the server log, printed from there).
//   npx tsx bench/broadcast-snapshot-parts.ts --contacts 200000 [--rounds 2] [--only 'as shipped,fillfactor 100'] [--explain]
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../server/src/db/schema.ts';
import { BroadcastsRepository, snapshotRanges } from '../server/src/repositories/broadcasts.repository.ts';
import type { FilterGroup } from '../server/src/services/segments/filter.ts';
import { startBenchApp } from './support/bench-app.ts';
import { startFakeProcess } from './support/fake-process.ts';

const { values: args } = parseArgs({
  options: {
    contacts: { type: 'string', default: '200000' },
    rounds: { type: 'string', default: '1' },
    explain: { type: 'boolean', default: false },
    // Comma-separated variant names to run (default: all).
    only: { type: 'string' },
  },
});
const CONTACTS = Number(args.contacts);
const SYSTEM = { type: 'system' as const, id: null, name: 'bench' };
const EVERYONE: FilterGroup = {
  op: 'and',
  conditions: [{ type: 'field', field: 'createdAt', op: 'exists' }],
};
const UNIQUE = 'broadcast_deliveries_broadcast_id_contact_id_key';
/** Statements run in the transaction before the snapshot. */
const VARIANTS: Record<string, string[]> = {
  'as shipped': [],
  // Migration 0031 leaves room on each page for the claims' HOT versions; this is the snapshot without that room.
  'fillfactor 100': ['alter table broadcast_deliveries set (fillfactor = 100)'],
  'without the contact index': ['drop index broadcast_deliveries_contact_idx'],
  'without the status index': ['drop index broadcast_deliveries_status_idx'],
  'without the due index': ['drop index broadcast_deliveries_due_idx'],
  'unique (contact, broadcast) instead of unique + contact': [
    'drop index broadcast_deliveries_contact_idx',
    `alter table broadcast_deliveries drop constraint ${UNIQUE}`,
    `alter table broadcast_deliveries add constraint ${UNIQUE} unique (contact_id, broadcast_id)`,
  ],
};

const fake = await startFakeProcess();
const bench = await startBenchApp({ telegramApiRoot: fake.apiRoot });
const { app } = bench;
const db = app.services.ctx.db;
try {
  const botId = 9_100_000_000 + Math.floor(Math.random() * 1e8);
  const token = `${botId}:AA${randomBytes(26).toString('base64url').slice(0, 33)}`;
  await fake.rpc({ type: 'addBot', info: { token, id: botId, username: `p${botId}_bot`, firstName: 'P' } });
  const channelId = (
    await app.services.channels.create(SYSTEM, {
      type: 'telegram',
      name: 'snapshot parts',
      token,
      mode: 'webhook',
      settings: {},
    })
  ).id;
  // The same population as bench/broadcast.ts: 5% unsubscribed, 2% blocked, 4% with an unreachable identity.
  let t = performance.now();
  await sql`insert into contacts (external_id, first_name, name, language, timezone, subscribed, blocked, tags, source)
    select 'bench-' || g, 'Name' || g, 'Name' || g || ' Bench', case when g % 4 = 0 then 'en' else 'ru' end,
      (array['Europe/Moscow', 'Asia/Yekaterinburg', 'Europe/Berlin', null])[1 + g % 4],
      g % 20 <> 0, g % 50 = 7, '{}', 'import' from generate_series(1, ${CONTACTS}::int) g`.execute(db);
  await sql`insert into contact_channels (contact_id, channel_id, external_id, reachable, last_seen_at)
    select id, ${channelId}::uuid, (10000000::bigint + n)::text, n % 25 <> 3, now()
    from (select id, substr(external_id, 7)::int as n from contacts) c`.execute(db);
  await sql`vacuum analyze`.execute(db);
  console.log(`generated ${CONTACTS} contacts in ${Math.round(performance.now() - t)} ms`);
  const timing = { startAt: new Date(), defaultTimezone: 'UTC', localTime: null, quietHours: null };

  /**
   * One variant in rolled-back transactions: `run` once per part, each part in a transaction of its own on its own
   * connection, all at once. Prints wall ms, the backends' CPU ms (summed) and the WAL MB.
   */
  const measure = async (
    name: string,
    before: string[],
    run: (tx: Kysely<Database>, id: string, part: number) => Promise<unknown>,
    parts = 1,
  ) => {
    const b = await app.services.ctx.repos.broadcasts.create(
      { title: name, channelId, content: 'x', filter: EVERYONE },
      null,
    );
    const { rows: lsn0 } = await sql<{
      lsn: string;
    }>`select pg_current_wal_insert_lsn()::text as lsn`.execute(db);
    let ready = 0;
    let go: () => void = () => {};
    const started = new Promise<void>((resolve) => {
      go = resolve;
    });
    let t0 = 0;
    const cpus = await Promise.all(
      Array.from({ length: parts }, (_, part) =>
        db
          .transaction()
          .execute(async (tx) => {
            const rollback = new Error('rollback');
            for (const statement of before) await sql.raw(statement).execute(tx);
            const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(tx);
            const cpu = () => {
              const f = readFileSync(`/proc/${rows[0]!.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
              return (Number(f[11]) + Number(f[12])) * 10;
            };
            if (++ready === parts) {
              t0 = performance.now();
              go();
            }
            await started;
            const cpu0 = cpu();
            await run(tx, b.id, part);
            const used = cpu() - cpu0;
            throw Object.assign(rollback, { used });
          })
          .catch((err) => {
            if (!(err instanceof Error) || err.message !== 'rollback') throw err;
            return (err as Error & { used: number }).used;
          }),
      ),
    );
    const wall = performance.now() - t0;
    const { rows: wal } = await sql<{ mb: number }>`
      select round((pg_current_wal_insert_lsn() - ${lsn0[0]!.lsn}::pg_lsn) / 1048576.0) as mb`.execute(db);
    const cpuMs = cpus.reduce((a, c) => a + c, 0);
    console.log(`${name}: ${Math.round(wall)} ms wall, ${cpuMs} ms backend CPU, ${wal[0]!.mb} MB of WAL`);
    await sql`vacuum broadcast_deliveries`.execute(db);
  };
  const snapshot = (tx: Kysely<Database>, id: string) =>
    new BroadcastsRepository(tx).snapshot({ id, channelId }, EVERYONE, timing);
  /** The snapshot in `n` contact-id ranges, each on its own connection (what a parallel snapshot does). */
  const inParts = (n: number) => {
    const ranges = snapshotRanges(n);
    return (tx: Kysely<Database>, id: string, i: number) =>
      new BroadcastsRepository(tx).snapshot({ id, channelId }, EVERYONE, timing, ranges[i]);
  };
  const PARTED: Array<[string, string[], ReturnType<typeof inParts>, number]> = [
    // What a start does (services/broadcast-snapshot.ts): two halves of the contact-id range at once.
    ['2 parts at once', [], inParts(2), 2],
    ['merge join', ['set local enable_hashjoin = off'], inParts(1), 1],
  ];

  for (let round = 0; round < Number(args.rounds); round++) {
    t = performance.now();
    await sql`select count(*) from contacts where created_at is not null`.execute(db);
    console.log(`the segment's contacts counted: ${Math.round(performance.now() - t)} ms`);
    const only = args.only?.split(',');
    for (const [name, before] of Object.entries(VARIANTS))
      if (!only || only.includes(name)) await measure(name, before, snapshot);
    for (const [name, before, run, parts] of PARTED)
      if (!only || only.includes(name)) await measure(name, before, run, parts);
    // The same statement in contact order (uuid-keyed indexes filled in order), with room to sort in memory.
    if (!only || only.includes('in contact order'))
      await measure('in contact order, work_mem 128MB', ["set local work_mem = '128MB'"], (tx, id) =>
        sql
          .raw(`with ins as (insert into broadcast_deliveries
            (broadcast_id, contact_id, identity_id, chat_external_id, status, reason, not_before)
          select '${id}'::uuid, c.id, cc.id, cc.external_id,
            case when not c.subscribed or c.blocked or cc.id is null or not cc.reachable then 'skipped' else 'pending' end,
            case when not c.subscribed then 'unsubscribed' when c.blocked then 'blocked' when cc.id is null then 'no_identity'
              when not cc.reachable then 'unreachable' end, null::timestamptz
          from contacts c left join (select distinct on (contact_id) contact_id, id, external_id, reachable
            from contact_channels where channel_id = '${channelId}'
            order by contact_id, reachable desc, last_seen_at desc nulls last, id) cc on cc.contact_id = c.id
          where c.created_at is not null order by c.id
          on conflict (broadcast_id, contact_id) do nothing returning status, reason)
        select status, reason, count(*) from ins group by 1, 2`)
          .execute(tx),
      );
  }
  if (args.explain) {
    const settings = ['log_min_duration = 0', 'log_analyze = on', 'log_buffers = on', 'log_wal = on'];
    await measure(
      'with auto_explain',
      ["load 'auto_explain'", ...settings.map((s) => `set local auto_explain.${s}`)],
      snapshot,
    );
    const log = readFileSync(`${app.config.dataDir}/postgres.log`, 'utf8');
    const at = log.lastIndexOf('Query Text: with "ins"');
    console.log(log.slice(at, log.indexOf(' LOG: ', at)));
  }
} finally {
  await bench.stop();
  await fake.rpc({ type: 'stop' });
}
