import { randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CliProcess } from './cli-process.ts';
import { withDatabase } from './support/global-setup.ts';
import { startTestApp, type TestApp } from './support/test-app.ts';

// `node bin/switchboard.mjs …` as an operator runs it: real child processes against a fresh, empty database.
let databaseUrl: string;

beforeAll(async () => {
  const name = `sb_cli_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const server = new pg.Client({ connectionString: inject('pgAdminUrl') });
  await server.connect();
  await server.query(`create database ${name}`);
  await server.end();
  databaseUrl = withDatabase(inject('pgAdminUrl'), name);
});

async function run(args: string[], env: Record<string, string> = {}, input?: string) {
  const proc = CliProcess.spawn(args, { DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn', ...env }, { input });
  const { code } = await proc.exited;
  return { code, output: proc.output };
}

describe('switchboard CLI', () => {
  it('prints usage for help, and exits 0', async () => {
    const { code, output } = await run(['help']);
    expect(code).toBe(0);
    expect(output).toContain('Usage: switchboard <command>');
    expect(output).toContain('create-user --email E --role R');
  });

  it('exits 2 on an unknown command, with the usage', async () => {
    const { code, output } = await run(['serve']);
    expect(code).toBe(2);
    expect(output).toContain('Unknown command "serve"');
    expect(output).toContain('Usage: switchboard <command>');
  });

  it('exits 2 on a bad environment and names every problem at once', async () => {
    const { code, output } = await run(['start'], {
      PORT: 'abc',
      LOG_LEVEL: 'loud',
      DATABASE_URL: 'mysql://x',
    });
    expect(code).toBe(2);
    expect(output).toContain('Invalid configuration');
    expect(output).toContain('PORT: must be an integer from 0 to 65535, got "abc"');
    expect(output).toContain('LOG_LEVEL: must be one of');
    expect(output).toContain('"loud"');
    expect(output).toContain('DATABASE_URL: must start with postgres://');
  });

  it('migrate applies every migration to an empty database and exits 0', async () => {
    const { code, output } = await run(['migrate']);
    expect(code, output).toBe(0);
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const rows = (await client.query('select name from schema_migrations order by version')).rows;
      const files = (await readdir(path.resolve(import.meta.dirname, '../src/db/migrations')))
        .filter((f) => f.endsWith('.sql'))
        .sort();
      expect(rows.map((r) => r.name)).toEqual(files);
    } finally {
      await client.end();
    }
  });

  it.each([
    [
      ['--email', 'x@y.z', '--role', 'chief'],
      '--role must be one of owner, admin, agent, marketing, readonly',
    ],
    [['--email', 'not-an-email', '--role', 'agent'], '--email must be an email address'],
    [['--email', 'x@y.z', '--role', 'agent', '--colour', 'red'], "Unknown option '--colour'"],
  ])('create-user %j exits 2 naming the problem', async (args, message) => {
    const { code, output } = await run(['create-user', ...args], {}, 'password123\n');
    expect(code).toBe(2);
    expect(output).toContain(message);
  });

  it('create-user refuses a password shorter than 8 characters', async () => {
    const { code, output } = await run(
      ['create-user', '--email', 'short@y.z', '--role', 'agent'],
      {},
      'short\n',
    );
    expect(code).toBe(2);
    expect(output).toContain('at least 8 characters');
  });

  describe('create-user reading the password from stdin', () => {
    let app: TestApp;
    beforeAll(async () => {
      const { code, output } = await run(
        ['create-user', '--email', 'x@y.z', '--role', 'agent', '--name', 'Xavier'],
        {},
        'a long passphrase\n',
      );
      expect(code, output).toBe(0);
      expect(output).toMatch(/created agent x@y\.z \(/);
      app = await startTestApp({ databaseUrl, role: 'api' });
    });
    afterAll(async () => {
      await app?.stop();
    });

    it('creates a user who can sign in with that password', async () => {
      const res = await app.http!.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: 'x@y.z', password: 'a long passphrase' },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().user).toMatchObject({ email: 'x@y.z', role: 'agent', displayName: 'Xavier' });
    });

    it('exits 1 when the email is taken', async () => {
      const { code, output } = await run(
        ['create-user', '--email', 'X@Y.Z', '--role', 'admin'],
        {},
        'another password\n',
      );
      expect(code).toBe(1);
      expect(output).toContain('exists');
    });
  });
});
