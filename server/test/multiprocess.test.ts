import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDatabase } from '../src/db/database.ts';
import { freePort } from '../src/db/embedded.ts';
import { migrate } from '../src/db/migrate.ts';
import { repositories } from '../src/repositories/index.ts';
import { hashPassword } from '../src/services/auth.service.ts';
import { CliProcess } from './cli-process.ts';
import { TestSocket } from './realtime-client.ts';
import { withDatabase } from './support/global-setup.ts';
import { TEST_SECRET_KEY } from './support/test-app.ts';
import { createTestDatabase } from './support/test-db.ts';

// Real child processes (`node bin/switchboard.mjs api|worker`) sharing one PostgreSQL, as in a scaled-out deployment.
let databaseUrl: string;
let dataDir: string;
let admin: pg.Client;
const workers: CliProcess[] = [];
const apis: Array<{ proc: CliProcess; url: string }> = [];
const sockets: TestSocket[] = [];

beforeAll(async () => {
  databaseUrl = await createTestDatabase();
  admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-mp-'));
  const env = (extra: Record<string, string>) => ({
    DATABASE_URL: databaseUrl,
    SWITCHBOARD_SECRET_KEY: TEST_SECRET_KEY,
    SWITCHBOARD_DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    // Few slots per worker: 200 jobs then need many fetch rounds, so both workers compete for every one.
    WORKER_CONCURRENCY: '2',
    ...extra,
  });
  for (let i = 0; i < 2; i++) workers.push(CliProcess.spawn(['worker'], env({})));
  for (let i = 0; i < 2; i++) {
    const port = await freePort();
    apis.push({
      proc: CliProcess.spawn(['api'], env({ PORT: String(port) })),
      url: `http://127.0.0.1:${port}`,
    });
  }
  await Promise.all([...workers, ...apis.map((a) => a.proc)].map((p) => p.ready(90_000)));
}, 120_000);

afterAll(async () => {
  for (const s of sockets) s.close();
  await Promise.all([...workers, ...apis.map((a) => a.proc)].map((p) => p.stop('SIGTERM', 10_000)));
  await admin?.end();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function signIn(): Promise<string> {
  const { db } = createDatabase(databaseUrl, 1);
  const email = `mp-${randomUUID()}@example.com`;
  try {
    await repositories(db).users.create({
      email,
      displayName: 'Multi Process',
      passwordHash: await hashPassword('password123'),
      role: 'agent',
    });
  } finally {
    await db.destroy();
  }
  const res = await fetch(`${apis[0]!.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'password123' }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

async function socketsInContacts(token: string): Promise<TestSocket[]> {
  const list = await Promise.all(apis.map((a) => TestSocket.open(a.url, token)));
  sockets.push(...list);
  for (const s of list) expect(await s.join('contacts')).toEqual({ type: 'joined', room: 'contacts' });
  return list;
}

describe('several worker processes', () => {
  it('run each of 200 queued jobs exactly once, and both take part', async () => {
    const token = randomUUID();
    await admin.query(
      `select graphile_worker.add_job('system.probe', json_build_object('token', $1::text)) from generate_series(1, 200)`,
      [token],
    );
    const deadline = Date.now() + 60_000;
    let runs: Array<{ job_id: string; process_id: number }> = [];
    while (Date.now() < deadline) {
      runs = (await admin.query('select job_id, process_id from system_probes where token = $1', [token]))
        .rows;
      const pending = await admin.query(
        `select count(*)::int as n from graphile_worker.jobs where task_identifier = 'system.probe'`,
      );
      if (runs.length >= 200 && pending.rows[0].n === 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(runs).toHaveLength(200);
    expect(new Set(runs.map((r) => r.job_id)).size).toBe(200);
    expect(new Set(runs.map((r) => r.process_id))).toEqual(new Set(workers.map((w) => w.pid)));
  });
});

describe('realtime across api processes', () => {
  it('delivers a contact created through one api process to sockets on both', async () => {
    const token = await signIn();
    const socketsByApi = await socketsInContacts(token);
    const res = await fetch(`${apis[0]!.url}/api/v1/contacts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ name: 'Everywhere Eve' }),
    });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    for (const s of socketsByApi) {
      const event = await s.waitFor(
        (m) => m.event === 'contact.created' && (m.data as { contact: { id: string } }).contact.id === id,
      );
      expect(event).toMatchObject({ room: 'contacts', data: { contact: { name: 'Everywhere Eve' } } });
    }
  });

  it('delivers events raised inside a worker process (import progress) to sockets on both', async () => {
    // api processes run no jobs, so import.progressed can only come from one of the worker processes.
    const token = await signIn();
    const list = await Promise.all(apis.map((a) => TestSocket.open(a.url, token)));
    sockets.push(...list);
    for (const s of list) expect(await s.join('imports')).toMatchObject({ type: 'joined' });
    const res = await fetch(`${apis[0]!.url}/api/v1/contacts/import`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', authorization: `Bearer ${token}` },
      body: 'name,email\nAda,ada@example.com\nGrace,grace@example.com\n',
    });
    expect(res.status, await res.clone().text()).toBe(202);
    const { id } = (await res.json()) as { id: string };
    for (const s of list) {
      const event = await s.waitFor((m) => {
        const imp = (m.data as { import?: { id: string; status: string } } | undefined)?.import;
        return m.event === 'import.progressed' && imp?.id === id && imp.status === 'completed';
      }, 30_000);
      expect(event.room).toBe('imports');
    }
  });
});

describe('migrations from several processes at once', () => {
  it('all succeed on an empty database and apply each file once', async () => {
    const name = `sb_mig_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    const server = new pg.Client({ connectionString: inject('pgAdminUrl') });
    await server.connect();
    await server.query(`create database ${name}`);
    await server.end();
    const url = withDatabase(inject('pgAdminUrl'), name);
    const pools = [1, 2, 3].map(() => {
      const pool = new pg.Pool({ connectionString: url, max: 3 });
      pool.on('error', () => undefined);
      pool.on('connect', (c) => c.on('error', () => undefined));
      return pool;
    });
    try {
      const results = await Promise.all(pools.map((p) => migrate(p, pino({ level: 'silent' }))));
      const files = (await readdir(path.resolve(import.meta.dirname, '../src/db/migrations'))).filter((f) =>
        f.endsWith('.sql'),
      );
      expect(results.flat().sort()).toEqual(files.sort());
      const rows = (await pools[0]!.query('select name from schema_migrations order by version')).rows;
      expect(rows.map((r) => r.name)).toEqual(files.sort());
      const jobs = await pools[0]!.query(`select count(*)::int as n from graphile_worker.jobs`);
      expect(jobs.rows[0].n).toBe(0);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });
});

describe('shutdown', () => {
  it('every process exits 0 on SIGTERM without error logs', async () => {
    const all = [...workers, ...apis.map((a) => a.proc)];
    for (const s of sockets) s.close();
    const results = await Promise.all(all.map((p) => p.stop('SIGTERM', 10_000)));
    expect(results).toEqual(all.map(() => ({ code: 0, signal: null })));
    expect(all.flatMap((p) => p.errors)).toEqual([]);
  });
});
