import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, query } from '../../lib/api.ts';
import type { Page } from '../../lib/types.ts';

/** Notification types, the log and the test send (docs/api.md, "Notifications"). */

export type ChannelKind = 'telegram' | 'email';

export interface NotificationType {
  id: string;
  key: string;
  name: string;
  description: string | null;
  category: 'transactional' | 'marketing';
  critical: boolean;
  channels: ChannelKind[];
  templates: { telegram: string | null; email: string | null };
  throttle: { limit: number; periodSeconds: number } | null;
  digestWindowSeconds: number | null;
  enabled: boolean;
  builtIn: boolean;
}

export type NotificationStatus =
  | 'queued'
  | 'delayed'
  | 'sending'
  | 'sent'
  | 'skipped'
  | 'failed'
  | 'digested';

export interface Notification {
  id: string;
  type: string;
  contactId: string;
  status: NotificationStatus;
  channel: ChannelKind | null;
  reason: string | null;
  data: Record<string, unknown>;
  sendAt: string | null;
  sentAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface LogEntry {
  event: string;
  channel: string | null;
  detail: Record<string, unknown>;
  at: string;
}

export interface TemplateOption {
  id: string;
  key: string | null;
  name: string;
  format: 'telegram_html' | 'email_html' | 'text';
  sampleData: Record<string, unknown> | null;
}

/** Every type, built-ins first. */
export function useNotificationTypes() {
  return useQuery({
    queryKey: ['notification-types'],
    queryFn: () => api<{ data: NotificationType[] }>('/api/v1/notification-types'),
    select: (r) => r.data,
  });
}

/** Templates by id, for the types' template names and pickers. */
export function useTemplateOptions() {
  return useQuery({
    queryKey: ['templates', 'all'],
    queryFn: () => api<{ data: TemplateOption[] }>('/api/v1/templates'),
    select: (r) => r.data,
  });
}

/** Changes a type (any subset: enabled, channels, templates, …). */
export function useUpdateType() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ key, patch }: { key: string; patch: Record<string, unknown> }) =>
      api<NotificationType>(`/api/v1/notification-types/${encodeURIComponent(key)}`, {
        method: 'PATCH',
        body: patch,
      }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['notification-types'] }),
  });
}

/** Creates a custom type. */
export function useCreateType() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: Record<string, unknown>) =>
      api<NotificationType>('/api/v1/notification-types', { method: 'POST', body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['notification-types'] }),
  });
}

/** The log, newest first, for a query built by log-filters.ts. */
export function useNotificationLog(params: Record<string, string>) {
  return useInfiniteQuery({
    queryKey: ['notifications', params],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) =>
      api<Page<Notification>>(`/api/v1/notifications${query({ ...params, limit: 50, cursor: pageParam })}`),
    getNextPageParam: (last) => last.nextCursor,
    // No realtime room carries the log: new and changed rows show within 10 s while the page is in front.
    refetchInterval: 10_000,
  });
}

/** One notification with every state change. Polled while it is still on its way. */
export function useNotification(id: string) {
  return useQuery({
    queryKey: ['notification', id],
    queryFn: () =>
      api<Notification & { log: LogEntry[]; channels: string[] | null }>(`/api/v1/notifications/${id}`),
    refetchInterval: (q) => (q.state.data && !SETTLED.has(q.state.data.status) ? 2000 : false),
  });
}

const SETTLED = new Set<NotificationStatus>(['sent', 'skipped', 'failed', 'digested']);

/** Triggers a notification, as the business's backend would. Answers `{id, status, duplicate}`. */
export function useSendNotification() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: {
      type: string;
      to: { contactId: string };
      data: Record<string, unknown>;
      channels?: ChannelKind[];
    }) =>
      api<{ id: string; status: NotificationStatus; duplicate: boolean }>('/api/v1/notifications', {
        method: 'POST',
        body,
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['notifications'] }),
  });
}

/** A contact's display name (cached per id: the log lists the same people again and again). */
export function useContactName(id: string | null) {
  return useQuery({
    queryKey: ['contact-name', id],
    enabled: !!id,
    staleTime: 5 * 60_000,
    queryFn: () =>
      api<{ name: string | null; username: string | null; email: string | null }>(`/api/v1/contacts/${id}`),
    select: (c) => c.name ?? (c.username ? `@${c.username}` : (c.email ?? null)),
  });
}
