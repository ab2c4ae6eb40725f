import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, query } from '../../lib/api.ts';
import type { Page } from '../../lib/types.ts';
import { uploadFile } from '../../lib/upload.ts';
import type { Template, TemplateFormat } from './template-draft.ts';

/** What the API renders for a contact (POST …/render-preview and …/:id/preview). */
export interface TemplatePreview {
  format: TemplateFormat;
  html: string;
  text: string;
  buttons: Array<
    Array<{ kind: 'url'; text: string; url: string } | { kind: 'callback'; text: string; data: string }>
  >;
  attachmentId: string | null;
  language: string;
  variant: string | null;
  contact: { id: string | null; sample: boolean };
}

/** A contact the preview can be rendered for. */
export interface ContactOption {
  id: string;
  name: string | null;
  username: string | null;
  language: string | null;
  attributes: Record<string, unknown>;
}

/** Every template (few: no pages), built-ins first. */
export function useTemplates() {
  return useQuery({
    queryKey: ['templates'],
    queryFn: () => api<{ data: Template[] }>('/api/v1/templates').then((p) => p.data),
  });
}

/** One template. */
export function useTemplate(id: string | null) {
  return useQuery({
    queryKey: ['templates', id],
    queryFn: () => api<Template>(`/api/v1/templates/${encodeURIComponent(id!)}`),
    enabled: id !== null,
  });
}

/** The value once unchanged for `ms`, so typing asks for a preview once per pause. */
function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/**
 * The live preview of unsaved text. Keyed by the request body: an answer for older text lands under its own key and is
 * never shown for the current text; the last good preview stays while the next loads.
 */
export function useRenderPreview(body: Record<string, unknown> | null) {
  const settled = useDebounced(body === null ? null : JSON.stringify(body), 350);
  return useQuery({
    queryKey: ['templates', 'render-preview', settled],
    queryFn: ({ signal }) =>
      api<TemplatePreview>('/api/v1/templates/render-preview', {
        method: 'POST',
        body: JSON.parse(settled!),
        signal,
      }),
    enabled: settled !== null,
    placeholderData: keepPreviousData,
    retry: false,
  });
}

/** Creates a template or changes one. */
export function useSaveTemplate() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string | null; body: Record<string, unknown> }) =>
      id
        ? api<Template>(`/api/v1/templates/${id}`, { method: 'PATCH', body })
        : api<Template>('/api/v1/templates', { method: 'POST', body }),
    onSuccess: (saved) => {
      queryClient.setQueryData(['templates', saved.id], saved);
      queryClient.invalidateQueries({ queryKey: ['templates'] });
    },
  });
}

/** Deletes a template (built-ins cannot be: 409). */
export function useDeleteTemplate() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<void>(`/api/v1/templates/${id}`, { method: 'DELETE' }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['templates'] }),
  });
}

/** Contacts matching a search, for the preview's contact picker. */
export function useContactSearch(q: string) {
  const settled = useDebounced(q.trim(), 250);
  return useQuery({
    queryKey: ['templates', 'contact-search', settled],
    queryFn: () =>
      api<Page<ContactOption>>(`/api/v1/contacts${query({ q: settled, limit: 10 })}`).then((p) => p.data),
    enabled: settled.length > 0,
    retry: false,
  });
}

/** Uploads the template's attachment; answers the attachment's id. */
export async function uploadAttachment(
  file: File,
): Promise<{ id: string; fileName: string | null; kind: string }> {
  const stored = await uploadFile(file);
  return { ...stored, kind: stored.kind ?? 'document' };
}

/** An attachment's metadata (name and kind for the editor). */
export function useAttachment(id: string | null) {
  return useQuery({
    queryKey: ['templates', 'attachment', id],
    queryFn: () => api<{ id: string; fileName: string | null; kind: string }>(`/api/v1/attachments/${id}`),
    enabled: id !== null,
    retry: false,
  });
}
