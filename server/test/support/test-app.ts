import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { type App, type ProcessRole, startApp } from '../../src/app.ts';
import { type Config, loadConfig } from '../../src/config.ts';
import type { Role, User } from '../../src/db/schema.ts';
import type { NotificationListenerOptions } from '../../src/jobs/notification-listener.ts';
import type { LivenessOptions } from '../../src/jobs/worker-liveness.ts';
import type { Clock } from '../../src/lib/clock.ts';
import type { RealtimeHubOptions } from '../../src/realtime/hub.ts';
import { hashPassword, type LoginThrottle } from '../../src/services/auth.service.ts';
import { createTestDatabase } from './test-db.ts';

export const TEST_SECRET_KEY = 'a'.repeat(64);

export interface TestApp extends App {
  /** Creates a user with this role and returns it with a session token. */
  userWithRole(
    role: Role,
    overrides?: Partial<{ email: string; password: string }>,
  ): Promise<{ user: User; token: string }>;
  /** An API key of this role. */
  apiKeyWithRole(role: Role): Promise<string>;
}

let counter = 0;

/** Starts Switchboard on a fresh database (port 0, silent logs, no bootstrap). */
export async function startTestApp(
  opts: {
    role?: ProcessRole;
    databaseUrl?: string;
    env?: Record<string, string>;
    liveness?: LivenessOptions;
    realtime?: RealtimeHubOptions;
    /** A fake clock for the services (login links, throttling). */
    clock?: Clock;
    loginThrottle?: Partial<LoginThrottle>;
    /** The notification drain's poll (a test of the NOTIFY path makes it too long to matter). */
    notificationListener?: NotificationListenerOptions;
  } = {},
): Promise<TestApp> {
  const databaseUrl = opts.databaseUrl ?? (await createTestDatabase());
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-app-'));
  const config: Config = loadConfig({
    PORT: '0',
    DATABASE_URL: databaseUrl,
    SWITCHBOARD_DATA_DIR: dataDir,
    SWITCHBOARD_SECRET_KEY: TEST_SECRET_KEY,
    LOG_LEVEL: 'silent',
    ...opts.env,
  });
  const app = await startApp(config, {
    role: opts.role ?? 'start',
    // TEST_LOG=error (or debug) shows the app's log while chasing a failing test.
    log: pino({ level: process.env.TEST_LOG ?? 'silent' }),
    skipBootstrap: true,
    pollIntervalMs: 200,
    liveness: opts.liveness,
    realtime: opts.realtime,
    clock: opts.clock,
    loginThrottle: opts.loginThrottle,
    notificationListener: opts.notificationListener,
  });
  const { services } = app;
  return {
    ...app,
    async stop() {
      await app.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
    async userWithRole(role, overrides = {}) {
      counter += 1;
      const user = await services.ctx.repos.users.create({
        email: (overrides.email ?? `${role}${counter}-${process.pid}@example.com`).toLowerCase(),
        displayName: `${role} ${counter}`,
        passwordHash: await hashPassword(overrides.password ?? 'password123'),
        role,
      });
      const { token } = await services.auth.startSession(user);
      return { user, token };
    },
    async apiKeyWithRole(role) {
      const owner = {
        kind: 'api_key' as const,
        id: 'test',
        name: 'test',
        role: 'owner' as const,
        rateLimitPerMinute: null,
      };
      const created = await services.apiKeys.create(
        owner,
        { type: 'system', id: null, name: 'test' },
        { name: `key ${role}`, role },
      );
      return created.key;
    },
  };
}

/** `Authorization` header for a token. */
export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
