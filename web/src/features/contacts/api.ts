import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, api, fetchBlob, query } from '../../lib/api.ts';
import { readSession } from '../../lib/session.ts';
import type { Page } from '../../lib/types.ts';
import { type ContactFilter, filterQuery } from './filters.ts';
import { type ImportStatus, importActive } from './import-progress.ts';

/** A contact as GET /api/v1/contacts lists it. */
export interface ContactRow {
  id: string;
  externalId: string | null;
  name: string | null;
  firstName: string | null;
  lastName: string | null;
  username: string | null;
  phone: string | null;
  email: string | null;
  language: string | null;
  timezone: string | null;
  birthday: string | null;
  tags: string[];
  attributes: Record<string, unknown>;
  subscribed: boolean;
  blocked: boolean;
  source: string | null;
  createdAt: string;
  lastActivityAt: string | null;
}

/** A channel identity of a contact (GET /api/v1/contacts/:id `channels`). */
export interface ContactIdentity {
  id: string;
  channelId: string;
  externalId: string;
  reachable: boolean;
  lastError: string | null;
  lastSeenAt: string | null;
}

export type ContactDetail = ContactRow & { channels: ContactIdentity[] };

export interface TimelineItem {
  kind: 'message' | 'event' | 'broadcast' | 'notification';
  id: string;
  at: string;
  data: Record<string, unknown>;
}

export interface ContactImport extends ImportStatus {
  id: string;
  filename: string | null;
  createdRows: number;
  updatedRows: number;
  error: string | null;
}

export interface ChannelOption {
  id: string;
  name: string;
  type: string;
}

/** The table's rows for a filter, 50 a page, with the total of the first page (one count per filter). */
export function useContactList(filter: ContactFilter) {
  return useInfiniteQuery({
    queryKey: ['contacts', filter],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      api<Page<ContactRow> & { total?: number }>(
        `/api/v1/contacts${filterQuery(filter, { limit: 50, cursor: pageParam ?? undefined, withTotal: pageParam ? undefined : 'true' })}`,
        { signal },
      ),
    getNextPageParam: (last) => last.nextCursor,
  });
}

/** One contact with its channel identities (the inbox caches the same key). */
export function useContactDetail(id: string) {
  return useQuery({ queryKey: ['contact', id], queryFn: () => api<ContactDetail>(`/api/v1/contacts/${id}`) });
}

/** Channels for names and the channel filter; a role without channels:read gets none (ids are shown instead). */
export function useChannelOptions() {
  return useQuery({
    queryKey: ['channels', 'options'],
    queryFn: () => api<Page<ChannelOption>>('/api/v1/channels').then((p) => p.data),
    retry: false,
    staleTime: 5 * 60_000,
  });
}

/** Saves changed fields; the answer replaces the cached contact, lists refetch. */
export function useUpdateContact(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (patch: Record<string, unknown>) =>
      api<ContactRow>(`/api/v1/contacts/${id}`, { method: 'PATCH', body: patch }),
    onSuccess: (contact) => {
      queryClient.setQueryData<ContactDetail>(['contact', id], (old) => (old ? { ...old, ...contact } : old));
      queryClient.invalidateQueries({ queryKey: ['contacts'] });
    },
  });
}

export type BulkAction = 'addTags' | 'removeTags' | 'subscribe' | 'unsubscribe' | 'delete';

/** One action on the selected ids or on everyone matching the filter. */
export function useBulkAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: {
      action: BulkAction;
      ids?: string[];
      filter?: Record<string, unknown>;
      tags?: string[];
    }) => api<{ affected: number }>('/api/v1/contacts/bulk', { method: 'POST', body }),
    onSuccess: () => {
      queryClient.invalidateQueries({ queryKey: ['contacts'] });
      queryClient.invalidateQueries({ queryKey: ['contact'] });
    },
  });
}

/** The contact's timeline, newest first, a page at a time. */
export function useTimeline(contactId: string) {
  return useInfiniteQuery({
    queryKey: ['contact-timeline', contactId],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      api<Page<TimelineItem>>(
        `/api/v1/contacts/${contactId}/timeline${query({ limit: 30, cursor: pageParam })}`,
        { signal },
      ),
    getNextPageParam: (last) => last.nextCursor,
  });
}

/** Uploads a CSV file as the raw body (the API's text/csv form); answers the import resource. */
export async function uploadImport(file: File, channelId: string): Promise<ContactImport> {
  const session = readSession();
  const res = await fetch(`/api/v1/contacts/import${query({ filename: file.name, channelId })}`, {
    method: 'POST',
    headers: {
      'content-type': 'text/csv',
      ...(session ? { authorization: `Bearer ${session.token}` } : {}),
    },
    body: file,
  });
  const json = (await res.json().catch(() => ({}))) as {
    error?: { code: string; message: string; details?: [] };
  };
  if (!res.ok)
    throw new ApiError(
      res.status,
      json.error?.code ?? 'http_error',
      json.error?.message ?? res.statusText,
      json.error?.details,
    );
  return json as unknown as ContactImport;
}

/**
 * An import's counters. Live from the `imports` room (live-hooks.ts: useLiveImport); `pollWhileActive` is the fallback
 * interval while the socket is down (false while it is live).
 */
export function useImport(id: string | null, pollWhileActive: number | false) {
  return useQuery({
    queryKey: ['contact-import', id],
    queryFn: () => api<ContactImport>(`/api/v1/contacts/imports/${id}`),
    enabled: Boolean(id),
    refetchInterval: (q) => (importActive(q.state.data) || !q.state.data ? pollWhileActive : false),
  });
}

/** Rejected rows of a finished import, by line. */
export function useImportErrors(id: string | null, enabled: boolean) {
  return useQuery({
    queryKey: ['contact-import-errors', id],
    queryFn: () =>
      api<Page<{ line: number; reason: string }>>(`/api/v1/contacts/imports/${id}/errors?limit=200`),
    enabled: Boolean(id) && enabled,
  });
}

/** Downloads the export of the current filter (the bearer token rules out a plain link) under a dated name. */
export async function downloadExport(filter: ContactFilter, excel: boolean): Promise<void> {
  const blob = await fetchBlob(
    `/api/v1/contacts/export${filterQuery(filter, excel ? { delimiter: ';', bom: 'true' } : {})}`,
  );
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = `contacts-${new Date().toISOString().slice(0, 10)}.csv`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export interface ConversationSummary {
  id: string;
  displayId: number;
  status: string;
  channelId: string;
  lastActivityAt: string;
}

/** The contact's conversations (those the viewer may see), most recent first. */
export function useContactConversations(contactId: string) {
  return useQuery({
    queryKey: ['contact-conversations', contactId],
    queryFn: () => api<Page<ConversationSummary>>(`/api/v1/conversations?contactId=${contactId}&limit=20`),
    retry: false,
  });
}
