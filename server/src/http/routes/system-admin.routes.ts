import { Type } from 'typebox';
import { actor } from '../auth.ts';
import { errorResponses, Nullable } from '../schemas.ts';
import type { Http, HttpDeps } from '../server.ts';

const Int = Type.Integer();
const Counts = { waiting: Int, scheduled: Int, running: Int, retrying: Int, failed: Int };

const Job = Type.Object({
  id: Type.String(),
  task: Type.String(),
  queue: Nullable(Type.String()),
  attempts: Int,
  maxAttempts: Int,
  lastError: Nullable(Type.String()),
  runAt: Type.String({ format: 'date-time' }),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  permanent: Type.Boolean({ description: 'out of attempts: runs again only when retried' }),
  locked: Type.Boolean({ description: 'a worker holds it now' }),
});

const JobsBody = Type.Object({
  tasks: Type.Array(Type.Object({ task: Type.String(), ...Counts })),
  totals: Type.Object(Counts),
  failed: Type.Array(Job),
});

const StatusBody = Type.Object({
  version: Type.String(),
  node: Type.String(),
  uptimeSeconds: Int,
  startedAt: Type.String({ format: 'date-time' }),
  databaseSizeBytes: Int,
  workers: Type.Array(
    Type.Object({
      id: Type.String(),
      hostname: Type.String(),
      pid: Int,
      workerIds: Type.Array(Type.String()),
      startedAt: Type.String({ format: 'date-time' }),
      heartbeatAt: Type.String({ format: 'date-time' }),
      alive: Type.Boolean(),
    }),
  ),
  scheduled: Type.Array(
    Type.Object({
      identifier: Type.String(),
      task: Type.String(),
      lastRunAt: Nullable(Type.String({ format: 'date-time' })),
      nextRunAt: Nullable(Type.String({ format: 'date-time' })),
      followingRunAt: Nullable(Type.String({ format: 'date-time' })),
    }),
  ),
});

/** The System page's API: job queues, failed jobs and retry, workers, recurring jobs, database size, version. */
export async function systemAdminRoutes(app: Http, { services }: HttpDeps) {
  const { systemAdmin } = services;

  app.get(
    '/api/v1/system/jobs',
    {
      config: { access: 'system:read' },
      schema: {
        tags: ['system'],
        summary: 'Job queues: counts per task, and jobs with an error',
        description:
          'Per task: waiting (due, not taken), scheduled (due later, including backing off before a retry), running ' +
          '(held by a worker), retrying (waiting or scheduled after a failed attempt), failed (out of attempts; kept ' +
          'until retried). `failed` lists up to 100 jobs with an error that no worker holds, out-of-attempts first.',
        response: { 200: JobsBody, ...errorResponses },
      },
    },
    async () => systemAdmin.jobs(),
  );

  app.post(
    '/api/v1/system/jobs/:id/retry',
    {
      config: { access: 'system:write' },
      schema: {
        tags: ['system'],
        summary: 'Run a job again now, with a fresh set of attempts',
        description:
          '404 when the job no longer exists (it succeeded or was removed); 409 while a worker runs it. Audited as job.retried.',
        params: Type.Object({ id: Type.String({ pattern: '^[0-9]{1,18}$', description: 'the job id' }) }),
        response: { 200: Job, ...errorResponses },
      },
    },
    async (req) => systemAdmin.retry(actor(req), req.params.id),
  );

  app.get(
    '/api/v1/system/status',
    {
      config: { access: 'system:read' },
      schema: {
        tags: ['system'],
        summary: 'Version, uptime, database size, worker processes, recurring jobs with their next run',
        description:
          'Workers: processes that heartbeat every 10 s; `alive` false after 60 s of silence (the liveness sweep then ' +
          'removes them and releases their jobs). Recurring jobs: the last time one was queued and the next two times ' +
          'it will be (crontabs are read in UTC). Uptime is this API process’s.',
        response: { 200: StatusBody, ...errorResponses },
      },
    },
    async () => systemAdmin.status(),
  );
}
