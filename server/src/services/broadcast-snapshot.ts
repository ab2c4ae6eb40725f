import type { Broadcast } from '../db/schema.ts';
import {
  BroadcastsRepository,
  type SnapshotPart,
  type SnapshotTiming,
  snapshotRanges,
} from '../repositories/broadcasts.repository.ts';
import type { Repos } from '../repositories/index.ts';
import type { ServiceContext } from './context.ts';
import type { FilterGroup } from './segments/filter.ts';

/**
 * Below this size of the contacts table (8 kB pages; about 40,000 contacts) one statement does it all: a second
 * transaction and connection cost more than they save, and small snapshots keep the contacts' order in the recipients list.
 */
export const PARALLEL_FROM_PAGES = 2_000;

/** How long the start waits for a second pooled connection before it inserts every recipient itself. */
export const SECOND_CONNECTION_WAIT_MS = 250;

/**
 * The audience snapshot in two halves of the contact-id range inserted at once, so both cores work on it: the first half
 * in the start's own transaction (`r`, which holds the broadcast's row locked by its status change), the second in a
 * transaction of its own on a second connection, committed before the start commits. The insert is a single backend's
 * CPU work (heap and index writes per row), so two backends take about half the time on two cores.
 *
 * Why that is safe: the second half's rows are visible before the broadcast is `sending`, but nothing reads the rows of a
 * broadcast that has not started (the delivery manager claims only for `sending` broadcasts). If the start then fails or
 * its process dies, the half stays behind on a broadcast that is still a draft or scheduled; the next start deletes it first
 * (under the same row lock, so no other start runs meanwhile), and the unique (broadcast, contact) key makes a row twice an
 * error, never a second message. The deletion commits before either half inserts: a deletion still open in the start's
 * transaction would make the other half's insert of the same key wait for it, while the start waits for that half.
 *
 * When no second connection is free within SECOND_CONNECTION_WAIT_MS (a busy pool; waiting longer while holding one could
 * starve it), or the contacts table is small (PARALLEL_FROM_PAGES), the start inserts everything itself, as one statement.
 */
export async function snapshotRecipients(
  ctx: ServiceContext,
  r: Repos,
  broadcast: Pick<Broadcast, 'id' | 'channelId'>,
  filter: FilterGroup,
  timing: SnapshotTiming,
  opts: { parallelFromPages?: number } = {},
): Promise<Record<string, number>> {
  const from = opts.parallelFromPages ?? PARALLEL_FROM_PAGES;
  if ((await r.broadcasts.contactsPages()) < from) return alone(r, broadcast, filter, timing);
  const [first, second] = snapshotRanges(2) as [SnapshotPart, SnapshotPart];
  // Set once, in one turn of the event loop: either the second connection takes the second half or the start does it all.
  let share: 'waiting' | 'taken' | 'abandoned' = 'waiting';
  let signal: () => void = () => {};
  const cleared = new Promise<void>((resolve) => {
    signal = resolve;
  });
  const other = ctx.db.connection().execute(async (conn) => {
    if (share === 'abandoned') return null;
    share = 'taken';
    try {
      await new BroadcastsRepository(conn).deleteDeliveries(broadcast.id);
    } finally {
      signal();
    }
    return conn
      .transaction()
      .execute((tx) => new BroadcastsRepository(tx).snapshot(broadcast, filter, timing, second));
  });
  // Settled here so a failure is never unhandled; it is rethrown below when the second half was taken.
  const outcome = other.then(
    (stats) => ({ stats, error: null }),
    (error: unknown) => ({ stats: null, error }),
  );
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    cleared,
    outcome,
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, SECOND_CONNECTION_WAIT_MS);
    }),
  ]);
  clearTimeout(timer);
  if (share === 'waiting') {
    share = 'abandoned';
    return alone(r, broadcast, filter, timing);
  }
  await cleared;
  const mine = await r.broadcasts.snapshot(broadcast, filter, timing, first).then(
    (stats) => ({ stats, error: null }),
    (error: unknown) => ({ stats: null, error }),
  );
  const theirs = await outcome;
  if (mine.error !== null) throw mine.error;
  if (theirs.error !== null) throw theirs.error;
  return addStats(mine.stats!, theirs.stats!);
}

/** The whole snapshot in the start's transaction (after deleting what a failed start left). */
async function alone(
  r: Repos,
  broadcast: Pick<Broadcast, 'id' | 'channelId'>,
  filter: FilterGroup,
  timing: SnapshotTiming,
): Promise<Record<string, number>> {
  await r.broadcasts.deleteDeliveries(broadcast.id);
  return r.broadcasts.snapshot(broadcast, filter, timing);
}

function addStats(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const sum = { ...a };
  for (const [k, v] of Object.entries(b)) sum[k] = (sum[k] ?? 0) + v;
  return sum;
}
