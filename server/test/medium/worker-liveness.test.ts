import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ role: 'worker', liveness: { heartbeatMs: 200, staleMs: 1000 } });
});
afterAll(async () => {
  await app.stop();
});

describe('worker liveness', () => {
  it('runs a job again when the worker process that locked it stopped heartbeating', async () => {
    const { db } = app.services.ctx;
    // A job locked by a worker of a process that died: without the sweep, graphile-worker would leave it for 4 hours.
    const job = await sql<{ id: string }>`
      select id from graphile_worker.add_job('system.probe', '{"token":"orphan"}'::json, run_at => now() + interval '1 hour')`.execute(
      db,
    );
    const jobId = job.rows[0]!.id;
    await sql`update graphile_worker._private_jobs set locked_at = now(), locked_by = 'worker-dead', run_at = now() where id = ${jobId}`.execute(
      db,
    );
    await sql`insert into worker_processes (id, worker_ids, hostname, pid, heartbeat_at)
              values (gen_random_uuid(), '{worker-dead}', 'gone', 1, now() - interval '1 hour')`.execute(db);

    const runs = await eventually(
      async () => {
        const r = await app.services.system.probeRuns('orphan');
        return r.length > 0 ? r : undefined;
      },
      20_000,
      'the orphaned job to run',
    );
    expect(runs).toEqual([{ jobId: String(jobId), processId: process.pid }]);
    const left = await sql<{
      n: number;
    }>`select count(*)::int as n from worker_processes where 'worker-dead' = any(worker_ids)`.execute(db);
    expect(left.rows[0]!.n).toBe(0);
  });

  it("records the id graphile-worker really locks this process's jobs with", async () => {
    const { db } = app.services.ctx;
    // Hold the probe's insert so its job stays running (and locked) while we look at who locked it.
    const blocker = await db.connection().execute(async (conn) => {
      await sql`begin`.execute(conn);
      await sql`lock table system_probes in exclusive mode`.execute(conn);
      try {
        await app.services.system.queueProbes('locked-by', 1);
        const lockedBy = await eventually(
          async () => {
            const r = await sql<{ lockedBy: string | null }>`
              select j.locked_by from graphile_worker._private_jobs j
                join graphile_worker._private_tasks t on t.id = j.task_id
               where t.identifier = 'system.probe' and j.payload->>'token' = 'locked-by'`.execute(db);
            return r.rows[0]?.lockedBy ?? undefined;
          },
          10_000,
          'the probe job to be locked',
        );
        const recorded = await sql<{ n: number }>`
          select count(*)::int as n from worker_processes where ${lockedBy} = any(worker_ids) and pid = ${process.pid}`.execute(
          db,
        );
        return { lockedBy, recorded: recorded.rows[0]!.n };
      } finally {
        await sql`rollback`.execute(conn);
      }
    });
    expect(blocker.recorded).toBe(1);
  });

  it('does not release jobs of a process that is still heartbeating', async () => {
    const { db } = app.services.ctx;
    const job = await sql<{ id: string }>`
      select id from graphile_worker.add_job('system.probe', '{"token":"held"}'::json, run_at => now() + interval '1 hour')`.execute(
      db,
    );
    const jobId = job.rows[0]!.id;
    await sql`update graphile_worker._private_jobs set locked_at = now(), locked_by = 'worker-alive', run_at = now() where id = ${jobId}`.execute(
      db,
    );
    await sql`insert into worker_processes (id, worker_ids, hostname, pid) values (gen_random_uuid(), '{worker-alive}', 'here', 2)`.execute(
      db,
    );
    // Keep the fake process alive for several sweep periods.
    for (let i = 0; i < 10; i++) {
      await sql`update worker_processes set heartbeat_at = now() where 'worker-alive' = any(worker_ids)`.execute(
        db,
      );
      await new Promise((r) => setTimeout(r, 200));
    }
    const locked = await sql<{
      lockedBy: string | null;
    }>`select locked_by from graphile_worker._private_jobs where id = ${jobId}`.execute(db);
    expect(locked.rows[0]!.lockedBy).toBe('worker-alive');
    expect(await app.services.system.probeRuns('held')).toEqual([]);
  });
});
