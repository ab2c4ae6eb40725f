// The whole app (api + worker in one process) on a temporary embedded PostgreSQL (or DATABASE_URL), with the fake Telegram
// Bot API on loopback and a webhook PUBLIC_URL: what the receive and inbox benchmarks run against.
// With `telegramApiRoot` the app talks to a fake Bot API the caller runs elsewhere (bench/fake-telegram-process.ts in a
// child process, as bench/broadcast.ts does) and no in-process fake is started (`tg` is null).

import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { type App, startApp } from '../../server/src/app.ts';
import { loadConfig } from '../../server/src/config.ts';
import type { Role } from '../../server/src/db/schema.ts';
import { hashPassword } from '../../server/src/services/auth.service.ts';
import { FakeTelegram } from '../../server/test/fakes/telegram/index.ts';

export interface BenchAppOptions {
  /** Bot API root of a fake run by the caller; no in-process fake is started. */
  telegramApiRoot?: string;
  /** More configuration (e.g. API_RATE_LIMIT_PER_MINUTE), as the environment would give it. */
  env?: Record<string, string>;
}

export interface BenchApp<T extends FakeTelegram | null> {
  app: App;
  tg: T;
  stop(): Promise<void>;
  /** A new user of this role with a session: its id and bearer token. */
  userToken(role: Role): Promise<{ id: string; token: string }>;
}

export async function startBenchApp(): Promise<BenchApp<FakeTelegram>>;
export async function startBenchApp(
  opts: BenchAppOptions & { telegramApiRoot: string },
): Promise<BenchApp<null>>;
export async function startBenchApp(opts: BenchAppOptions = {}): Promise<BenchApp<FakeTelegram | null>> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-bench-'));
  // initdb runs as an unprivileged user when we are root: it must be able to enter the directory.
  await chmod(dataDir, 0o755);
  const tg = opts.telegramApiRoot ? null : await FakeTelegram.start({ enforceLimits: false });
  const config = loadConfig({
    ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
    PORT: '0',
    SWITCHBOARD_DATA_DIR: dataDir,
    SWITCHBOARD_SECRET_KEY: 'b'.repeat(64),
    TELEGRAM_API_ROOT: opts.telegramApiRoot ?? tg!.apiRoot,
    PUBLIC_URL: 'https://bench.example.test',
    LOG_LEVEL: 'silent',
    ...opts.env,
  });
  const app = await startApp(config, { role: 'start', log: pino({ level: 'silent' }), skipBootstrap: true });
  return {
    app,
    tg,
    /** A new user of this role with a session: its id and bearer token. */
    async userToken(role: Role): Promise<{ id: string; token: string }> {
      const user = await app.services.ctx.repos.users.create({
        email: `${role}-${randomBytes(4).toString('hex')}@bench.test`,
        displayName: `bench ${role}`,
        passwordHash: await hashPassword('bench-password'),
        role,
      });
      return { id: user.id, token: (await app.services.auth.startSession(user)).token };
    },
    async stop() {
      await app.stop();
      await tg?.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
