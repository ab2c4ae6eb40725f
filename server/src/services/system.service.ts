import type { ServiceContext } from './context.ts';

/** Diagnostics that prove the job system works across processes. */
export class SystemService {
  constructor(private readonly ctx: ServiceContext) {}

  /** Queues `count` probe jobs with this token. */
  async queueProbes(token: string, count: number): Promise<void> {
    for (let i = 0; i < count; i++) await this.ctx.repos.jobs.add('system.probe', { token });
  }

  recordProbe(token: string, jobId: string): Promise<void> {
    return this.ctx.repos.system.recordProbe(token, jobId, process.pid);
  }

  probeRuns(token: string) {
    return this.ctx.repos.system.probeRuns(token);
  }
}
