// Contact import throughput, memory and search latency at scale.
// Run: npx tsx bench/contacts.ts [--rows N] [--batch B]   (default 1,000,000 rows, batches of 5000; uses DATABASE_URL if set, else a temporary
// embedded PostgreSQL). Generates a CSV on disk, uploads it over HTTP (stream → stored chunks), runs the import
// job's service, samples RSS, then times ~200 searches. Prints the figures and writes bench/results/contacts.json.
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
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
  options: { rows: { type: 'string', default: '1000000' }, batch: { type: 'string' } },
});
const ROWS = Number(args.rows);
const BATCH = args.batch ? Number(args.batch) : undefined;
const SEARCHES = 200;

const FIRST = [
  'Иван',
  'Anna',
  'Пётр',
  'Maria',
  'Алексей',
  'Olga',
  'Дмитрий',
  'Elena',
  'Сергей',
  'Natalia',
  'Михаил',
  'Irina',
];
const LAST = [
  'Иванов',
  'Smirnova',
  'Кузнецов',
  'Popova',
  'Соколов',
  'Lebedeva',
  'Козлов',
  'Novikova',
  'Морозов',
  'Volkova',
];
const TAGS = ['vip', 'new', 'b2b', 'moscow', 'spb', 'lead', 'churn', 'beta'];
const PLANS = ['free', 'pro', 'team'];

