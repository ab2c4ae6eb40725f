import { type InfiniteData, useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { api, query } from '../../lib/api.ts';
import { useRealtime } from '../../lib/realtime.tsx';
import type { Page } from '../../lib/types.ts';

/** A broadcast as the list shows it. */
export interface Broadcast {
  id: string;
  title: string;
  status: 'draft' | 'scheduled' | 'sending' | 'paused' | 'completed' | 'cancelled' | 'failed';
  statusReason: string | null;
  stats: Record<string, number>;
  scheduledAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  createdAt: string;
}

type Pages = InfiniteData<Page<Broadcast>, string | null>;

/** Broadcasts, newest first. */
export function useBroadcasts() {
  return useInfiniteQuery({
    queryKey: ['broadcasts'],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) =>
      api<Page<Broadcast>>(`/api/v1/broadcasts${query({ limit: 50, cursor: pageParam })}`),
    getNextPageParam: (last) => last.nextCursor,
  });
}

/** Progress counters arrive about once a second while sending: patched in place; other changes refetch. */
export function useBroadcastLiveUpdates() {
  const queryClient = useQueryClient();
  useRealtime({
    onEvent: ({ room, event, data }) => {
      if (room !== 'broadcasts') return;
      if (event === 'broadcast.progressed') {
        const { broadcastId, stats, status } = data as {
          broadcastId: string;
          stats: Record<string, number>;
          status?: Broadcast['status'];
        };
        queryClient.setQueryData<Pages>(['broadcasts'], (d) =>
          d
            ? {
                ...d,
                pages: d.pages.map((p) => ({
                  ...p,
                  data: p.data.map((b) =>
                    b.id === broadcastId ? { ...b, stats, status: status ?? b.status } : b,
                  ),
                })),
              }
            : d,
        );
      } else {
        queryClient.invalidateQueries({ queryKey: ['broadcasts'] });
      }
    },
    onResumed: () => queryClient.invalidateQueries({ queryKey: ['broadcasts'] }),
  });
}
