/** The contacts pages' realtime wiring; the rules themselves are in live-contacts.ts (tested without a browser). */
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef } from 'react';
import { useRealtime, useRealtimeStatus } from '../../lib/realtime.tsx';
import type { RealtimeEvent } from '../../lib/realtime-connection.ts';
import { type ContactImport, useImport } from './api.ts';
import { applyImportEvent, coalesce, importPollInterval, touchesContacts } from './live-contacts.ts';

/** Refetch of the table after a burst of contact events: one per half second at most, however busy the bots are. */
const TABLE_REFRESH_MS = 500;

/**
 * Keeps the contacts table fresh from the `contacts` room. A refetch rather than patching rows: an event cannot say whether
 * the changed contact still matches the filter, nor where it sorts. After a reconnect the table is read again, since events
 * may have been missed meanwhile.
 */
export function useLiveContactTable(): void {
  const queryClient = useQueryClient();
  const refresh = useMemo(
    () =>
      coalesce(() => {
        // The table's own keys (['contacts', filter]); other pages' contact searches stay as they are.
        void queryClient.invalidateQueries({
          predicate: (q) => q.queryKey[0] === 'contacts' && q.queryKey[1] !== 'search',
        });
      }, TABLE_REFRESH_MS),
    [queryClient],
  );
  useEffect(() => () => refresh.cancel(), [refresh]);
  useRealtime({
    onEvent: (event) => {
      if (touchesContacts(event)) refresh.call();
    },
    onResumed: () => refresh.call(),
  });
}

/**
 * One import, followed through the `imports` room: each `import.progressed` of it updates the cached import at once, and the
 * query polls (0.7 s) only while the socket is down. Events are remembered by import id, because the upload's answer and the
 * first events race: one that arrived before the page knew the id, or before the first GET answered, is applied to that answer
 * (never backwards). A reconnect reads the import again. When it ends, the table is refetched (an import publishes no
 * per-contact events).
 */
export function useLiveImport(importId: string | null) {
  const queryClient = useQueryClient();
  const imp = useImport(importId, importPollInterval(useRealtimeStatus()));
  const seen = useRef(new Map<string, RealtimeEvent>());

  const apply = (event: RealtimeEvent) => {
    if (!importId) return;
    const key = ['contact-import', importId];
    const before = queryClient.getQueryData<ContactImport>(key);
    const after = applyImportEvent(before, event);
    if (after === before) return;
    queryClient.setQueryData(key, after);
    if (before?.status !== after?.status && (after?.status === 'completed' || after?.status === 'failed'))
      void queryClient.invalidateQueries({ queryKey: ['contacts'] });
  };
  const latestApply = useRef(apply);
  latestApply.current = apply;

  useRealtime({
    onEvent: (event) => {
      const id = event.event === 'import.progressed' ? event.data?.import?.id : undefined;
      if (typeof id !== 'string') return;
      seen.current.set(id, event);
      if (id === importId) apply(event);
    },
    onResumed: () => {
      if (importId) void queryClient.invalidateQueries({ queryKey: ['contact-import', importId] });
    },
  });

  // Each answer of the GET: bring it up to the newest event already received for this import.
  const answeredAt = imp.dataUpdatedAt;
  useEffect(() => {
    const event = importId ? seen.current.get(importId) : undefined;
    if (event && answeredAt) latestApply.current(event);
  }, [importId, answeredAt]);

  return imp;
}
