import { useQueryClient } from '@tanstack/react-query';
import { useRef } from 'react';
import { useRealtime } from '../../lib/realtime.tsx';
import type { Conversation, Message } from '../../lib/types.ts';
import type { MessagesData } from './api.ts';
import { upsertMessage } from './message-cache.ts';

const LIST_REFRESH_MS = 300;

/**
 * Keeps the inbox's cache in step with the `conversations` room: messages are patched into open threads by id,
 * conversation changes replace the cached conversation and refresh the lists (coalesced: a burst is one refetch).
 * After a reconnect everything the inbox shows is refetched: that is the catch-up (docs/api.md "Catch-up after a
 * reconnect"), done by reloading the views rather than merging an `updatedSince` page into them.
 */
export function useInboxLiveUpdates(onConversationGone?: (id: string) => void) {
  const queryClient = useQueryClient();
  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const refreshLists = () => {
    if (pending.current) return;
    pending.current = setTimeout(() => {
      pending.current = undefined;
      queryClient.invalidateQueries({ queryKey: ['conversations'] });
      queryClient.invalidateQueries({ queryKey: ['counts'] });
    }, LIST_REFRESH_MS);
  };

  useRealtime({
    onEvent: ({ event, data }) => {
      if (event === 'message.created' || event === 'message.updated') {
        const { conversationId, message } = data as { conversationId: string; message: Message };
        queryClient.setQueryData<MessagesData>(['messages', conversationId], (d) =>
          upsertMessage(d, message),
        );
        refreshLists();
      } else if (event === 'conversation.created' || event === 'conversation.updated') {
        const conversation = (data as { conversation: Conversation }).conversation;
        if (conversation) queryClient.setQueryData(['conversation', conversation.id], conversation);
        refreshLists();
      } else if (event === 'conversation.deleted') {
        onConversationGone?.((data as { id: string }).id);
        refreshLists();
      } else if (event === 'conversation.read') {
        refreshLists();
      }
    },
    onResumed: () => {
      for (const key of ['conversations', 'counts', 'conversation', 'messages']) {
        queryClient.invalidateQueries({ queryKey: [key] });
      }
    },
  });
}
