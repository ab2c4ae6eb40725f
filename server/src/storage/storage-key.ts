import { randomUUID } from 'node:crypto';

/**
 * Storage keys are opaque to callers but shaped so any backend takes them as they are: a local path below the storage
 * root, or an S3 object key. `yyyy/mm/<id>` spreads files over directories by month (no directory grows without end)
 * and makes "what is old" visible to an operator.
 */
export function newStorageKey(now: Date = new Date(), id: string = randomUUID()): string {
  const yyyy = String(now.getUTCFullYear()).padStart(4, '0');
  const mm = String(now.getUTCMonth() + 1).padStart(2, '0');
  return `${yyyy}/${mm}/${id}`;
}

// One path segment: starts with a letter, digit or underscore (never a dot, so no "..", no hidden files, and the
// storage's own ".tmp" directory is unreachable by key), then letters, digits, '_', '-', '.'.
const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const MAX_SEGMENTS = 8;

/** Thrown for a key that is not ours to take (traversal, absolute path, odd characters): a bug or an attack. */
export class InvalidStorageKeyError extends Error {
  constructor(key: string) {
    super(`invalid storage key: ${JSON.stringify(key.slice(0, 200))}`);
    this.name = 'InvalidStorageKeyError';
  }
}

/** Refuses keys that could escape the storage root or mean different things on different backends. */
export function assertStorageKey(key: string): void {
  const segments = key.split('/');
  const ok =
    key.length > 0 &&
    key.length <= 512 &&
    segments.length <= MAX_SEGMENTS &&
    !key.includes('..') &&
    segments.every((s) => SEGMENT.test(s));
  if (!ok) throw new InvalidStorageKeyError(key);
}
