import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { pino } from 'pino';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../src/db/embedded.ts';
import { migrate } from '../../src/db/migrate.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A superuser URL of the test server (database name replaced per test file). */
    pgAdminUrl: string;
    /** Why building the web app failed in the global setup; empty when web/dist holds this run's build. */
    webBuildError: string;
  }
}

export const TEMPLATE_DB = 'switchboard_template';

/** One embedded Postgres for the run, with a migrated template database every test file clones. */
export default async function setup(project: TestProject) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-test-'));
  await chmod(dir, 0o755);
  const log = pino({ level: 'silent' });
  const embedded = await startEmbeddedPostgres(dir, log);
  const admin = new pg.Client({ connectionString: embedded.url });
  await admin.connect();
  await admin.query(`drop database if exists ${TEMPLATE_DB}`);
  await admin.query(`create database ${TEMPLATE_DB}`);
  await admin.end();
  const templateUrl = withDatabase(embedded.url, TEMPLATE_DB);
  const pool = new pg.Pool({ connectionString: templateUrl, max: 2 });
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  await migrate(pool, log);
  await pool.end();
  project.provide('pgAdminUrl', embedded.url);
  // The browser tests share one build of the web app: files building it in parallel would write web/dist at once.
  // The files run alone (vitest.config.ts) have no browser tests: only the main project builds the app.
  project.provide(
    'webBuildError',
    project.name === 'server' ? await buildWebAppOnce() : 'the web app is built for the server project only',
  );
  return async () => {
    await embedded.stop();
    await rm(dir, { recursive: true, force: true });
  };
}

/** Builds web/dist from the current sources; a failure only fails the browser tests (they report this message). */
async function buildWebAppOnce(): Promise<string> {
  try {
    const { build } = await import('vite');
    await build({
      configFile: path.resolve(import.meta.dirname, '../../../web/vite.config.ts'),
      logLevel: 'error',
    });
    return '';
  } catch (err) {
    return (err as Error).message || String(err);
  }
}

/** The same server URL with another database name. */
export function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}
