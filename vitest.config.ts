import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Test files mostly wait (on PostgreSQL, timers, the fake servers, the browser), so three run at once even on two cores;
    // the default on a two-core machine ran them one after another.
    maxWorkers: 3,
    projects: [
      {
        test: {
          name: 'server',
          include: ['server/**/*.test.ts'],
          // One embedded Postgres for the whole run; each test file clones a migrated template database.
          globalSetup: ['server/test/support/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          pool: 'forks',
        },
      },
      {
        // The web app's logic and components: plain Node, no database (components render to static markup).
        oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
        test: { name: 'web', include: ['web/src/**/*.test.{ts,tsx}'], environment: 'node' },
      },
    ],
  },
});
