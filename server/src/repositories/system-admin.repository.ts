import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';

/** Job counts of one task. */
export interface TaskCounts {
  task: string;
  /** Due now, not taken by a worker yet. */
  waiting: number;
  /** Due later (run_at in the future: scheduled, or backing off before a retry). */
  scheduled: number;
  /** Locked by a worker. */
  running: number;
  /** Waiting or scheduled after at least one failed attempt. */
  retrying: number;
  /** Out of attempts: graphile-worker keeps them until someone retries or deletes them. */
  failed: number;
}

/** A job with an error: out of attempts, or retrying. */
export interface FailedJob {
  id: string;
  task: string;
  queue: string | null;
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
  runAt: Date;
  createdAt: Date;
  updatedAt: Date;
  /** True when out of attempts (it will not run again unless retried). */
  permanent: boolean;
  locked: boolean;
}

/** A worker process with its last heartbeat (worker_processes, jobs/worker-liveness.ts). */
export interface WorkerProcess {
  id: string;
  hostname: string;
  pid: number;
  workerIds: string[];
  startedAt: Date;
  heartbeatAt: Date;
}

/**
 * Reads graphile-worker's state through its public `jobs` view and admin functions (never its private tables' columns
 * directly, except the known-crontabs bookkeeping, which has no view), plus our worker heartbeats and database size.
 */
export class SystemAdminRepository {
  constructor(private readonly db: DbOrTx) {}

  /**
   * Counts per task in one pass over the jobs view. A lock older than 4 hours is graphile-worker's own "abandoned" rule
   * (get_job takes such jobs again), so those count as waiting, not running. Successful jobs are deleted by the worker,
   * so the table only holds work still to do and failures.
   */
  async taskCounts(): Promise<TaskCounts[]> {
    const { rows } = await sql<TaskCounts>`
      with j as (
        select task_identifier as task, run_at, attempts, max_attempts,
          (locked_at is not null and locked_at > now() - interval '4 hours') as locked
        from graphile_worker.jobs
      )
      select task,
        count(*) filter (where not locked and attempts < max_attempts and run_at <= now())::int as waiting,
        count(*) filter (where not locked and attempts < max_attempts and run_at > now())::int as scheduled,
        count(*) filter (where locked)::int as running,
        count(*) filter (where not locked and attempts > 0 and attempts < max_attempts)::int as retrying,
        count(*) filter (where not locked and attempts >= max_attempts)::int as failed
      from j group by task order by task`.execute(this.db);
    return rows;
  }

  /** Jobs that have an error and are not running, out-of-attempts first, newest failure first. */
  async failedJobs(limit: number): Promise<FailedJob[]> {
    const { rows } = await sql<FailedJob>`
      select id::text as id, task_identifier as task, queue_name as queue, attempts, max_attempts, last_error, run_at,
        created_at, updated_at, attempts >= max_attempts as permanent, false as locked
      from graphile_worker.jobs
      where last_error is not null and (locked_at is null or locked_at < now() - interval '4 hours')
      order by (attempts >= max_attempts) desc, updated_at desc, id desc
      limit ${limit}`.execute(this.db);
    return rows;
  }

  /** One job's state, or undefined when it does not exist (done jobs are deleted). */
  async getJob(id: string): Promise<FailedJob | undefined> {
    const { rows } = await sql<FailedJob>`
      select id::text as id, task_identifier as task, queue_name as queue, attempts, max_attempts, last_error, run_at,
        created_at, updated_at, attempts >= max_attempts as permanent,
        (locked_at is not null and locked_at > now() - interval '4 hours') as locked
      from graphile_worker.jobs where id = ${id}::bigint`.execute(this.db);
    return rows[0];
  }

  /**
   * Makes a job run now with a fresh set of attempts (graphile_worker.reschedule_jobs, which skips locked jobs).
   * Returns false when nothing was rescheduled (gone, or a worker holds it). The last error stays for the record until
   * the next attempt overwrites or the job succeeds and disappears.
   */
  async retry(id: string): Promise<boolean> {
    const { rows } = await sql<{ id: string }>`
      select id::text as id from graphile_worker.reschedule_jobs(array[${id}::bigint], run_at => now(), attempts => 0)`.execute(
      this.db,
    );
    return rows.length > 0;
  }

  /** Worker processes that heartbeat (dead ones are removed by the liveness sweep; `heartbeatAt` shows the rest). */
  async workers(): Promise<WorkerProcess[]> {
    const { rows } = await sql<WorkerProcess>`
      select id, hostname, pid, worker_ids, started_at, heartbeat_at from worker_processes
      order by started_at, id`.execute(this.db);
    return rows;
  }

  /** When each cron identifier last queued its job (graphile-worker's bookkeeping; absent before the first tick). */
  async cronLastRuns(): Promise<Map<string, Date | null>> {
    const { rows } = await sql<{ identifier: string; lastExecution: Date | null }>`
      select identifier, last_execution from graphile_worker._private_known_crontabs`.execute(this.db);
    return new Map(rows.map((r) => [r.identifier, r.lastExecution]));
  }

  /** Size of this database on disk, in bytes. */
  async databaseSize(): Promise<number> {
    const { rows } = await sql<{ size: string }>`
      select pg_database_size(current_database())::text as size`.execute(this.db);
    return Number(rows[0]!.size);
  }
}
