import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, query } from '../../lib/api.ts';
import type { Page } from '../../lib/types.ts';
import type { RuleJson } from './rule-form.ts';

/** A rule as GET /api/v1/automations answers it. */
export interface Automation extends RuleJson {
  id: string;
  builtinKey: string | null;
  lastRunAt: string | null;
  runCounts?: Record<string, number>;
  createdAt: string;
  updatedAt: string;
}

export type RunStatus = 'running' | 'waiting' | 'completed' | 'stopped' | 'failed' | 'skipped';
export const RUN_STATUSES: RunStatus[] = ['running', 'waiting', 'completed', 'stopped', 'failed', 'skipped'];

export interface RunLogEntry {
  at: string;
  step: number | null;
  action: string;
  outcome: string;
  detail?: unknown;
}

export interface AutomationRun {
  id: string;
  automationId: string;
  contactId: string | null;
  conversationId: string | null;
  occurrenceKey: string;
  status: RunStatus;
  step: number;
  log: RunLogEntry[] | null;
  wakeAt: string | null;
  error: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface DryRun {
  conditions: { passed: boolean; detail: unknown };
  steps: Array<{ step: number; type: string; summary: string; detail?: Record<string, unknown> }>;
}

export function useAutomations() {
  return useQuery({
    queryKey: ['automations'],
    queryFn: () => api<Page<Automation>>('/api/v1/automations').then((p) => p.data),
  });
}

export function useAutomation(id: string | null) {
  return useQuery({
    queryKey: ['automations', id],
    queryFn: () => api<Automation>(`/api/v1/automations/${id}`),
    enabled: id !== null,
  });
}

/** Saves a rule: POST without an id, PATCH with one. */
export function useSaveAutomation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string | null; body: Partial<RuleJson> }) =>
      id
        ? api<Automation>(`/api/v1/automations/${id}`, { method: 'PATCH', body })
        : api<Automation>('/api/v1/automations', { method: 'POST', body }),
    onSuccess: (saved) => {
      qc.setQueryData(['automations', saved.id], saved);
      return qc.invalidateQueries({ queryKey: ['automations'], exact: true });
    },
  });
}

/** The list's switch: PATCH {enabled}, shown at once and put back if the API refuses. */
export function useToggleAutomation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, enabled }: { id: string; enabled: boolean }) =>
      api<Automation>(`/api/v1/automations/${id}`, { method: 'PATCH', body: { enabled } }),
    onMutate: async ({ id, enabled }) => {
      await qc.cancelQueries({ queryKey: ['automations'], exact: true });
      const before = qc.getQueryData<Automation[]>(['automations']);
      qc.setQueryData<Automation[]>(['automations'], (list) =>
        list?.map((a) => (a.id === id ? { ...a, enabled } : a)),
      );
      return { before };
    },
    onError: (_err, _vars, context) => qc.setQueryData(['automations'], context?.before),
    onSettled: () => qc.invalidateQueries({ queryKey: ['automations'] }),
  });
}

export function useDeleteAutomation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<void>(`/api/v1/automations/${id}`, { method: 'DELETE' }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['automations'] }),
  });
}

export function useDryRun(id: string) {
  return useMutation({
    mutationFn: (body: {
      contactId: string;
      conversationId?: string;
      event?: { properties: Record<string, unknown> };
    }) => api<DryRun>(`/api/v1/automations/${id}/test`, { method: 'POST', body }),
  });
}

/** One page of a rule's runs; `cursor` null is the first page. */
export function useRuns(id: string, statuses: RunStatus[], cursor: string | null) {
  return useQuery({
    queryKey: ['automations', id, 'runs', statuses.join(','), cursor],
    queryFn: () =>
      api<Page<AutomationRun>>(
        `/api/v1/automations/${id}/runs${query({ status: statuses.join(','), limit: 20, cursor })}`,
      ),
    placeholderData: keepPreviousData,
    // Runs move on by themselves (waits end, steps run): the first page follows them without a socket.
    refetchInterval: cursor === null ? 15_000 : false,
  });
}

/** Options for the editor's selects: {id, label}. A role that cannot read a list gets an empty one (a typed id then). */
export interface Option {
  id: string;
  label: string;
}

function useOptions(key: string, path: string, label: (x: Record<string, unknown>) => string, id = 'id') {
  return useQuery({
    queryKey: ['automations', 'options', key],
    queryFn: () =>
      api<{ data: Record<string, unknown>[] }>(path).then((p) =>
        p.data.map((x) => ({ id: String(x[id]), label: label(x) })),
      ),
    staleTime: 60_000,
    retry: false,
  });
}

const named = (x: Record<string, unknown>) => String(x.name ?? x.displayName ?? x.key ?? x.id);

export const useSegmentOptions = () => useOptions('segments', '/api/v1/segments', named);
export const useNotificationTypeOptions = () =>
  useOptions('notification-types', '/api/v1/notification-types', named, 'key');
export const useCampaignOptions = () => useOptions('campaigns', '/api/v1/coupon-campaigns', named);
export const useChannelOptions = () => useOptions('channels', '/api/v1/channels', named);
export const useTemplateOptions = () => useOptions('templates', '/api/v1/templates', named);
export const useUserOptions = () => useOptions('users', '/api/v1/users', named);
export const useTeamOptions = () => useOptions('teams', '/api/v1/teams', named);
export const useLabelOptions = () => useOptions('labels', '/api/v1/labels', named, 'name');
