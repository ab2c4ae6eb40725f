import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type { JobMap, JobName, JobOptions } from '../jobs/job-map.ts';

/**
 * Queues graphile-worker jobs with SQL, so a service can queue inside its own transaction:
 * the job exists if and only if the data change committed.
 */
export class JobsRepository {
  constructor(private readonly db: DbOrTx) {}

  async add<K extends JobName>(name: K, payload: JobMap[K], opts: JobOptions = {}): Promise<void> {
    await sql`select graphile_worker.add_job(
      ${name}::text,
      ${JSON.stringify(payload)}::json,
      queue_name => ${opts.queueName ?? null}::text,
      run_at => ${opts.runAt ?? null}::timestamptz,
      max_attempts => ${opts.maxAttempts ?? null}::int,
      job_key => ${opts.jobKey ?? null}::text,
      priority => ${opts.priority ?? null}::int
    )`.execute(this.db);
  }
}
