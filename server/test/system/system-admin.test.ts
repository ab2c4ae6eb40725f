import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.ts';
import { bearer, startTestApp, type TestApp } from '../support/test-app.ts';

/**
 * The System page's API against a real worker: a job that really fails in its handler shows up with its error, a retry
 * runs it again (and, once the cause is gone, it succeeds and leaves the queue), and only system roles get in.
 */

let app: TestApp;
let admin: string;
let agent: string;

const call = async (method: 'GET' | 'POST', url: string, token = admin) => {
  const res = await app.http!.inject({ method, url, headers: bearer(token) });
  return { status: res.statusCode, body: res.json() };
};

interface JobRow {
  id: string;
  task: string;
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
  permanent: boolean;
}

beforeAll(async () => {
  app = await startTestApp();
  admin = (await app.userWithRole('admin')).token;
  agent = (await app.userWithRole('agent')).token;
  // system.probe records its token; this constraint makes the insert, and so the job, fail for one token until dropped.
  await sql`alter table system_probes add constraint doomed_probe check (token <> 'doomed')`.execute(
    app.services.ctx.db,
  );
});
afterAll(async () => {
  await app?.stop();
});

describe('system jobs', () => {
  it('shows a failed job with its error and attempts, and a retry runs it again', async () => {
    await app.services.ctx.repos.jobs.add('system.probe', { token: 'doomed' }, { maxAttempts: 1 });
    const failed = await eventually(
      async () => {
        const { body } = await call('GET', '/api/v1/system/jobs');
        return (body.failed as JobRow[]).find((j) => j.task === 'system.probe');
      },
      15_000,
      'the probe job to fail',
    );
    expect(failed).toMatchObject({ attempts: 1, maxAttempts: 1, permanent: true });
    expect(failed.lastError).toContain('doomed_probe');

    const { body: jobs } = await call('GET', '/api/v1/system/jobs');
    expect(jobs.tasks.find((t: { task: string }) => t.task === 'system.probe')).toMatchObject({
      failed: 1,
      running: 0,
    });
    expect(jobs.totals.failed).toBeGreaterThanOrEqual(1);

    // The cause goes away; the retry resets the attempts and the worker picks the job up again.
    await sql`alter table system_probes drop constraint doomed_probe`.execute(app.services.ctx.db);
    const retried = await call('POST', `/api/v1/system/jobs/${failed.id}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body.id).toBe(failed.id);
    await eventually(
      async () => (await app.services.system.probeRuns('doomed')).length === 1,
      15_000,
      'the retried probe to run',
    );
    await eventually(
      async () => {
        const { body } = await call('GET', '/api/v1/system/jobs');
        return !(body.failed as JobRow[]).some((j) => j.id === failed.id);
      },
      15_000,
      'the job to leave the failed list',
    );
    const audit = await sql<{ action: string; entityId: string }>`
      select action, entity_id from audit_log where action = 'job.retried'`.execute(app.services.ctx.db);
    expect(audit.rows).toEqual([{ action: 'job.retried', entityId: failed.id }]);
  });

  it('answers 404 for a job that no longer exists', async () => {
    const { status, body } = await call('POST', '/api/v1/system/jobs/999999999/retry');
    expect(status).toBe(404);
    expect(body.error.code).toBe('not_found');
  });

  it('refuses agents on every system route', async () => {
    expect((await call('GET', '/api/v1/system/jobs', agent)).status).toBe(403);
    expect((await call('GET', '/api/v1/system/status', agent)).status).toBe(403);
    expect((await call('POST', '/api/v1/system/jobs/1/retry', agent)).status).toBe(403);
  });
});

describe('system status', () => {
  it('reports the version, this worker process alive, the database size and each recurring job’s next run', async () => {
    const { status, body } = await call('GET', '/api/v1/system/status');
    expect(status).toBe(200);
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'));
    expect(body.version).toBe(pkg.version);
    expect(body.databaseSizeBytes).toBeGreaterThan(1_000_000);
    expect(body.workers).toContainEqual(expect.objectContaining({ pid: process.pid, alive: true }));
    const prune = body.scheduled.find((s: { identifier: string }) => s.identifier === 'telegram.rate_prune');
    // Every minute: the next run is the next whole minute, the one after it a minute later.
    const next = Date.parse(prune.nextRunAt);
    expect(next % 60_000).toBe(0);
    expect(next).toBeGreaterThan(Date.now() - 1000);
    expect(Date.parse(prune.followingRunAt) - next).toBe(60_000);
  });
});
