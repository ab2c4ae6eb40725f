import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, decodeKey, loadConfig, loadDotenv } from './config.ts';

/** The problems loadConfig reports for this environment (fails if it accepts it). */
function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

const HEX_KEY = 'ab'.repeat(32);

describe('loadConfig', () => {
  it('names BROADCAST_IN_DOUBT when it is neither unknown nor resend', () => {
    expect(problemsOf({ BROADCAST_IN_DOUBT: 'maybe' })).toEqual([
      'BROADCAST_IN_DOUBT: must be unknown or resend, got "maybe"',
    ]);
  });

  it('has working defaults for an empty environment', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      publicUrl: 'http://127.0.0.1:3000',
      databaseUrl: null,
      dataDir: path.resolve('./data'),
      secretKey: null,
      adminEmail: null,
      adminPassword: null,
      logLevel: 'info',
      workerConcurrency: 10,
      bodyLimitBytes: 10 * 1024 * 1024,
      apiRateLimitPerMinute: 1200,
      sessionTtlHours: 720,
      telegramApiRoot: 'https://api.telegram.org',
      broadcastInDoubt: 'unknown',
    });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('reads every variable', () => {
    const c = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      PUBLIC_URL: 'https://sb.example.com/',
      DATABASE_URL: 'postgresql://u:p@db:5432/sb',
      SWITCHBOARD_DATA_DIR: '/var/lib/sb',
      SWITCHBOARD_SECRET_KEY: HEX_KEY,
      SWITCHBOARD_ADMIN_EMAIL: 'owner@example.com',
      SWITCHBOARD_ADMIN_PASSWORD: 'long enough',
      LOG_LEVEL: 'debug',
      WORKER_CONCURRENCY: '4',
      BODY_LIMIT_MB: '2',
      API_RATE_LIMIT_PER_MINUTE: '60',
      SESSION_TTL_HOURS: '12',
      BROADCAST_IN_DOUBT: 'resend',
    });
    expect(c).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      publicUrl: 'https://sb.example.com',
      databaseUrl: 'postgresql://u:p@db:5432/sb',
      dataDir: '/var/lib/sb',
      secretKey: HEX_KEY,
      adminEmail: 'owner@example.com',
      adminPassword: 'long enough',
      logLevel: 'debug',
      workerConcurrency: 4,
      bodyLimitBytes: 2 * 1024 * 1024,
      apiRateLimitPerMinute: 60,
      sessionTtlHours: 12,
      broadcastInDoubt: 'resend',
    });
  });

  it('shows localhost in the default public URL when listening on every interface', () => {
    expect(loadConfig({ HOST: '0.0.0.0', PORT: '4000' }).publicUrl).toBe('http://localhost:4000');
    expect(loadConfig({ HOST: '::' }).publicUrl).toBe('http://localhost:3000');
  });

  it('treats blank variables as unset', () => {
    expect(loadConfig({ PORT: '  ', DATABASE_URL: '', LOG_LEVEL: ' ' })).toMatchObject({
      port: 3000,
      databaseUrl: null,
      logLevel: 'info',
    });
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['PORT', '0x10'],
    ['PORT', '3e3'],
    ['PORT', '80.5'],
    ['DATABASE_URL', 'mysql://localhost/sb'],
    ['PUBLIC_URL', 'ftp://example.com'],
    ['PUBLIC_URL', 'not a url'],
    ['TELEGRAM_API_ROOT', 'api.telegram.org'],
    ['TELEGRAM_API_ROOT', 'ftp://bots.example.com'],
    ['SWITCHBOARD_SECRET_KEY', 'too-short'],
    ['SWITCHBOARD_SECRET_KEY', 'ab'.repeat(31)],
    ['LOG_LEVEL', 'loud'],
    ['WORKER_CONCURRENCY', '0'],
    ['WORKER_CONCURRENCY', '201'],
    ['BODY_LIMIT_MB', '2048'],
    ['API_RATE_LIMIT_PER_MINUTE', '0'],
    ['SESSION_TTL_HOURS', '1.5'],
  ])('names %s when it is %j', (name, value) => {
    const problems = problemsOf({ [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${name}:`));
  });

  it('reports every problem at once, in one error message', () => {
    const env = { PORT: 'x', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x', WORKER_CONCURRENCY: '0' };
    const problems = problemsOf(env);
    expect(problems.map((p) => p.split(':')[0])).toEqual([
      'PORT',
      'DATABASE_URL',
      'LOG_LEVEL',
      'WORKER_CONCURRENCY',
    ]);
    expect(() => loadConfig(env)).toThrow(/PORT[\s\S]*DATABASE_URL[\s\S]*LOG_LEVEL[\s\S]*WORKER_CONCURRENCY/);
  });

  it('reads TELEGRAM_API_ROOT without its trailing slash', () => {
    expect(loadConfig({ TELEGRAM_API_ROOT: 'http://127.0.0.1:8081/' }).telegramApiRoot).toBe(
      'http://127.0.0.1:8081',
    );
  });

  it('reads TRUST_PROXY as a boolean and names it when it is not one', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(problemsOf({ TRUST_PROXY: 'yes please' })).toEqual([
      'TRUST_PROXY: must be true or false, got "yes please"',
    ]);
  });

  it('wants the admin email and password together', () => {
    expect(problemsOf({ SWITCHBOARD_ADMIN_EMAIL: 'a@b.co' })).toEqual([
      expect.stringMatching(/SWITCHBOARD_ADMIN_EMAIL and SWITCHBOARD_ADMIN_PASSWORD/),
    ]);
    expect(problemsOf({ SWITCHBOARD_ADMIN_PASSWORD: 'password123' })).toEqual([
      expect.stringMatching(/SWITCHBOARD_ADMIN_EMAIL and SWITCHBOARD_ADMIN_PASSWORD/),
    ]);
    expect(problemsOf({ SWITCHBOARD_ADMIN_EMAIL: 'a@b.co', SWITCHBOARD_ADMIN_PASSWORD: '' })).toHaveLength(1);
  });

  it('checks the admin email and password themselves', () => {
    expect(
      problemsOf({ SWITCHBOARD_ADMIN_EMAIL: 'nope', SWITCHBOARD_ADMIN_PASSWORD: 'password123' }),
    ).toEqual([expect.stringMatching(/^SWITCHBOARD_ADMIN_EMAIL:/)]);
    expect(problemsOf({ SWITCHBOARD_ADMIN_EMAIL: 'a@b.co', SWITCHBOARD_ADMIN_PASSWORD: 'short' })).toEqual([
      expect.stringMatching(/^SWITCHBOARD_ADMIN_PASSWORD:/),
    ]);
  });

  it('keeps the admin password exactly as given, spaces included', () => {
    const c = loadConfig({ SWITCHBOARD_ADMIN_EMAIL: 'a@b.co', SWITCHBOARD_ADMIN_PASSWORD: ' pass word ' });
    expect(c.adminPassword).toBe(' pass word ');
  });
});

describe('decodeKey', () => {
  it('accepts 32 bytes as hex or base64', () => {
    expect(decodeKey(HEX_KEY)).toEqual(Buffer.alloc(32, 0xab));
    expect(decodeKey(Buffer.alloc(32, 7).toString('base64'))).toEqual(Buffer.alloc(32, 7));
  });
  it('refuses other lengths', () => {
    expect(decodeKey('ab'.repeat(16))).toBeNull();
    expect(decodeKey(Buffer.alloc(16).toString('base64'))).toBeNull();
    expect(decodeKey('')).toBeNull();
  });
});

describe('loadDotenv', () => {
  it('reads a .env file and answers nothing when there is none', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sb-env-'));
    const file = path.join(dir, '.env');
    expect(loadDotenv(file)).toEqual({});
    await writeFile(file, 'PORT=4000\n# comment\nLOG_LEVEL="warn"\n');
    expect(loadDotenv(file)).toEqual({ PORT: '4000', LOG_LEVEL: 'warn' });
  });
});
