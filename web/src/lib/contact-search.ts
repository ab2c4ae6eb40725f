import { useQuery } from '@tanstack/react-query';
import { api, query } from './api.ts';
import type { Page } from './types.ts';

/** A contact as the pickers list it. */
export interface ContactHit {
  id: string;
  name: string | null;
  username: string | null;
  email: string | null;
}

/** Name · @username · email, or the id when the contact has none of them. */
export function contactLabel(c: ContactHit): string {
  return [c.name, c.username ? `@${c.username}` : null, c.email].filter(Boolean).join(' · ') || c.id;
}

/** Contacts matching a search; waits for two characters, since one matches nearly everybody. */
export function useContactSearch(q: string) {
  return useQuery({
    queryKey: ['contacts', 'search', q],
    enabled: q.trim().length >= 2,
    queryFn: () => api<Page<ContactHit>>(`/api/v1/contacts${query({ q: q.trim(), limit: 8 })}`),
    select: (r) => r.data,
  });
}
