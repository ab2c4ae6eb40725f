import { useQuery } from '@tanstack/react-query';
import { api } from './api.ts';
import type { User } from './types.ts';

/** The signed-in user (GET /api/v1/auth/me); every feature reads it, none owns it. */
export function useMe() {
  return useQuery({
    queryKey: ['me'],
    queryFn: async () => (await api<{ kind: string; user?: User }>('/api/v1/auth/me')).user ?? null,
    staleTime: 60_000,
  });
}
