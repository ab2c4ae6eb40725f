import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef } from 'react';
import { api, query } from '../../lib/api.ts';
import { useRealtime } from '../../lib/realtime.tsx';
import type { Page } from '../../lib/types.ts';
import type { Broadcast } from './api.ts';

/** One broadcast as its page shows it (GET /api/v1/broadcasts/:id). */
export interface BroadcastDetail extends Broadcast {
  channelId: string;
  segmentId: string | null;
  templateId: string | null;
  content: string | null;
  localTime: string | null;
  quietHours: { from: string; to: string } | null;
  failedByReason: { reason: string; count: number }[];
  progress: { ratePerSecond: number; estimatedFinishAt: string | null };
  clicks: {
    total: number;
    unique: number;
    urlTracking: boolean;
    buttons: { button: number; kind: string; text: string; total: number; unique: number }[];
  };
}

/** A recipient row. */
export interface Delivery {
  id: string;
  contactId: string;
  contactName: string | null;
  username: string | null;
  status: string;
  reason: string | null;
  attempts: number;
  notBefore: string | null;
  sentAt: string | null;
  updatedAt: string;
}

export type BroadcastAction = 'pause' | 'resume' | 'cancel' | 'send-now' | 'unschedule';

/** The broadcast with counters, reasons, clicks, rate and ETA. */
export function useBroadcast(id: string) {
  return useQuery({
    queryKey: ['broadcast', id],
    queryFn: () => api<BroadcastDetail>(`/api/v1/broadcasts/${id}`),
  });
}

/** Recipients filtered by status, in pages. */
export function useDeliveries(id: string, statuses: string[]) {
  return useInfiniteQuery({
    queryKey: ['broadcast', id, 'deliveries', statuses.join(',')],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) =>
      api<Page<Delivery>>(
        `/api/v1/broadcasts/${id}/deliveries${query({ limit: 50, cursor: pageParam, status: statuses.join(',') })}`,
      ),
    getNextPageParam: (last) => last.nextCursor,
  });
}

/**
 * Live counters: `broadcast.progressed` patches the counters at once (about once a second); the rest of the page (rate, ETA,
 * reasons, clicks, recipients) is read again at most every 3 s, and at once when the status changes.
 */
export function useBroadcastPageLive(id: string) {
  const queryClient = useQueryClient();
  const lastRefetch = useRef(0);
  const refetch = (force: boolean) => {
    const now = Date.now();
    if (!force && now - lastRefetch.current < 3000) return;
    lastRefetch.current = now;
    queryClient.invalidateQueries({ queryKey: ['broadcast', id] });
  };
  useRealtime({
    onEvent: ({ room, event, data }) => {
      if (room !== 'broadcasts') return;
      if (event === 'broadcast.progressed') {
        const p = data as {
          broadcastId: string;
          stats: Record<string, number>;
          status?: Broadcast['status'];
        };
        if (p.broadcastId !== id) return;
        const before = queryClient.getQueryData<BroadcastDetail>(['broadcast', id]);
        queryClient.setQueryData<BroadcastDetail>(['broadcast', id], (b) =>
          b ? { ...b, stats: p.stats, status: p.status ?? b.status } : b,
        );
        refetch(!!p.status && p.status !== before?.status);
      } else {
        const b =
          (data as { broadcast?: { id?: string }; id?: string }).broadcast?.id ??
          (data as { id?: string }).id;
        if (b === id) refetch(true);
      }
    },
    onResumed: () => refetch(true),
  });
}

/** A status action (pause, resume, cancel, start now, back to draft). */
export function useBroadcastAction(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (action: BroadcastAction) =>
      api<BroadcastDetail>(`/api/v1/broadcasts/${id}/${action}`, { method: 'POST' }),
    onSettled: () => {
      queryClient.invalidateQueries({ queryKey: ['broadcast', id] });
      queryClient.invalidateQueries({ queryKey: ['broadcasts'] });
    },
  });
}

/** A new draft with the same audience and message. Answers its id. */
export function useDuplicateBroadcast(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api<{ id: string }>(`/api/v1/broadcasts/${id}/duplicate`, { method: 'POST' }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['broadcasts'] }),
  });
}

/** Sends the message to one contact now, outside the counters. */
export function useTestSend(id: string) {
  return useMutation({
    mutationFn: (contactId: string) =>
      api<{ chatExternalId: string }>(`/api/v1/broadcasts/${id}/test`, {
        method: 'POST',
        body: { contactId },
      }),
  });
}
