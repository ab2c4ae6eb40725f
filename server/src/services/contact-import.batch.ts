import type { ImportRow, RejectedRow } from './contact-import.rows.ts';

/**
 * Batching rules of the import, pure so they are unit-tested:
 * a batch is a contiguous run of records (so "skip the first processed_rows records" resumes exactly),
 * and no two valid rows in it share a match key or end up on the same contact, so one set-based
 * statement can apply them all.
 */

/** A parsed record in file order: a valid row or a rejection. */
export type BatchEntry = ImportRow | RejectedRow;

/** The keys a row may be matched by; two rows sharing one must not be in the same batch. */
export function matchKeys(row: ImportRow): string[] {
  const keys: string[] = [];
  if (row.externalId) keys.push(`x:${row.externalId}`);
  if (row.email) keys.push(`e:${row.email}`);
  if (row.phone) keys.push(`p:${row.phone}`);
  if (row.telegramId) keys.push(`t:${row.telegramId}`);
  return keys;
}

/**
 * Collects records until the batch is full or the next row repeats a key already in it, or in the previous
 * batch: two consecutive batches are written at the same time, and neither sees the other's rows.
 */
export class BatchBuilder {
  readonly entries: BatchEntry[] = [];
  readonly keys = new Set<string>();
  /** Set when the batch repeats a key of the previous one: it must wait for that one to commit. */
  standalone = false;

  constructor(
    private readonly maxSize: number,
    private readonly previousKeys: ReadonlySet<string> = new Set(),
  ) {}

  /** Adds the record, or returns false when it belongs in the next batch (full, or a repeated key). */
  add(entry: BatchEntry): boolean {
    if (this.entries.length >= this.maxSize) return false;
    if ('reason' in entry) {
      this.entries.push(entry);
      return true;
    }
    const keys = matchKeys(entry);
    if (keys.some((k) => this.keys.has(k) || this.previousKeys.has(k))) return false;
    for (const k of keys) this.keys.add(k);
    this.entries.push(entry);
    return true;
  }

  get size(): number {
    return this.entries.length;
  }
}

/** What the database knows about one row's keys (see ImportsRepository.matchRows). */
export interface RowMatch {
  byExternalId: string | null;
  byEmail: string | null;
  byPhone: string | null;
  /** The contact that already holds this row's Telegram id on the import's channel. */
  telegramOwner: string | null;
  /** False when that contact has a different external id than the row, so the row must not merge into it. */
  telegramOwnerEligible: boolean;
}

/** A valid row with the contact it updates (null: a new contact). */
export interface PlannedRow {
  row: ImportRow;
  target: string | null;
}

/** The part of a batch to commit now; `rest` goes back to the front of the next batch. */
export interface BatchPlan {
  apply: PlannedRow[];
  rejected: RejectedRow[];
  /** How many records of the batch this plan covers (applied + rejected); the counter advances by this. */
  consumed: number;
  rest: BatchEntry[];
}

/** The contacts a plan updates. */
export function targetsOf(plan: BatchPlan): Set<string> {
  return new Set(plan.apply.flatMap((p) => (p.target ? [p.target] : [])));
}

/**
 * Chooses each row's contact in priority order external id → email → phone → Telegram id (the matching SQL
 * already skips contacts holding a different external id), rejects rows whose Telegram id is held by
 * another contact, and stops the batch at the first row whose contact an earlier row already claimed,
 * in this batch or in `claimedBefore` (the batch still being written).
 */
export function planBatch(
  entries: BatchEntry[],
  matches: Map<number, RowMatch>,
  claimedBefore: ReadonlySet<string> = new Set(),
): BatchPlan {
  const apply: PlannedRow[] = [];
  const rejected: RejectedRow[] = [];
  const claimed = new Set<string>(claimedBefore);
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    if ('reason' in entry) {
      rejected.push(entry);
      continue;
    }
    const m = matches.get(i);
    const target =
      m?.byExternalId ??
      m?.byEmail ??
      m?.byPhone ??
      (m?.telegramOwner && m.telegramOwnerEligible ? m.telegramOwner : null);
    if (entry.telegramId && m?.telegramOwner && m.telegramOwner !== target) {
      rejected.push({
        line: entry.line,
        reason: `telegram_id: ${entry.telegramId} already belongs to another contact (${m.telegramOwner})`,
      });
      continue;
    }
    if (target && claimed.has(target)) {
      return { apply, rejected, consumed: i, rest: entries.slice(i) };
    }
    if (target) claimed.add(target);
    apply.push({ row: entry, target });
  }
  return { apply, rejected, consumed: entries.length, rest: [] };
}
