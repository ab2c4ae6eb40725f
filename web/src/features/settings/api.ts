import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, query } from '../../lib/api.ts';
import type { Page, User } from '../../lib/types.ts';
import type { ApiKey, AuditEntry, CannedResponseRow, Label, LoginLink, Team } from './types.ts';

export type Role = 'owner' | 'admin' | 'agent' | 'marketing' | 'readonly';
export const ROLES: readonly Role[] = ['owner', 'admin', 'agent', 'marketing', 'readonly'];

// The inbox caches the same lists under its own keys (its filters and the composer's `/` lookup): refreshed with ours.
const INBOX_TEAMS = ['inbox-scope', 'teams'];
const INBOX_LABELS = ['inbox-scope', 'labels'];
const INBOX_CANNED = ['canned'];

/** A mutation that refetches the given lists once it succeeds. */
function useWrite<TVars, TResult>(fn: (vars: TVars) => Promise<TResult>, invalidates: string[][]) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: async () => {
      await Promise.all(invalidates.map((queryKey) => queryClient.invalidateQueries({ queryKey })));
    },
  });
}

/** Every user, active or not (a team is small: one page of up to 1000). */
export function useUsers() {
  return useQuery({
    queryKey: ['users'],
    queryFn: () => api<Page<User & { lastSeenAt: string | null }>>(`/api/v1/users${query({ limit: 1000 })}`),
    select: (r) => r.data,
  });
}

export interface UserInput {
  email: string;
  displayName: string;
  role: Role;
  password?: string;
}

export function useCreateUser() {
  return useWrite((body: UserInput) => api<User>('/api/v1/users', { method: 'POST', body }), [['users']]);
}

export function useUpdateUser() {
  return useWrite(
    ({ id, ...body }: { id: string; role?: Role; active?: boolean; displayName?: string }) =>
      api<User>(`/api/v1/users/${id}`, { method: 'PATCH', body }),
    [['users'], ['teams']],
  );
}

/** A single-use sign-in link (15 minutes) to hand to a new or locked-out colleague. */
export function useLoginLink() {
  return useMutation({
    mutationFn: (userId: string) =>
      api<LoginLink>('/api/v1/auth/login-links', { method: 'POST', body: { userId } }),
  });
}

export function useTeams() {
  return useQuery({
    queryKey: ['teams'],
    queryFn: () => api<{ data: Team[] }>('/api/v1/teams'),
    select: (r) => r.data,
  });
}

export function useSaveTeam() {
  return useWrite(
    ({ id, ...body }: { id?: string; name: string; description: string | null; allowAutoAssign: boolean }) =>
      id
        ? api<Team>(`/api/v1/teams/${id}`, { method: 'PATCH', body })
        : api<Team>('/api/v1/teams', { method: 'POST', body }),
    [['teams'], INBOX_TEAMS],
  );
}

export function useDeleteTeam() {
  return useWrite((id: string) => api(`/api/v1/teams/${id}`, { method: 'DELETE' }), [['teams'], INBOX_TEAMS]);
}

export function useTeamMember() {
  return useWrite(
    ({ teamId, userId, remove }: { teamId: string; userId: string; remove?: boolean }) =>
      remove
        ? api(`/api/v1/teams/${teamId}/members/${userId}`, { method: 'DELETE' })
        : api(`/api/v1/teams/${teamId}/members`, { method: 'POST', body: { userId } }),
    [['teams']],
  );
}

export function useLabels() {
  return useQuery({
    queryKey: ['labels'],
    queryFn: () => api<{ data: Label[] }>('/api/v1/labels'),
    select: (r) => r.data,
  });
}

export function useSaveLabel() {
  return useWrite(
    ({ id, ...body }: { id?: string; name: string; color: string; description: string | null }) =>
      id
        ? api<Label>(`/api/v1/labels/${id}`, { method: 'PATCH', body })
        : api<Label>('/api/v1/labels', { method: 'POST', body }),
    [['labels'], INBOX_LABELS],
  );
}

export function useDeleteLabel() {
  return useWrite(
    (id: string) => api(`/api/v1/labels/${id}`, { method: 'DELETE' }),
    [['labels'], INBOX_LABELS],
  );
}

export function useCannedResponses() {
  return useQuery({
    queryKey: ['canned-responses', 'all'],
    queryFn: () => api<{ data: CannedResponseRow[] }>(`/api/v1/canned-responses${query({ limit: 500 })}`),
    select: (r) => r.data,
  });
}

export function useSaveCannedResponse() {
  return useWrite(
    ({ id, ...body }: { id?: string; shortCode: string; content: string }) =>
      id
        ? api<CannedResponseRow>(`/api/v1/canned-responses/${id}`, { method: 'PATCH', body })
        : api<CannedResponseRow>('/api/v1/canned-responses', { method: 'POST', body }),
    [['canned-responses'], INBOX_CANNED],
  );
}

export function useDeleteCannedResponse() {
  return useWrite(
    (id: string) => api(`/api/v1/canned-responses/${id}`, { method: 'DELETE' }),
    [['canned-responses'], INBOX_CANNED],
  );
}

export function useApiKeys(includeRevoked: boolean) {
  return useQuery({
    queryKey: ['api-keys', includeRevoked],
    queryFn: () => api<Page<ApiKey>>(`/api/v1/api-keys${query({ limit: 1000, includeRevoked })}`),
    select: (r) => r.data,
  });
}

export function useCreateApiKey() {
  return useWrite(
    (body: { name: string; role: Role; rateLimitPerMinute?: number }) =>
      api<ApiKey & { key: string }>('/api/v1/api-keys', { method: 'POST', body }),
    [['api-keys']],
  );
}

export function useRevokeApiKey() {
  return useWrite((id: string) => api(`/api/v1/api-keys/${id}`, { method: 'DELETE' }), [['api-keys']]);
}

export interface AuditFilters {
  actorId?: string;
  entityType?: string;
  action?: string;
  from?: string;
  to?: string;
}

/** One page of the audit log; `cursor` comes from the previous page's `nextCursor`. */
export function useAuditLog(filters: AuditFilters, cursor: string | null) {
  return useQuery({
    queryKey: ['audit-log', filters, cursor],
    queryFn: () => api<Page<AuditEntry>>(`/api/v1/audit-log${query({ ...filters, cursor, limit: 50 })}`),
    placeholderData: (previous) => previous,
  });
}

/** Workspace settings, every default filled in. */
export function useSettings() {
  return useQuery({
    queryKey: ['settings'],
    queryFn: () => api<Record<string, unknown>>('/api/v1/settings'),
  });
}

/** Changes one setting; the API checks each key on its own. */
export function useSetSetting() {
  return useWrite(
    ({ key, value }: { key: string; value: unknown }) =>
      api(`/api/v1/settings/${key}`, { method: 'PATCH', body: { value } }),
    [['settings']],
  );
}
