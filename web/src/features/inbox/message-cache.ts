import type { InfiniteData } from '@tanstack/react-query';
import type { Message, MessagesPage } from '../../lib/types.ts';

type Pages = InfiniteData<MessagesPage, unknown>;

const order = (a: Message, b: Message) =>
  a.createdAt === b.createdAt ? (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : a.createdAt < b.createdAt ? -1 : 1;

/**
 * Applies a message (from a realtime event or our own send) to a cached thread: replaces it by id wherever it is,
 * else inserts it into the latest page in time order. Events carry whole rows, so applying one twice changes nothing.
 * Nothing cached means nothing to patch: the thread loads fresh when opened.
 */
export function upsertMessage<P extends Pages>(data: P | undefined, message: Message): P | undefined {
  if (!data || data.pages.length === 0) return data;
  const found = data.pages.some((p) => p.data.some((m) => m.id === message.id));
  if (found) {
    return {
      ...data,
      pages: data.pages.map((p) => ({ ...p, data: p.data.map((m) => (m.id === message.id ? message : m)) })),
    } as P;
  }
  const [latest, ...older] = data.pages;
  return { ...data, pages: [{ ...latest!, data: [...latest!.data, message].sort(order) }, ...older] } as P;
}

/** The thread oldest → newest: pages arrive latest first, each page oldest → newest. */
export function threadMessages(data: Pages | undefined): Message[] {
  if (!data) return [];
  return [...data.pages].reverse().flatMap((p) => p.data);
}
