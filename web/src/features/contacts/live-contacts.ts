/**
 * How the contacts pages follow the realtime `contacts` and `imports` rooms (docs/api.md "Realtime"): which events touch the
 * table, how an `import.progressed` payload updates the import being watched, and a coalescer so a burst of events (a bulk
 * action, a busy bot) costs one refetch.
 */
import type { RealtimeEvent, RealtimeStatus } from '../../lib/realtime-connection.ts';
import type { ImportStatus } from './import-progress.ts';

const CONTACT_EVENTS = new Set(['contact.created', 'contact.updated', 'contact.deleted']);

/** Whether an event changes what the contacts table may show. */
export function touchesContacts(event: RealtimeEvent): boolean {
  return event.room === 'contacts' && CONTACT_EVENTS.has(event.event);
}

/** The contact an event is about (`{contact: {id}}` or `{id}` for a deletion), so its cached page can be refreshed. */
export function contactIdOf(event: RealtimeEvent): string | null {
  if (!touchesContacts(event)) return null;
  const id = event.data?.contact?.id ?? event.data?.id;
  return typeof id === 'string' ? id : null;
}

/** The fields of an import the page shows; the event carries the stored row, of which only these are taken. */
const IMPORT_FIELDS = [
  'status',
  'processedRows',
  'createdRows',
  'updatedRows',
  'rejectedRows',
  'error',
  'finishedAt',
] as const;

const STATUS_ORDER: Record<ImportStatus['status'], number> = {
  uploading: 0,
  queued: 1,
  running: 2,
  completed: 3,
  failed: 3,
};

/**
 * The import as the page should show it after an `import.progressed` event: the event's counters when it is about this
 * import and not older than what is shown (a refetch may have overtaken a late event), else the current value unchanged.
 */
export function applyImportEvent<T extends ImportStatus & { id: string }>(
  current: T | undefined,
  event: RealtimeEvent,
): T | undefined {
  if (!current || event.event !== 'import.progressed') return current;
  const incoming = event.data?.import as Partial<Record<string, unknown>> | undefined;
  if (!incoming || incoming.id !== current.id) return current;
  const status = incoming.status as ImportStatus['status'] | undefined;
  if (!status || !(status in STATUS_ORDER)) return current;
  const processed = Number(incoming.processedRows);
  if (STATUS_ORDER[status] < STATUS_ORDER[current.status]) return current;
  if (Number.isFinite(processed) && processed < current.processedRows) return current;
  const was = current as unknown as Record<string, unknown>;
  const changed = IMPORT_FIELDS.filter((f) => f in incoming && incoming[f] !== was[f]);
  // Nothing new (a replay, or an event the last answer already showed): the same object, so nothing re-renders.
  if (changed.length === 0) return current;
  const next = { ...was };
  for (const field of changed) next[field] = incoming[field];
  return next as unknown as T;
}

/** How often the import page asks for a running import: not at all while the socket brings its events, else every 0.7 s. */
export function importPollInterval(socket: RealtimeStatus): number | false {
  return socket === 'live' ? false : 700;
}

/**
 * Calls `run` once `ms` after the first of a burst of calls; calls during the wait join that run. `cancel` drops a pending
 * run (the page left).
 */
export function coalesce(run: () => void, ms: number) {
  let timer: ReturnType<typeof setTimeout> | null = null;
  return {
    call() {
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        run();
      }, ms);
    },
    cancel() {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
