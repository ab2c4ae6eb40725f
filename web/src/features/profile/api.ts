import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api.ts';
import type { Availability, Locale, Presence, User } from '../../lib/types.ts';

export interface ProfilePatch {
  displayName?: string;
  locale?: Locale;
  timezone?: string;
  password?: string;
  currentPassword?: string;
}

/**
 * PATCH /api/v1/auth/me. The answer is the user alone, while ['me'] caches GET /auth/me's `{kind, user, permissions}`:
 * only `user` is replaced, else the menu would lose the role's permissions until the next refetch.
 */
export function useUpdateProfile() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (patch: ProfilePatch) => api<User>('/api/v1/auth/me', { method: 'PATCH', body: patch }),
    onSuccess: (user) =>
      queryClient.setQueryData<{ user?: User }>(['me'], (answer) => (answer ? { ...answer, user } : answer)),
  });
}

/** My availability as others see it (from the presence list: the API has no single-user read). */
export function useMyPresence(userId: string | undefined) {
  return useQuery({
    queryKey: ['presence'],
    queryFn: () => api<{ data: Presence[] }>('/api/v1/users/presence'),
    enabled: Boolean(userId),
    select: (r) => r.data.find((p) => p.userId === userId) ?? null,
  });
}

export function useSetAvailability() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (availability: Availability) =>
      api('/api/v1/auth/me/availability', { method: 'PUT', body: { availability } }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['presence'] }),
  });
}
