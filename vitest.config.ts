import { defineConfig } from 'vitest/config';

/**
 * Files that spawn worker processes, kill them, or hold Telegram's limits to the second: they run one at a time after the
 * others, so a busy machine cannot stretch their timing (a limiter granting on time is useless if its process is
 * descheduled before it sends).
 */
const ALONE = [
  'server/test/telegram/broadcast-crash.test.ts',
  'server/test/telegram/sending-multiprocess.test.ts',
  'server/test/telegram/polling.test.ts',
  'server/test/notifications/wakeup-multiprocess.test.ts',
  'server/test/multiprocess.test.ts',
  'server/test/cli.test.ts',
  'server/test/medium/embedded.test.ts',
  'server/test/automations/exactly-once.test.ts',
  'server/src/channels/telegram/telegram.limiter.fake.test.ts',
  'server/src/channels/telegram/telegram.limiter.test.ts',
];

const server = {
  // One embedded Postgres per project; each test file clones a migrated template database.
  globalSetup: ['server/test/support/global-setup.ts'],
  testTimeout: 30_000,
  hookTimeout: 60_000,
  pool: 'forks' as const,
};

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          ...server,
          name: 'server',
          include: ['server/**/*.test.ts'],
          exclude: ALONE,
          // A worker process reuses its loaded modules from file to file: importing the app once per file cost more than
          // half the run (405 s of 610). Files share no state but module caches: each starts its own app on its own database.
          isolate: false,
          // Most files wait (on PostgreSQL, timers, the fakes, the browser), so three run at once even on two cores; the
          // default on a two-core machine ran them one after another.
          maxWorkers: 3,
        },
      },
      {
        // The web app's logic and components: plain Node, no database (components render to static markup).
        oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
        test: { name: 'web', include: ['web/src/**/*.test.{ts,tsx}'], environment: 'node', maxWorkers: 3 },
      },
      {
        test: {
          ...server,
          name: 'server-alone',
          include: ALONE,
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
