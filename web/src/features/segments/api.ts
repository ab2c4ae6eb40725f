import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api } from '../../lib/api.ts';
import type { Page } from '../../lib/types.ts';
import type { FilterGroup } from './filter-types.ts';

/** A saved segment (GET /api/v1/segments). */
export interface Segment {
  id: string;
  name: string;
  description: string | null;
  filter: FilterGroup;
  builtIn: boolean;
  builtInKey: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A contact of the preview sample (the fields the sample table shows). */
export interface SampleContact {
  id: string;
  name: string | null;
  username: string | null;
  language: string | null;
  tags: string[];
  subscribed: boolean;
  lastActivityAt: string | null;
}

export interface SegmentPreview {
  count: number;
  countExact: boolean;
  sample: SampleContact[];
}

/** Every segment, built-ins first. */
export function useSegments() {
  return useQuery({
    queryKey: ['segments'],
    queryFn: () => api<Page<Segment>>('/api/v1/segments'),
  });
}

/** One segment. */
export function useSegment(id: string | null) {
  return useQuery({
    queryKey: ['segments', id],
    queryFn: () => api<Segment>(`/api/v1/segments/${id}`),
    enabled: id !== null,
  });
}

/** How many contacts a saved segment holds now (exact; each row asks on its own so a slow one delays only itself). */
export function useSegmentCount(id: string) {
  return useQuery({
    queryKey: ['segments', id, 'count'],
    queryFn: () => api<{ count: number }>(`/api/v1/segments/${id}/count`),
    staleTime: 30_000,
  });
}

/** The value after it has stayed unchanged for `ms`: typing in the builder asks the server once per pause, not per key. */
export function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/**
 * Count and sample for the filter being edited. The query key is the filter itself, so an answer to an older filter is
 * cached under its own key and never shown for the current one (stale answers are ignored); its request is aborted too.
 * The previous answer stays on screen while the next one loads.
 */
export function useSegmentPreview(filter: FilterGroup, debounceMs = 400) {
  const settled = useDebounced(JSON.stringify(filter), debounceMs);
  return useQuery({
    queryKey: ['segments', 'preview', settled],
    queryFn: ({ signal }) =>
      api<SegmentPreview>('/api/v1/segments/preview', {
        method: 'POST',
        body: { filter: JSON.parse(settled) },
        signal,
      }),
    placeholderData: keepPreviousData,
    retry: false,
  });
}

export interface SegmentInput {
  name: string;
  description?: string | null;
  filter: FilterGroup;
}

/** Creates a segment or changes one (`id` given). */
export function useSaveSegment() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, input }: { id: string | null; input: SegmentInput }) =>
      id
        ? api<Segment>(`/api/v1/segments/${id}`, { method: 'PATCH', body: input })
        : api<Segment>('/api/v1/segments', { method: 'POST', body: input }),
    onSuccess: (saved) => {
      queryClient.setQueryData(['segments', saved.id], saved);
      queryClient.invalidateQueries({ queryKey: ['segments'] });
    },
  });
}

/** Deletes a segment. */
export function useDeleteSegment() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<void>(`/api/v1/segments/${id}`, { method: 'DELETE' }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['segments'] }),
  });
}

/** A channel, for the "reachable on" and "conversation on" selects. */
export interface ChannelOption {
  id: string;
  name: string;
  type: string;
}

/** The workspace's channels (empty when the role may not read them: the select then offers "any"). */
export function useChannelOptions() {
  return useQuery({
    queryKey: ['segments', 'channel-options'],
    queryFn: () => api<Page<ChannelOption>>('/api/v1/channels').then((p) => p.data),
    staleTime: 60_000,
    retry: false,
  });
}

/** Notification types, for the "notifications allowed" condition. */
export function useNotificationTypeOptions() {
  return useQuery({
    queryKey: ['segments', 'notification-type-options'],
    queryFn: () =>
      api<{ data: Array<{ key: string; name: string }> }>('/api/v1/notification-types').then((p) => p.data),
    staleTime: 60_000,
    retry: false,
  });
}

/** Suggestions for the builder's inputs (GET /api/v1/segments/vocabulary): tags in use, event names, attribute names. */
export interface SegmentVocabulary {
  tags: Array<{ name: string; count: number }>;
  eventNames: string[];
  attributeKeys: string[];
}

export function useSegmentVocabulary() {
  return useQuery({
    queryKey: ['segments', 'vocabulary'],
    queryFn: () => api<SegmentVocabulary>('/api/v1/segments/vocabulary'),
    staleTime: 60_000,
    retry: false,
  });
}
