import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';

/** Diagnostics: job probes. */
export class SystemRepository {
  constructor(private readonly db: DbOrTx) {}

  async recordProbe(token: string, jobId: string, processId: number): Promise<void> {
    await sql`insert into system_probes (token, job_id, process_id) values (${token}, ${jobId}, ${processId})`.execute(
      this.db,
    );
  }

  async probeRuns(token: string): Promise<Array<{ jobId: string; processId: number }>> {
    const r = await sql<{ jobId: string; processId: number }>`
      select job_id, process_id from system_probes where token = ${token} order by id`.execute(this.db);
    return r.rows;
  }
}
