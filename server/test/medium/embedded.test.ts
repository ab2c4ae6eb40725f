import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alive, freePort, socketDirFor } from '../../src/db/embedded.ts';
import { CliProcess } from '../cli-process.ts';

// The first-run path for real: `node bin/switchboard.mjs start` with no DATABASE_URL, so embedded PostgreSQL
// is initialised under SWITCHBOARD_DATA_DIR, stopped with the process, and found again on the next start.
const ADMIN = { email: 'owner@example.com', password: 'first-run-pass' };
let dataDir: string;
let emptyDir: string;
const started: CliProcess[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-embedded-'));
  // As root the database runs as the `postgres` user, which must reach the directory.
  await chmod(dir, 0o755);
  return dir;
}

async function start(dir: string, env: Record<string, string> = {}, opts: { group?: boolean } = {}) {
  const port = await freePort();
  const proc = CliProcess.spawn(
    ['start'],
    { SWITCHBOARD_DATA_DIR: dir, PORT: String(port), LOG_LEVEL: 'info', ...env },
    opts,
  );
  started.push(proc);
  await proc.ready();
  return { proc, url: `http://127.0.0.1:${port}` };
}

function postmasterPid(dir: string): number | null {
  const file = path.join(dir, 'postgres', 'postmaster.pid');
  return existsSync(file) ? Number(readFileSync(file, 'utf8').split('\n')[0]) : null;
}

async function signIn(url: string): Promise<string> {
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

async function contactStatus(url: string, token: string, id: string): Promise<number> {
  return (await fetch(`${url}/api/v1/contacts/${id}`, { headers: { authorization: `Bearer ${token}` } }))
    .status;
}

beforeAll(async () => {
  dataDir = await tempDir();
  emptyDir = await tempDir();
});

afterAll(async () => {
  await Promise.all(started.map((p) => p.stop('SIGKILL', 1000)));
  for (const dir of [dataDir, emptyDir]) {
    const pid = dir && postmasterPid(dir);
    if (pid && alive(pid)) process.kill(pid, 'SIGINT');
  }
  await new Promise((r) => setTimeout(r, 500));
  await Promise.all([dataDir, emptyDir].map((d) => d && rm(d, { recursive: true, force: true })));
});

describe('embedded PostgreSQL, first run to restart', () => {
  let contactId: string;

  it('starts on an empty data dir, creates the owner from the environment, and serves the API', async () => {
    const { proc, url } = await start(dataDir, {
      SWITCHBOARD_ADMIN_EMAIL: ADMIN.email,
      SWITCHBOARD_ADMIN_PASSWORD: ADMIN.password,
    });
    expect((await fetch(`${url}/health`)).status).toBe(200);
    const token = await signIn(url);
    const res = await fetch(`${url}/api/v1/contacts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ name: 'Survives Restarts' }),
    });
    expect(res.status).toBe(201);
    contactId = ((await res.json()) as { id: string }).id;

    const pgPid = postmasterPid(dataDir);
    expect(pgPid).toBeGreaterThan(0);
    // The app reaches it through a unix socket in its data directory (socketDirFor), TCP on loopback being the fallback.
    const { port } = JSON.parse(readFileSync(path.join(dataDir, 'embedded.json'), 'utf8')) as {
      port: number;
    };
    expect(existsSync(path.join(dataDir, 'postgres', `.s.PGSQL.${port}`))).toBe(true);
    expect(await proc.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(proc.errors).toEqual([]);
    expect(postmasterPid(dataDir)).toBeNull();
    expect(alive(pgPid!)).toBe(false);
    expect(existsSync(path.join(dataDir, 'embedded.json'))).toBe(false);
  });

  it('puts the unix socket in the data directory unless its path would pass the kernel limit', () => {
    expect(socketDirFor('/srv/switchboard/data/postgres')).toBe('/srv/switchboard/data/postgres');
    expect(socketDirFor(`/srv/${'x'.repeat(100)}/postgres`)).toBeNull();
  });

  it('generated secret.key readable by its owner only', async () => {
    expect((await stat(path.join(dataDir, 'secret.key'))).mode & 0o777).toBe(0o600);
  });

  it('keeps the data across a restart', async () => {
    const { proc, url } = await start(dataDir);
    expect(await contactStatus(url, await signIn(url), contactId)).toBe(200);
    // Killed without a chance to clean up: its PostgreSQL (a separate process group) keeps running.
    await proc.stop('SIGKILL');
    expect(alive(postmasterPid(dataDir)!)).toBe(true);
  });

  it('starts after a SIGKILLed run by stopping the orphaned PostgreSQL first', async () => {
    const orphan = postmasterPid(dataDir)!;
    const { proc, url } = await start(dataDir, {}, { group: true });
    expect(proc.lines.some((l) => /left running by an earlier process/.test(l.msg ?? ''))).toBe(true);
    expect(alive(orphan)).toBe(false);
    expect(await contactStatus(url, await signIn(url), contactId)).toBe(200);

    // Ctrl-C in a terminal: SIGINT to the whole process group at once.
    process.kill(-proc.pid, 'SIGINT');
    expect(await proc.exited).toEqual({ code: 0, signal: null });
    expect(proc.errors).toEqual([]);
    expect(postmasterPid(dataDir)).toBeNull();
  });
});

describe('embedded PostgreSQL without admin credentials', () => {
  it('prints a one-time setup link that opens the setup page', async () => {
    const { proc, url } = await start(emptyDir);
    const line = await proc.waitFor((l) => /\/setup\?token=/.test(l.msg ?? ''));
    const link = /(http:\/\/\S+\/setup\?token=\S+)/.exec(line.msg!)![1]!;
    expect(link.startsWith(`${url}/setup?token=sbsetup_`)).toBe(true);
    expect((await fetch(link)).status).toBe(200);
    expect(await proc.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  });
});
