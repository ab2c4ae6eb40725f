import {
  type InfiniteData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { ApiError, api, query } from '../../lib/api.ts';
import { readSession } from '../../lib/session.ts';
import type {
  CannedResponse,
  Contact,
  Conversation,
  ConversationStatus,
  Counts,
  Message,
  MessagesPage,
  Page,
  Priority,
} from '../../lib/types.ts';
import { upsertMessage } from './message-cache.ts';

/**
 * Which conversations the list shows: a view (who holds them), a status, search words, and a scope narrowing to one
 * team, channel or label (`team:<id>`, `channel:<id>`, `label:<name>`; '' for everything).
 */
export interface InboxFilter {
  view: 'mine' | 'unassigned' | 'all';
  status: ConversationStatus | 'any';
  q: string;
  scope?: string;
}

/** A list item: the conversation plus what the list shows of it, read by the list's one query. */
export type InboxConversation = Conversation & {
  contactName?: string | null;
  lastMessage?: {
    id: string;
    messageType: string;
    content: string | null;
    attachments: number;
    deleted: boolean;
    createdAt: string;
  } | null;
  csat?: { rating: number; comment: string | null; ratedAt: string | null } | null;
  teamId?: string | null;
};

const ASSIGNEE = { mine: 'me', unassigned: 'none', all: undefined } as const;

/** The list query's team, channel or label for a scope value. */
export function scopeParams(scope: string | undefined): {
  teamId?: string;
  channelId?: string;
  label?: string;
} {
  const split = scope ? scope.indexOf(':') : -1;
  if (!scope || split < 0) return {};
  const value = scope.slice(split + 1);
  if (!value) return {};
  const kind = scope.slice(0, split);
  if (kind === 'team') return { teamId: value };
  if (kind === 'channel') return { channelId: value };
  if (kind === 'label') return { label: value };
  return {};
}

/** The conversation list for a filter, page by page (most recent activity first). */
export function useConversations(filter: InboxFilter) {
  return useInfiniteQuery({
    queryKey: ['conversations', filter],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      api<Page<InboxConversation>>(
        `/api/v1/conversations${query({
          ...scopeParams(filter.scope),
          assignee: ASSIGNEE[filter.view],
          status: filter.status === 'any' ? undefined : filter.status,
          q: filter.q.trim() || undefined,
          limit: 50,
          cursor: pageParam,
        })}`,
        { signal },
      ),
    getNextPageParam: (last) => last.nextCursor,
  });
}

/** Totals per view and status, for the badges. */
export function useCounts() {
  return useQuery({ queryKey: ['counts'], queryFn: () => api<Counts>('/api/v1/conversations/counts') });
}

export function useConversation(id: string | undefined) {
  return useQuery({
    queryKey: ['conversation', id],
    queryFn: () => api<Conversation>(`/api/v1/conversations/${id}`),
    enabled: Boolean(id),
  });
}

/** The contact of the open conversation, with its channel identities (list items carry the name already). */
export function useContact(id: string | null | undefined) {
  return useQuery({
    queryKey: ['contact', id],
    queryFn: () => api<Contact & Record<string, unknown>>(`/api/v1/contacts/${id}`),
    enabled: Boolean(id),
    staleTime: 5 * 60_000,
  });
}

export type MessagesData = InfiniteData<MessagesPage, string | null>;

/** The thread: the latest page first, older pages on demand. */
export function useMessages(conversationId: string | undefined) {
  return useInfiniteQuery({
    queryKey: ['messages', conversationId],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      api<MessagesPage>(
        `/api/v1/conversations/${conversationId}/messages${query({ limit: 50, cursor: pageParam })}`,
        { signal },
      ),
    getNextPageParam: (last) => last.nextCursor,
    enabled: Boolean(conversationId),
  });
}

/** Canned responses whose short code starts with the prefix typed after `/`. */
export function useCannedResponses(prefix: string | null) {
  return useQuery({
    queryKey: ['canned', prefix],
    queryFn: () => api<Page<CannedResponse>>(`/api/v1/canned-responses${query({ prefix, limit: 8 })}`),
    enabled: prefix !== null,
    select: (r) => r.data,
  });
}

export function renderCanned(id: string, conversationId: string) {
  return api<{ content: string; text: string }>(`/api/v1/canned-responses/${id}/render`, {
    method: 'POST',
    body: { conversationId },
  });
}

/** Sends a reply or adds a private note; the answer goes into the thread at once (realtime may bring it too). */
export function useSendMessage(conversationId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: Record<string, unknown>) =>
      api<Message>(`/api/v1/conversations/${conversationId}/messages`, { method: 'POST', body }),
    onSuccess: (message) => {
      queryClient.setQueryData<MessagesData>(['messages', conversationId], (d) => upsertMessage(d, message));
      queryClient.invalidateQueries({ queryKey: ['conversations'] });
    },
  });
}

