import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import os from 'node:os';
import type { WorkerEvents } from 'graphile-worker';
import type { Logger } from 'pino';
import type { WorkerProcessesRepository } from '../repositories/worker-processes.repository.ts';

export interface LivenessOptions {
  heartbeatMs: number;
  /** A process silent this long is dead and its jobs are released. */
  staleMs: number;
}

export const DEFAULT_LIVENESS: LivenessOptions = { heartbeatMs: 10_000, staleMs: 60_000 };

/**
 * Makes a crashed worker's jobs runnable again within about a minute instead of graphile-worker's 4 hours:
 * this process heartbeats with its worker ids, and sweeps away processes that stopped heartbeating.
 * A job whose process died mid-run therefore runs again; handlers are written to resume (checkpoints, unique keys).
 */
export class WorkerLiveness {
  readonly events: WorkerEvents = new EventEmitter() as WorkerEvents;
  private readonly id = randomUUID();
  private readonly workerIds = new Set<string>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly repo: WorkerProcessesRepository,
    private readonly log: Logger,
    private readonly opts: LivenessOptions = DEFAULT_LIVENESS,
  ) {
    // graphile-worker 0.17 locks jobs with the pool's id (batched getJobs), older paths with a worker's: record both, so
    // the sweep of a dead process releases whatever it held.
    this.events.on('pool:create', ({ workerPool }) => {
      this.workerIds.add(workerPool.id);
      void this.beat();
    });
    this.events.on('worker:create', ({ worker }) => {
      this.workerIds.add(worker.workerId);
      void this.beat();
    });
  }

  async start(): Promise<void> {
    await this.beat();
    await this.sweep();
    this.timer = setInterval(() => void this.beat().then(() => this.sweep()), this.opts.heartbeatMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.repo.remove(this.id).catch(() => undefined);
  }

  private async beat(): Promise<void> {
    await this.repo
      .heartbeat(this.id, [...this.workerIds], os.hostname(), process.pid)
      .catch((err) => this.log.warn({ err }, 'worker heartbeat failed'));
  }

  private async sweep(): Promise<void> {
    try {
      const released = await this.repo.releaseDead(Math.ceil(this.opts.staleMs / 1000));
      if (released.length)
        this.log.warn({ workerIds: released }, 'released jobs held by dead worker processes');
    } catch (err) {
      this.log.warn({ err }, 'dead-worker sweep failed');
    }
  }
}
