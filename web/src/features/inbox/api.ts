import {
  type InfiniteData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { api, query } from '../../lib/api.ts';
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

/** Which conversations the list shows: a view (who holds them), a status, and search words. */
export interface InboxFilter {
  view: 'mine' | 'unassigned' | 'all';
  status: ConversationStatus | 'any';
  q: string;
}

const ASSIGNEE = { mine: 'me', unassigned: 'none', all: undefined } as const;

/** The conversation list for a filter, page by page (most recent activity first). */
export function useConversations(filter: InboxFilter) {
  return useInfiniteQuery({
    queryKey: ['conversations', filter],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      api<Page<Conversation>>(
        `/api/v1/conversations${query({
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

/** A contact's card; conversations carry only the id, so each is fetched once and cached. */
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
    mutationFn: (body: { content: string; private: boolean }) =>
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
