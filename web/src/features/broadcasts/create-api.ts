import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api.ts';
import type { Page } from '../../lib/types.ts';
import { uploadFile } from '../../lib/upload.ts';
import { attachmentKind, type CreatePlan, type DraftAttachment } from './create-logic.ts';
import type { StoredBroadcast } from './draft-edit.ts';

/** The create flow's reads: bots, segments and their counts, templates, the rendered preview. */

export interface BotChannel {
  id: string;
  name: string;
  type: string;
  status: string;
  bot: { username: string | null };
}

export interface Segment {
  id: string;
  name: string;
  builtIn: boolean;
  builtInKey: string | null;
}

export interface TemplateSummary {
  id: string;
  key: string | null;
  name: string;
  body: string;
  variants: Record<string, string>;
  buttons: unknown[][];
}

/** What a preview answer carries: the text as Telegram HTML and the buttons, rendered for the sample contact. */
export interface Rendered {
  html: string;
  buttons: { kind: string; text: string }[][];
  language: string | null;
}

/** Telegram bots that can send broadcasts. */
export function useBots() {
  return useQuery({
    queryKey: ['channels'],
    queryFn: () => api<Page<BotChannel>>('/api/v1/channels'),
    select: (r) => r.data.filter((c) => c.type === 'telegram'),
  });
}

/** The rate the bot's sending is actually limited to (its setting, the default and Telegram's caps applied). */
export function useBotRate(channelId: string) {
  return useQuery({
    queryKey: ['channels', channelId, 'health'],
    enabled: !!channelId,
    queryFn: () => api<{ sending: { rateLimitPerSecond: number } }>(`/api/v1/channels/${channelId}/health`),
    select: (r) => r.sending.rateLimitPerSecond,
    staleTime: 30_000,
  });
}

/** Saved segments, built-in ones first. */
export function useSegments() {
  return useQuery({
    queryKey: ['segments'],
    queryFn: () => api<Page<Segment>>('/api/v1/segments'),
    select: (r) => r.data,
  });
}

/** How many contacts a segment selects right now. */
export function useSegmentCount(segmentId: string | null) {
  return useQuery({
    queryKey: ['segments', segmentId, 'count'],
    enabled: !!segmentId,
    queryFn: () => api<{ count: number }>(`/api/v1/segments/${segmentId}/count`),
    select: (r) => r.count,
    refetchInterval: 15_000,
  });
}

/** Telegram templates to choose from. */
export function useTelegramTemplates() {
  return useQuery({
    queryKey: ['templates', 'telegram_html'],
    queryFn: () => api<{ data: TemplateSummary[] }>('/api/v1/templates?format=telegram_html'),
    select: (r) => r.data,
  });
}

/** Unsaved (or chosen) text, variants and buttons, rendered for the sample contact in `language`. */
export interface PreviewSource {
  body: string;
  variants: Record<string, string>;
  buttons: unknown[][];
}

/** The message as the sample contact would get it: the same checks and rendering as a send. */
export function usePreview(source: PreviewSource | null, language: string) {
  return useQuery({
    queryKey: ['broadcast-preview', source, language],
    enabled: source !== null && source.body.trim() !== '',
    placeholderData: keepPreviousData,
    retry: false,
    queryFn: ({ signal }) =>
      api<Rendered>('/api/v1/templates/render-preview', {
        method: 'POST',
        body: { format: 'telegram_html', ...source, language: language || undefined },
        signal,
      }),
  });
}

/**
 * Runs a plan: the template first when needed, then the broadcast (POST, or PATCH of `editId` when a draft is edited), then
 * its start. Answers the id, and why the start failed if it did.
 */
export function useCreateBroadcast(editId: string | null = null) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (plan: CreatePlan) => {
      const body = { ...plan.body };
      if (plan.template) {
        const t = await api<{ id: string }>('/api/v1/templates', {
          method: 'POST',
          body: { format: 'telegram_html', ...plan.template },
        });
        body.templateId = t.id;
      }
      const saved = editId
        ? await api<{ id: string }>(`/api/v1/broadcasts/${editId}`, { method: 'PATCH', body })
        : await api<{ id: string }>('/api/v1/broadcasts', { method: 'POST', body });
      // A refused start leaves a draft that exists: the page opens it with the reason, rather than losing it.
      let startError: Error | null = null;
      if (plan.start)
        await api(`/api/v1/broadcasts/${saved.id}/${plan.start}`, { method: 'POST' }).catch((e: Error) => {
          startError = e;
        });
      return { id: saved.id, startError: startError as Error | null };
    },
    onSettled: (result) => {
      void queryClient.invalidateQueries({ queryKey: ['broadcasts'] });
      if (result) void queryClient.invalidateQueries({ queryKey: ['broadcast', result.id] });
    },
  });
}

/** A stored broadcast to edit (the same cache entry as its page). */
export function useStoredBroadcast(id: string | null) {
  return useQuery({
    queryKey: ['broadcast', id],
    enabled: id !== null,
    queryFn: () => api<StoredBroadcast & { id: string }>(`/api/v1/broadcasts/${id}`),
  });
}

/** An uploaded file's name and kind (GET /api/v1/attachments/:id). */
export function useAttachmentMeta(id: string | null) {
  return useQuery({
    queryKey: ['attachment', id],
    enabled: id !== null,
    retry: false,
    staleTime: Number.POSITIVE_INFINITY,
    queryFn: () => api<{ id: string; fileName: string | null; kind: string }>(`/api/v1/attachments/${id}`),
  });
}

/**
 * Uploads the broadcast's file (multipart, so not through `api`), as a photo or a document by `attachmentKind`. Needs
 * conversations:write: uploads are files to send, guarded like replies.
 */
export async function uploadBroadcastFile(file: File): Promise<DraftAttachment> {
  const stored = await uploadFile(file, attachmentKind(file));
  return { id: stored.id, name: stored.fileName ?? file.name, kind: stored.kind ?? attachmentKind(file) };
}