export interface ConversationPatch {
  status?: ConversationStatus;
  snoozedUntil?: string;
  priority?: Priority | null;
}

/** Status, snooze and priority changes; and assignment, which has its own route. */
export function useConversationActions(conversationId: string) {
  const queryClient = useQueryClient();
  const settle = (c: Conversation) => {
    queryClient.setQueryData(['conversation', conversationId], c);
    queryClient.invalidateQueries({ queryKey: ['conversations'] });
    queryClient.invalidateQueries({ queryKey: ['counts'] });
  };
  const update = useMutation({
    mutationFn: (patch: ConversationPatch) =>
      api<Conversation>(`/api/v1/conversations/${conversationId}`, { method: 'PATCH', body: patch }),
    onSuccess: settle,
  });
  const assign = useMutation({
    mutationFn: (userId: string) =>
      api<Conversation>(`/api/v1/conversations/${conversationId}/assign`, {
        method: 'POST',
        body: { userId },
      }),
    onSuccess: settle,
  });
  return { update, assign };
}

/** Marks the conversation read up to now (the server keeps at most one mark per 15 s). */
export function markRead(conversationId: string) {
  return api(`/api/v1/conversations/${conversationId}/read`, { method: 'POST' });
}

/** Shows "typing…" in the customer's chat (Telegram shows it about 5 s); failures (a paused bot) do not matter here. */
export function sendTyping(conversationId: string) {
  return api(`/api/v1/conversations/${conversationId}/typing`, { method: 'POST', body: {} }).catch(() => {});
}

/** Names for the scope picker: teams, channels and labels (a role that may not list one gets an empty list). */
export function useScopeOptions() {
  const list =
    <T>(url: string) =>
    () =>
      api<Page<T>>(url)
        .then((p) => p.data)
        .catch(() => [] as T[]);
  const teams = useQuery({
    queryKey: ['inbox-scope', 'teams'],
    queryFn: list<{ id: string; name: string }>('/api/v1/teams'),
    staleTime: 5 * 60_000,
  });
  const channels = useQuery({
    queryKey: ['inbox-scope', 'channels'],
    queryFn: list<{ id: string; name: string }>('/api/v1/channels'),
    staleTime: 5 * 60_000,
  });
  const labels = useQuery({
    queryKey: ['inbox-scope', 'labels'],
    queryFn: list<{ id: string; name: string }>('/api/v1/labels'),
    staleTime: 5 * 60_000,
  });
  return { teams: teams.data ?? [], channels: channels.data ?? [], labels: labels.data ?? [] };
}

/** The contact's other conversations, newest activity first, for the panel. */
export function useContactConversations(contactId: string | null) {
  return useQuery({
    queryKey: ['conversations', 'contact', contactId],
    queryFn: () => api<Page<InboxConversation>>(`/api/v1/conversations${query({ contactId, limit: 10 })}`),
    enabled: Boolean(contactId),
    select: (p) => p.data,
  });
}

/** Uploads one file for sending (multipart `file`); answers the stored attachment's id. */
export async function uploadAttachment(file: File): Promise<{ id: string }> {
  const session = readSession();
  const form = new FormData();
  form.append('file', file, file.name);
  const res = await fetch('/api/v1/attachments', {
    method: 'POST',
    headers: session ? { authorization: `Bearer ${session.token}` } : {},
    body: form,
  });
  const json = (await res.json().catch(() => ({}))) as {
    id?: string;
    error?: { code: string; message: string };
  };
  if (!res.ok || !json.id)
    throw new ApiError(res.status, json.error?.code ?? 'http_error', json.error?.message ?? res.statusText);
  return { id: json.id };
}
