import type { RunLogEntry } from '../../db/schema.automations.ts';
import { DomainError } from '../../lib/errors.ts';
import type { AutomationRun } from '../../repositories/automation-runs.repository.ts';
import type { Repos } from '../../repositories/index.ts';
import { inTransaction, type ServiceContext } from '../context.ts';
import { checkConditions } from './conditions.ts';
import { runJobKey, STEP_MAX_ATTEMPTS } from './run-start.ts';
import type { ActionHandler, AutomationAction, StepInput, StepOutcome } from './types.ts';

const ACTIVE = new Set(['running', 'waiting']);
/** Instant steps one job runs before handing over to a fresh job (a long rule cannot hold a worker slot). */
const STEPS_PER_JOB = 20;

/**
 * Steps in flight per process. A step holds its transaction's connection while an action may open another one (a notification,
 * an assignment in their own transactions); bounding the holders below half the pool (20) means those inner transactions always
 * find a connection, however high WORKER_CONCURRENCY is set.
 */
const MAX_CONCURRENT_STEPS = 8;

/** A counting semaphore: at most `size` holders, the rest wait in order. */
class Slots {
  private free: number;
  private readonly waiting: Array<() => void> = [];
  constructor(size: number) {
    this.free = size;
  }
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free -= 1;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free += 1;
    }
  }
}

