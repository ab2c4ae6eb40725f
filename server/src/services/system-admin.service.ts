import { readFileSync } from 'node:fs';
import type { ParsedCronItem } from 'graphile-worker';
import { ConflictError, NotFoundError } from '../lib/errors.ts';
import type { Actor } from '../repositories/audit.repository.ts';
import type { FailedJob, TaskCounts, WorkerProcess } from '../repositories/system-admin.repository.ts';
import type { ServiceContext } from './context.ts';
import { inTransaction } from './context.ts';
import { nextCronRun } from './cron-next-run.ts';

/** How many failed jobs the page lists (newest first); the counts per task cover all of them. */
const FAILED_LIST_LIMIT = 100;

/** The package version, read once (the file ships with the app; `npm version` keeps it true). */
const VERSION = (
  JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** Queues: counts per task and the jobs that failed. */
export interface JobsOverview {
  tasks: TaskCounts[];
  totals: Omit<TaskCounts, 'task'>;
  failed: FailedJob[];
}

/** A recurring job: when it last queued a run, when it next will, and the run after (which shows the cadence). */
export interface ScheduledJob {
  identifier: string;
  task: string;
  lastRunAt: Date | null;
  nextRunAt: Date | null;
  followingRunAt: Date | null;
}

/** Everything else the System page shows. */
export interface SystemStatus {
  version: string;
  node: string;
  /** Seconds this API process has been up. */
  uptimeSeconds: number;
  startedAt: Date;
  databaseSizeBytes: number;
  workers: Array<WorkerProcess & { alive: boolean }>;
  scheduled: ScheduledJob[];
}

/** A cron item as the page needs it (jobs/cron.ts cronItems()). */
export type ScheduleItem = Pick<ParsedCronItem, 'identifier' | 'task' | 'match'>;

/**
 * The operator's view of the job system (what Sidekiq's web UI or Flower give): queue depth per task, failed jobs with
 * their errors and a retry, worker processes alive, recurring jobs, database size and version.
 */
export class SystemAdminService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly schedule: ScheduleItem[],
    /** A process silent this long counts as dead (jobs/worker-liveness.ts releases its jobs after the same time). */
    private readonly staleMs = 60_000,
  ) {}

  async jobs(): Promise<JobsOverview> {
    const { systemAdmin } = this.ctx.repos;
    const [tasks, failed] = await Promise.all([
      systemAdmin.taskCounts(),
      systemAdmin.failedJobs(FAILED_LIST_LIMIT),
    ]);
    const totals = { waiting: 0, scheduled: 0, running: 0, retrying: 0, failed: 0 };
    for (const t of tasks)
      for (const k of Object.keys(totals) as Array<keyof typeof totals>) totals[k] += t[k];
    return { tasks, totals, failed };
  }

  /**
   * Runs a job again now with a fresh set of attempts: a failed one, or one backing off before its next retry.
   * 404 when it no longer exists (it succeeded, or was deleted), 409 while a worker runs it. Audited.
   */
  async retry(actor: Actor, id: string): Promise<FailedJob> {
    return inTransaction(this.ctx, async (r) => {
      const job = await r.systemAdmin.getJob(id);
      if (!job) throw new NotFoundError(`No job ${id}: it finished or was removed`);
      if (job.locked) throw new ConflictError('A worker is running this job now');
      if (!(await r.systemAdmin.retry(id))) throw new ConflictError('A worker took this job just now');
      await r.audit.record(actor, {
        action: 'job.retried',
        entityType: 'job',
        entityId: id,
        before: { task: job.task, attempts: job.attempts, lastError: job.lastError },
      });
      return (await r.systemAdmin.getJob(id)) ?? job;
    });
  }

  async status(): Promise<SystemStatus> {
    const { systemAdmin } = this.ctx.repos;
    const now = this.ctx.clock.now();
    const [size, workers, lastRuns] = await Promise.all([
      systemAdmin.databaseSize(),
      systemAdmin.workers(),
      systemAdmin.cronLastRuns(),
    ]);
    return {
      version: VERSION,
      node: process.version,
      uptimeSeconds: Math.round(process.uptime()),
      startedAt: new Date(Date.now() - process.uptime() * 1000),
      databaseSizeBytes: size,
      workers: workers.map((w) => ({
        ...w,
        alive: now.getTime() - w.heartbeatAt.getTime() < this.staleMs,
      })),
      scheduled: this.schedule.map((item) => {
        const nextRunAt = nextCronRun(item, now);
        return {
          identifier: item.identifier,
          task: item.task,
          lastRunAt: lastRuns.get(item.identifier) ?? null,
          nextRunAt,
          followingRunAt: nextRunAt && nextCronRun(item, nextRunAt),
        };
      }),
    };
  }
}
