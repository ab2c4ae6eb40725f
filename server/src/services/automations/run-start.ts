import type { Repos } from '../../repositories/index.ts';
import type { RunStart } from './types.ts';

/** Step jobs of one run share this key: a wake, a sweep and a resume never leave two pending jobs for one run. */
export const runJobKey = (runId: number | string) => `automation-run:${runId}`;
/** Attempts of a step job; transient errors (database, network) retry with graphile-worker's exponential backoff. */
export const STEP_MAX_ATTEMPTS = 8;

/**
 * Starts a run inside the caller's transaction: the run row (unique per rule and occurrence: a second start of the same
 * occurrence, in any process, does nothing) and its first step job commit together. Returns whether it started.
 */
export async function startRunIn(r: Repos, run: RunStart): Promise<boolean> {
  const id = await r.automationRuns.start(run);
  if (id === null) return false;
  await r.jobs.add(
    'automations.step',
    { runId: String(id) },
    { jobKey: runJobKey(id), maxAttempts: STEP_MAX_ATTEMPTS },
  );
  return true;
}
