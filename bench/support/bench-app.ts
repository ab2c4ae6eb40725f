// The whole app (api + worker in one process) on a temporary embedded PostgreSQL (or DATABASE_URL), with the fake Telegram
// Bot API on loopback and a webhook PUBLIC_URL: what the receive and inbox benchmarks run against.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { startApp } from '../../server/src/app.ts';
import { loadConfig } from '../../server/src/config.ts';
import { FakeTelegram } from '../../server/test/fakes/telegram/index.ts';

export async function startBenchApp() {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-bench-'));
  // initdb runs as an unprivileged user when we are root: it must be able to enter the directory.
  await chmod(dataDir, 0o755);
  const tg = await FakeTelegram.start({ enforceLimits: false });
  const config = loadConfig({
    ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
    PORT: '0',
    SWITCHBOARD_DATA_DIR: dataDir,
    SWITCHBOARD_SECRET_KEY: 'b'.repeat(64),
    TELEGRAM_API_ROOT: tg.apiRoot,
    PUBLIC_URL: 'https://bench.example.test',
    LOG_LEVEL: 'silent',
  });
  const app = await startApp(config, { role: 'start', log: pino({ level: 'silent' }), skipBootstrap: true });
  return {
    app,
    tg,
    async stop() {
      await app.stop();
      await tg.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