/** Deterministic pseudo-random numbers, so every run imports the same file. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function phoneOf(i: number): string {
  const d = String(i).padStart(9, '0');
  // Three ways people write Russian mobiles; all normalise to +79XXXXXXXXX.
  if (i % 3 === 0) return `+79${d}`;
  if (i % 3 === 1) return `8 9${d.slice(0, 2)} ${d.slice(2, 5)}-${d.slice(5, 7)}-${d.slice(7)}`;
  return `+7 (9${d.slice(0, 2)}) ${d.slice(2, 5)} ${d.slice(5)}`;
}

async function generateCsv(file: string, rows: number): Promise<void> {
  const rand = rng(42);
  const out = createWriteStream(file);
  const write = (s: string) =>
    out.write(s) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r()));
  await write('external_id,first_name,last_name,email,phone,language,birthday,tags,attr.plan,attr.score\n');
  let buf = '';
  for (let i = 0; i < rows; i++) {
    const first = FIRST[Math.floor(rand() * FIRST.length)]!;
    const last = LAST[Math.floor(rand() * LAST.length)]!;
    const tags = TAGS.filter(() => rand() < 0.2).join('|');
    const birthday =
      rand() < 0.3
        ? `19${60 + Math.floor(rand() * 40)}-0${1 + Math.floor(rand() * 9)}-1${Math.floor(rand() * 9)}`
        : '';
    buf += `crm-${i},${first},${last},user${i}@example.com,${phoneOf(i)},${rand() < 0.8 ? 'ru' : 'en'},${birthday},${tags},${PLANS[i % 3]},${Math.floor(rand() * 1000)}\n`;
    if (buf.length > 64 * 1024) {
      await write(buf);
      buf = '';
    }
  }
  await write(buf);
  await new Promise<void>((r) => out.end(() => r()));
}

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

const tmp = await mkdtemp(path.join(os.tmpdir(), 'switchboard-bench-contacts-'));
await chmod(tmp, 0o755);
const log = pino({ level: 'silent' });
const embedded = process.env.DATABASE_URL ? null : await startEmbeddedPostgres(path.join(tmp, 'data'), log);
const app = await startApp(
  loadConfig({
    PORT: '0',
    DATABASE_URL: process.env.DATABASE_URL ?? embedded!.url,
    SWITCHBOARD_DATA_DIR: path.join(tmp, 'app'),
    SWITCHBOARD_SECRET_KEY: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'silent',
    API_RATE_LIMIT_PER_MINUTE: '1000000',
    IMPORT_MAX_MB: '2048',
  }),
  // api role: no worker picks the job up; the bench runs the job's service itself to watch each batch.
  { role: 'api', log, skipBootstrap: true },
);
try {
  const { services } = app;
  const user = await services.ctx.repos.users.create({
    email: `bench-${Date.now()}@example.com`,
    displayName: 'bench',
    passwordHash: await hashPassword('bench-password'),
    role: 'owner',
  });
  const { token } = await services.auth.startSession(user);
  const auth = { authorization: `Bearer ${token}` };

  const csvFile = path.join(tmp, 'contacts.csv');
  let t = performance.now();
  await generateCsv(csvFile, ROWS);
  const fileBytes = (await stat(csvFile)).size;
  console.log(`generated ${ROWS} rows, ${mb(fileBytes)} MB in ${round((performance.now() - t) / 1000)} s`);

  const rss = {
    peak: process.memoryUsage().rss,
    before: process.memoryUsage().rss,
    at: {} as Record<string, number>,
  };
  const sampler = setInterval(() => {
    rss.peak = Math.max(rss.peak, process.memoryUsage().rss);
  }, 50);

  t = performance.now();
  const res = await fetch(`${app.address}/api/v1/contacts/import?filename=contacts.csv`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'text/csv' },
    body: Readable.toWeb(createReadStream(csvFile)) as ReadableStream,
    duplex: 'half',
  } as RequestInit);
  if (res.status !== 202) throw new Error(`upload answered ${res.status}: ${await res.text()}`);
  const { id } = (await res.json()) as { id: string };
  const uploadMs = performance.now() - t;
  console.log(
    `upload: ${round(uploadMs / 1000, 2)} s (${round(fileBytes / 1024 / 1024 / (uploadMs / 1000))} MB/s)`,
  );

  const marks = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
  t = performance.now();
  await services.imports.run(id, {
    batchSize: BATCH,
    afterBatch: (imp) => {
      const pct = (imp.processedRows / ROWS) * 100;
      while (marks.length && pct >= marks[0]!) {
        const mark = `${marks.shift()}%`;
        rss.at[mark] = mb(process.memoryUsage().rss);
        const secs = (performance.now() - t) / 1000;
        console.log(
          `  ${mark.padStart(4)}: ${imp.processedRows} rows in ${round(secs)} s, RSS ${rss.at[mark]} MB`,
        );
      }
    },
  });
  const importMs = performance.now() - t;
  clearInterval(sampler);
  const imp = await services.imports.get(id);
  if (imp.status !== 'completed') throw new Error(`import ${imp.status}: ${imp.error}`);
  const rowsPerSec = Math.round(imp.processedRows / (importMs / 1000));
  console.log(
    `import: ${imp.processedRows} rows (${imp.createdRows} created, ${imp.updatedRows} updated, ${imp.rejectedRows} rejected) ` +
      `in ${round(importMs / 1000)} s = ${rowsPerSec} rows/s; end-to-end with upload ${Math.round(imp.processedRows / ((importMs + uploadMs) / 1000))} rows/s`,
  );
  console.log(
    `RSS: before ${mb(rss.before)} MB, ${Object.entries(rss.at)
      .map(([k, v]) => `${k} ${v} MB`)
      .join(', ')}, peak ${mb(rss.peak)} MB`,
  );

  // Autovacuum would analyze after a million inserts anyway; do it now so the planner sees the real table.
  await sql`analyze contacts`.execute(services.ctx.db);
  const queries: Array<{ kind: string; url: string }> = [];
  const rand = rng(7);
  const pick = () => Math.floor(rand() * ROWS);
  for (let i = 0; i < SEARCHES; i++) {
    const n = pick();
    const k = i % 6;
    const q =
      k === 0
        ? ['ivan', 'петр', 'smirn', 'кузнец', 'olga', 'новиков'][i % 6]!
        : k === 1
          ? `user${n}@example.com`
          : k === 2
            ? `+79${String(n).padStart(9, '0')}`
            : k === 3
              ? `crm-${n}`
              : k === 4
                ? `user${n}`
                : null;
    const kind = ['name', 'email', 'phone', 'external_id', 'email_fragment', 'tag'][k]!;
    queries.push({
      kind,
      url:
        q === null
          ? `/api/v1/contacts?tag=${TAGS[i % TAGS.length]}`
          : `/api/v1/contacts?q=${encodeURIComponent(q)}`,
    });
  }
  for (const q of queries.slice(0, 20)) await app.http!.inject({ method: 'GET', url: q.url, headers: auth });
  const times: Record<string, number[]> = {};
  const all: number[] = [];
  for (const q of queries) {
    const s = performance.now();
    const r = await app.http!.inject({ method: 'GET', url: q.url, headers: auth });
    const ms = performance.now() - s;
    if (r.statusCode !== 200) throw new Error(`${q.url} answered ${r.statusCode}`);
    times[q.kind] = [...(times[q.kind] ?? []), ms];
    all.push(ms);
  }
  const search = {
    count: all.length,
    p50Ms: round(percentile(all, 50), 2),
    p99Ms: round(percentile(all, 99), 2),
    byKind: Object.fromEntries(
      Object.entries(times).map(([k, v]) => [
        k,
        { p50Ms: round(percentile(v, 50), 2), p99Ms: round(percentile(v, 99), 2) },
      ]),
    ),
  };
  console.log(`search: ${search.count} requests, p50 ${search.p50Ms} ms, p99 ${search.p99Ms} ms`);
  for (const [k, v] of Object.entries(search.byKind))
    console.log(`  ${k.padEnd(15)} p50 ${v.p50Ms} ms  p99 ${v.p99Ms} ms`);

  // Export of everything over real HTTP: streamed in keyset batches, so RSS must not grow with the table.
  let exportPeak = process.memoryUsage().rss;
  const exportSampler = setInterval(() => {
    exportPeak = Math.max(exportPeak, process.memoryUsage().rss);
  }, 50);
  t = performance.now();
  const exported = await fetch(`${app.address}/api/v1/contacts/export`, { headers: auth });
  let exportBytes = 0;
  let exportLines = 0;
  for await (const piece of exported.body as unknown as AsyncIterable<Uint8Array>) {
    exportBytes += piece.length;
    for (const b of piece) if (b === 10) exportLines++;
  }
  const exportMs = performance.now() - t;
  clearInterval(exportSampler);
  const exportSummary = {
    rows: exportLines - 1,
    megabytes: mb(exportBytes),
    seconds: round(exportMs / 1000, 2),
    rowsPerSecond: Math.round((exportLines - 1) / (exportMs / 1000)),
    peakRssMb: mb(exportPeak),
  };
  console.log(
    `export: ${exportSummary.rows} rows, ${exportSummary.megabytes} MB in ${exportSummary.seconds} s ` +
      `= ${exportSummary.rowsPerSecond} rows/s, peak RSS ${exportSummary.peakRssMb} MB`,
  );

  const summary = {
    when: new Date().toISOString(),
    command: `npx tsx bench/contacts.ts --rows ${ROWS}${BATCH ? ` --batch ${BATCH}` : ''}`,
    batchSize: BATCH ?? 5000,
    database: process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded PostgreSQL (temporary)',
    machine: {
      cpus: os.cpus().length,
      model: os.cpus()[0]?.model,
      memoryGb: mb(os.totalmem()) / 1024,
      node: process.version,
    },
    file: { rows: ROWS, megabytes: mb(fileBytes) },
    upload: { seconds: round(uploadMs / 1000, 2) },
    import: {
      seconds: round(importMs / 1000, 2),
      rowsPerSecond: rowsPerSec,
      created: imp.createdRows,
      updated: imp.updatedRows,
      rejected: imp.rejectedRows,
    },
    rssMb: { before: mb(rss.before), ...rss.at, peak: mb(rss.peak) },
    search,
    export: exportSummary,
    goals: { importRowsPerSecond: 20_000, searchP99Ms: 50 },
  };
  await mkdir(path.join(ROOT, 'bench/results'), { recursive: true });
  await writeFile(path.join(ROOT, 'bench/results/contacts.json'), `${JSON.stringify(summary, null, 2)}\n`);
} finally {
  await app.stop();
  await embedded?.stop();
  await rm(tmp, { recursive: true, force: true });
}
