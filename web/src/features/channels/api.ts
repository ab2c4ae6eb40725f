import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api.ts';
import type { Channel, Page } from '../../lib/types.ts';
import { healthVerdict } from './health.ts';
import type { ChannelDetail, ChannelHealth, ChannelMember, CsatTexts, InboxSettings } from './types.ts';

/** Connected channels with their health (the token is never returned, only its hint) and the staff-bot flag. */
export function useChannels() {
  return useQuery({
    queryKey: ['channels'],
    queryFn: () => api<Page<Channel & { staffBot?: boolean }>>('/api/v1/channels'),
    select: (r) => r.data,
  });
}

/** One channel with its settings (passwords come back as `passwordSet` only). */
export function useChannel(id: string) {
  return useQuery({
    queryKey: ['channels', id],
    queryFn: () => api<ChannelDetail>(`/api/v1/channels/${id}`),
  });
}

/**
 * Everything about receiving and sending at once, refreshed while the page is open: every 15 s when healthy, every 5 s
 * while not, so a fix (or a poller taking the bot over) shows soon.
 */
export function useChannelHealth(id: string, enabled: boolean) {
  return useQuery({
    queryKey: ['channels', id, 'health'],
    queryFn: () => api<ChannelHealth>(`/api/v1/channels/${id}/health`),
    enabled,
    refetchInterval: (q) => (q.state.data && healthVerdict(q.state.data) === 'ok' ? 15_000 : 5_000),
  });
}

/** A mutation on channels that refetches every channel query after it succeeds. */
function useChannelWrite<TVars, TResult>(fn: (vars: TVars) => Promise<TResult>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['channels'] }),
  });
}

/** Connects a Telegram bot: the server checks the token with getMe first. */
export function useAddChannel() {
  return useChannelWrite((body: { name: string; token: string; mode?: 'webhook' | 'polling' }) =>
    api<ChannelDetail>('/api/v1/channels', { method: 'POST', body: { type: 'telegram', ...body } }),
  );
}

/** Adds a mailbox: the server logs in to SMTP (and IMAP) before storing anything. */
export function useAddEmailChannel() {
  return useChannelWrite((body: { name: string; settings: Record<string, unknown> }) =>
    api<ChannelDetail>('/api/v1/channels', { method: 'POST', body: { type: 'email', ...body } }),
  );
}

export interface ChannelPatch {
  name?: string;
  status?: 'active' | 'paused';
  mode?: 'webhook' | 'polling';
  token?: string;
  settings?: Record<string, unknown>;
  staffBot?: boolean;
}

export function useUpdateChannel(id: string) {
  return useChannelWrite((body: ChannelPatch) =>
    api<ChannelDetail>(`/api/v1/channels/${id}`, { method: 'PATCH', body }),
  );
}

export function useDeleteChannel() {
  return useChannelWrite((id: string) => api(`/api/v1/channels/${id}`, { method: 'DELETE' }));
}

export function useInboxSettings(id: string) {
  return useQuery({
    queryKey: ['channels', id, 'inbox-settings'],
    queryFn: () => api<InboxSettings>(`/api/v1/channels/${id}/inbox-settings`),
  });
}

/** The built-in CSAT texts, shown in the empty text fields (they never change while the app runs). */
export function useCsatBuiltInTexts() {
  return useQuery({
    queryKey: ['inbox-settings', 'csat-texts'],
    queryFn: () => api<CsatTexts>('/api/v1/inbox-settings/csat-texts'),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

export function useUpdateInboxSettings(id: string) {
  return useChannelWrite((body: Partial<InboxSettings>) =>
    api<InboxSettings>(`/api/v1/channels/${id}/inbox-settings`, { method: 'PATCH', body }),
  );
}

export function useChannelMembers(id: string) {
  return useQuery({
    queryKey: ['channels', id, 'members'],
    queryFn: () => api<{ data: ChannelMember[] }>(`/api/v1/channels/${id}/members`),
    select: (r) => r.data,
  });
}

export function useChannelMember(id: string) {
  return useChannelWrite(
    ({ userId, capacity, remove }: { userId: string; capacity?: number | null; remove?: boolean }) => {
      if (remove) return api(`/api/v1/channels/${id}/members/${userId}`, { method: 'DELETE' });
      return api(`/api/v1/channels/${id}/members`, {
        method: 'POST',
        body: capacity === undefined ? { userId } : { userId, capacity },
      });
    },
  );
}

export function useSetMemberCapacity(id: string) {
  return useChannelWrite(({ userId, capacity }: { userId: string; capacity: number | null }) =>
    api(`/api/v1/channels/${id}/members/${userId}`, { method: 'PATCH', body: { capacity } }),
  );
}

/** Everyone who could be a member (owners, admins and agents work conversations). */
export function useWorkers() {
  return useQuery({
    queryKey: ['users'],
    queryFn: () =>
      api<Page<{ id: string; displayName: string; email: string; role: string; active: boolean }>>(
        '/api/v1/users?limit=1000',
      ),
    select: (r) => r.data.filter((u) => u.active && ['owner', 'admin', 'agent'].includes(u.role)),
  });
}