/** A step that could not finish: a permanent error (the run fails) or the last attempt of a transient one. */
class StepFailed extends Error {
  constructor(
    readonly runId: number,
    readonly step: number,
    readonly action: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Advances runs: the `automations.step` job. Each step runs in one transaction with the run row locked (one step of one
 * run at a time across processes), so the step's own writes (tags, a note, the next job) commit with the new step number.
 * Actions that call other services in their own transactions are idempotent per (run, step), so a retried step is safe.
 */
export class RunEngine {
  private readonly slots = new Slots(MAX_CONCURRENT_STEPS);

  constructor(
    private readonly ctx: ServiceContext,
    private readonly handlerOf: (type: string) => ActionHandler | undefined,
  ) {}

  /** Runs steps until a wait, a pending webhook, the end, a stop or a failure. */
  async advance(runId: number, opts: { lastAttempt?: boolean } = {}): Promise<void> {
    for (let i = 0; i < STEPS_PER_JOB; i++) {
      let more: boolean;
      try {
        more = await this.slots.run(() => inTransaction(this.ctx, (r) => this.step(r, runId)));
      } catch (err) {
        if (err instanceof StepFailed) {
          await this.fail(err);
          return;
        }
        if (opts.lastAttempt) {
          await this.fail(new StepFailed(runId, -1, 'step', `gave up after retries: ${messageOf(err)}`));
          return;
        }
        throw err;
      }
      if (!more) return;
    }
    await this.ctx.repos.jobs.add(
      'automations.step',
      { runId: String(runId) },
      { jobKey: runJobKey(runId), maxAttempts: STEP_MAX_ATTEMPTS },
    );
  }

  /** One step; true when the next one can run right away. */
  private async step(r: Repos, runId: number): Promise<boolean> {
    const run = await r.automationRuns.getForUpdate(runId);
    if (!run || !ACTIVE.has(run.status)) return false;
    const now = this.ctx.clock.now();
    if (run.status === 'waiting') {
      // Pending on its own job (a webhook): that job resumes the run.
      if (run.wakeAt === null) return false;
      if (run.wakeAt > now) {
        await r.jobs.add(
          'automations.step',
          { runId: String(runId) },
          { jobKey: runJobKey(runId), runAt: run.wakeAt, maxAttempts: STEP_MAX_ATTEMPTS },
        );
        return false;
      }
    }
    const rule = await r.automations.get(run.automationId);
    if (!rule) return false;
    const entry = (action: string, outcome: RunLogEntry['outcome'], detail?: unknown): RunLogEntry => ({
      at: now.toISOString(),
      step: run.step,
      action,
      outcome,
      ...(detail !== undefined ? { detail } : {}),
    });
    // Turning a rule off stops its runs where they are, like pausing a campaign; turning it on again does not revive them.
    if (!rule.enabled) {
      await r.automationRuns.advance(run.id, {
        status: 'stopped',
        step: run.step,
        entry: entry('rule', 'stopped', { reason: 'the rule was disabled' }),
      });
      return false;
    }
    // Conditions are checked once, when the run starts: the first entry of every log is theirs.
    if (run.log.length === 0) {
      const miss = await checkConditions(r, rule.conditions, run);
      await r.automationRuns.advance(run.id, {
        status: miss ? 'skipped' : 'running',
        step: 0,
        entry: entry('conditions', miss ? 'skipped' : 'done', miss ?? undefined),
      });
      return miss === null;
    }
    const action = rule.actions[run.step];
    if (!action) {
      await r.automationRuns.advance(run.id, {
        status: 'completed',
        step: run.step,
        entry: entry('end', 'completed'),
      });
      return false;
    }
    const handler = this.handlerOf(action.type);
    if (!handler)
      throw new StepFailed(run.id, run.step, action.type, `no implementation for "${action.type}"`);
    let outcome: StepOutcome;
    try {
      outcome = await handler.run(stepInput(r, run, action, rule.trigger, now));
    } catch (err) {
      // A domain error is permanent (the contact is gone, a label does not exist): retrying would fail the same way.
      if (err instanceof DomainError) throw new StepFailed(run.id, run.step, action.type, err.message);
      throw err;
    }
    return this.apply(r, run, action, outcome, entry);
  }

  /** Writes a step's outcome; true when the next step can run now. */
  async apply(
    r: Repos,
    run: AutomationRun,
    action: AutomationAction,
    outcome: StepOutcome,
    entry: (action: string, outcome: RunLogEntry['outcome'], detail?: unknown) => RunLogEntry,
  ): Promise<boolean> {
    switch (outcome.kind) {
      case 'next':
        await r.automationRuns.advance(run.id, {
          status: 'running',
          step: run.step + 1,
          entry: entry(action.type, 'done', outcome.detail),
          context: outcome.context,
        });
        return true;
      case 'wait':
        await r.automationRuns.advance(run.id, {
          status: 'waiting',
          step: run.step + 1,
          wakeAt: outcome.until,
          entry: entry(action.type, 'waiting', outcome.detail),
        });
        await r.jobs.add(
          'automations.step',
          { runId: String(run.id) },
          { jobKey: runJobKey(run.id), runAt: outcome.until, maxAttempts: STEP_MAX_ATTEMPTS },
        );
        return false;
      case 'pending':
        await r.automationRuns.advance(run.id, {
          status: 'waiting',
          step: run.step,
          wakeAt: null,
          entry: entry(action.type, 'waiting', outcome.detail),
        });
        return false;
      case 'stop':
        await r.automationRuns.advance(run.id, {
          status: 'stopped',
          step: run.step,
          entry: entry(action.type, 'stopped', outcome.detail),
        });
        return false;
      case 'fail':
        await r.automationRuns.advance(run.id, {
          status: 'failed',
          step: run.step,
          entry: entry(action.type, 'failed', {
            error: outcome.error,
            ...(outcome.detail ? { detail: outcome.detail } : {}),
          }),
          error: outcome.error,
        });
        return false;
    }
  }

  /**
   * Finishes a pending step (a webhook's job) with its outcome, if the run is still waiting on exactly that step, and
   * queues the next step in the same transaction.
   */
  async resume(runId: number, step: number, outcome: StepOutcome): Promise<boolean> {
    return inTransaction(this.ctx, async (r) => {
      const run = await r.automationRuns.getForUpdate(runId);
      if (run?.status !== 'waiting' || run.step !== step || run.wakeAt !== null) return false;
      const rule = await r.automations.get(run.automationId);
      const action = rule?.actions[step];
      if (!action) return false;
      const now = this.ctx.clock.now();
      const more = await this.apply(r, run, action, outcome, (a, o, detail) => ({
        at: now.toISOString(),
        step,
        action: a,
        outcome: o,
        ...(detail !== undefined ? { detail } : {}),
      }));
      if (more)
        await r.jobs.add(
          'automations.step',
          { runId: String(runId) },
          { jobKey: runJobKey(runId), maxAttempts: STEP_MAX_ATTEMPTS },
        );
      return true;
    });
  }

  private async fail(f: StepFailed): Promise<void> {
    await inTransaction(this.ctx, async (r) => {
      const run = await r.automationRuns.getForUpdate(f.runId);
      if (!run || !ACTIVE.has(run.status)) return;
      await r.automationRuns.advance(run.id, {
        status: 'failed',
        step: run.step,
        entry: {
          at: this.ctx.clock.now().toISOString(),
          step: run.step,
          action: f.step === -1 ? (run.log.length === 0 ? 'conditions' : 'step') : f.action,
          outcome: 'failed',
          detail: { error: f.message },
        },
        error: f.message,
      });
    });
  }
}

/** What an action sees of its run. */
export function stepInput<A extends AutomationAction>(
  r: Repos,
  run: AutomationRun,
  action: A,
  trigger: StepInput['trigger'],
  now: Date,
): StepInput<A> {
  return {
    action,
    run: {
      id: run.id,
      automationId: run.automationId,
      contactId: run.contactId,
      conversationId: run.conversationId,
      step: run.step,
      context: run.context,
      createdAt: run.createdAt,
    },
    trigger,
    repos: r,
    now,
  };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
