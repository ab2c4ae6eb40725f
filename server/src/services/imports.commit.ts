import type { ContactImport } from '../db/schema.ts';
import type { Repos } from '../repositories/index.ts';
import {
  type BatchBuilder,
  type BatchEntry,
  type BatchPlan,
  planBatch,
  targetsOf,
} from './contact-import.batch.ts';
import { isRejected } from './contact-import.rows.ts';
import { inTransaction, type ServiceContext } from './context.ts';

/**
 * Writes batches two at a time, in order. Postgres is the bottleneck of an import (index upkeep), and two
 * transactions in flight keep two backends busy. It stays correct because:
 * - consecutive batches share no match key (BatchBuilder) and the second one never touches a contact the
 *   first one updates (planBatch's `claimedBefore`), so neither needs to see the other's rows;
 * - the second batch advances the import's counter only once the first one committed, so commits happen in
 *   file order, and a failed first batch makes the second one fail its count check and roll back.
 */

/** One batch on its way: `planned` settles once its rows are matched, `done` once it committed. */
interface InFlight {
  planned: Promise<{ plan: BatchPlan; countAfter: number }>;
  done: Promise<ContactImport | null>;
}

/** Commits every batch from `next()` (null = no more); `onCommitted` sees the import after each batch. */
export async function commitBatches(
  ctx: ServiceContext,
  imp: ContactImport,
  next: () => Promise<BatchBuilder | null>,
  onCommitted: (imp: ContactImport) => Promise<void>,
): Promise<void> {
  const queue: Array<{ entries: BatchEntry[]; standalone: boolean }> = [];
  let count = imp.processedRows;
  let prev: InFlight | null = null;
  const settle = async (f: InFlight) => {
    const row = await f.done;
    if (row) {
      count = row.processedRows;
      await onCommitted(row);
    }
  };
  try {
    for (;;) {
      const before = prev ? await prev.planned : null;
      if (prev && before && before.plan.rest.length > 0) {
        // The previous batch stopped early: its rest comes before anything read since, so it goes alone, next.
        await settle(prev);
        prev = null;
        queue.unshift({ entries: before.plan.rest, standalone: true });
      }
      const batch = queue.shift() ?? (await next());
      if (!batch) break;
      if (prev && batch.standalone) {
        await settle(prev);
        prev = null;
      }
      const { entries } = batch;
      const claimed = prev && before ? targetsOf(before.plan) : new Set<string>();
      // From here two batches are in flight: the previous one writing, this one matching and writing.
      const old = prev;
      prev = startBatch(
        ctx,
        imp,
        entries,
        old && before ? before.countAfter : count,
        claimed,
        old?.done ?? null,
      );
      if (old) await settle(old);
    }
    if (prev) await settle(prev);
  } catch (err) {
    // Let the other transaction finish (it fails its count check) before reporting, so nothing is left running.
    await prev?.done.catch(() => undefined);
    throw err;
  }
}

/** Starts one batch's transaction: match, plan, write, count, publish. */
function startBatch(
  ctx: ServiceContext,
  imp: ContactImport,
  entries: BatchEntry[],
  countBefore: number,
  claimedBefore: Set<string>,
  previousDone: Promise<unknown> | null,
): InFlight {
  let resolvePlanned!: (p: { plan: BatchPlan; countAfter: number }) => void;
  let rejectPlanned!: (err: unknown) => void;
  const planned = new Promise<{ plan: BatchPlan; countAfter: number }>((res, rej) => {
    resolvePlanned = res;
    rejectPlanned = rej;
  });
  planned.catch(() => undefined);
  const done = inTransaction(ctx, async (r) => {
    await r.imports.beginBatch();
    const valid = entries.flatMap((row, i) => (isRejected(row) ? [] : [{ i, row }]));
    const matches = valid.length ? await r.imports.matchRows(imp.channelId, valid) : new Map();
    const plan = planBatch(entries, matches, claimedBefore);
    resolvePlanned({ plan, countAfter: countBefore + plan.consumed });
    if (plan.consumed === 0) return null;
    await r.imports.applyRows(imp.channelId, plan.apply);
    await r.imports.addErrors(imp.id, plan.rejected);
    const created = plan.apply.filter((p) => p.target === null).length;
    // Count (and so commit) strictly after the previous batch, whichever finished writing first.
    await previousDone?.catch(() => undefined);
    const row = await r.imports.advance(imp.id, {
      processed: plan.consumed,
      created,
      updated: plan.apply.length - created,
      rejected: plan.rejected.length,
    });
    // Another run of this import (a duplicate job), or a failed batch before this one: write nothing.
    if (row.processedRows !== countBefore + plan.consumed)
      throw new Error(
        `import ${imp.id} is at ${row.processedRows - plan.consumed} rows, expected ${countBefore}`,
      );
    await publishProgress(r, row);
    return row;
  });
  done.catch((err) => rejectPlanned(err));
  return { planned, done };
}

/** `import.progressed` to everyone watching imports and to the import's own room. */
export async function publishProgress(r: Repos, imp: ContactImport): Promise<void> {
  const data = { import: { ...imp, bytes: Number(imp.bytes) } as Record<string, unknown> };
  await r.realtime.publish('imports', 'import.progressed', data);
  await r.realtime.publish(`import:${imp.id}`, 'import.progressed', data);
}
