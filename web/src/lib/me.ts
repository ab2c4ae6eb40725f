import { useQuery } from '@tanstack/react-query';
import { api } from './api.ts';
import type { User } from './types.ts';

interface MeAnswer {
  kind: string;
  user?: User;
  /** What the caller's role may do, e.g. `contacts:write` (the server checks every call regardless). */
  permissions?: string[];
}

function useMeAnswer() {
  return useQuery({
    queryKey: ['me'],
    queryFn: () => api<MeAnswer>('/api/v1/auth/me'),
    staleTime: 60_000,
  });
}

/** The signed-in user (GET /api/v1/auth/me); every feature reads it, none owns it. */
export function useMe() {
  const answer = useMeAnswer();
  return { ...answer, data: answer.isSuccess ? (answer.data.user ?? null) : undefined };
}

/** Whether the signed-in role holds a permission, e.g. `can('broadcasts:write')`; false until the answer arrives. */
export function usePermissions(): (permission: string) => boolean {
  const answer = useMeAnswer();
  const granted = new Set(answer.data?.permissions ?? []);
  return (permission) => granted.has(permission);
}
