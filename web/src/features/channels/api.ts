import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api.ts';
import type { Channel, Page } from '../../lib/types.ts';

/** Connected channels with their health (the token is never returned, only its hint). */
export function useChannels() {
  return useQuery({
    queryKey: ['channels'],
    queryFn: () => api<Page<Channel>>('/api/v1/channels'),
    select: (r) => r.data,
  });
}

/** Connects a Telegram bot: the server checks the token with getMe first. */
export function useAddChannel() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { name: string; token: string }) =>
      api<Channel>('/api/v1/channels', { method: 'POST', body: { type: 'telegram', ...body } }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['channels'] }),
  });
}
