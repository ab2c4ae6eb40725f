import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';

/** Heartbeats of worker processes, and the release of jobs held by dead ones. */
export class WorkerProcessesRepository {
  constructor(private readonly db: DbOrTx) {}

  /** Registers or refreshes this process with the worker ids it runs. */
  async heartbeat(id: string, workerIds: string[], hostname: string, pid: number): Promise<void> {
    await sql`
      insert into worker_processes (id, worker_ids, hostname, pid) values (${id}, ${workerIds}::text[], ${hostname}, ${pid})
      on conflict (id) do update set worker_ids = excluded.worker_ids, heartbeat_at = now()`.execute(this.db);
  }

  async remove(id: string): Promise<void> {
    await sql`delete from worker_processes where id = ${id}`.execute(this.db);
  }

  /**
   * Deletes processes silent for longer than `staleSeconds` and unlocks every job and queue their workers held,
   * in one statement (graphile-worker's own force_unlock_workers). Returns the worker ids released.
   */
  async releaseDead(staleSeconds: number): Promise<string[]> {
    const r = await sql<{ workerIds: string[] }>`
      with dead as (
        delete from worker_processes where heartbeat_at < now() - make_interval(secs => ${staleSeconds}) returning worker_ids
      ), ids as (select coalesce(array_agg(w), '{}') as worker_ids from dead, unnest(dead.worker_ids) w)
      select worker_ids, graphile_worker.force_unlock_workers(worker_ids) from ids`.execute(this.db);
    return r.rows[0]?.workerIds ?? [];
  }
}
