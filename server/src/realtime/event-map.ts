import type { Permission } from '../services/permissions.ts';

/** Realtime events pushed to WebSocket clients: dotted past-tense names → payload. */
export interface RealtimeEventMap {
  'contact.created': { contact: Record<string, unknown> };
  'contact.updated': { contact: Record<string, unknown> };
  'contact.deleted': { id: string };
  'import.progressed': { import: Record<string, unknown> };
  /** Conversations room: a chat got its (first or next) conversation, or a conversation changed (activity, title, chat id). */
  'conversation.created': { conversation: Record<string, unknown> };
  'conversation.updated': { conversation: Record<string, unknown> };
  /** A group's duplicate conversation merged into the one holding its history (after a chat migration). */
  'conversation.deleted': { id: string; mergedInto: string };
  /** A message stored in, or changed in (edit), a conversation; `message` carries its attachments. */
  'message.created': { conversationId: string; message: Record<string, unknown> };
  'message.updated': { conversationId: string; message: Record<string, unknown> };
}

export type RealtimeEventName = keyof RealtimeEventMap;

/** One event on its way to a room; this is also the NOTIFY payload between processes. */
export interface RealtimeMessage<K extends RealtimeEventName = RealtimeEventName> {
  room: string;
  event: K;
  data: RealtimeEventMap[K];
}

/** Rooms a client may join, each guarded by a permission. `import:<id>` rooms follow the `imports` rule. */
export const ROOM_PERMISSIONS: Record<string, Permission> = {
  contacts: 'contacts:read',
  imports: 'contacts:read',
  conversations: 'conversations:read',
};

/** The permission that guards a room, or null for an unknown room. */
export function roomPermission(room: string): Permission | null {
  // Own keys only: `constructor` or `__proto__` must not resolve to Object.prototype members.
  if (Object.hasOwn(ROOM_PERMISSIONS, room)) return ROOM_PERMISSIONS[room]!;
  if (/^import:[\w-]{1,100}$/.test(room)) return ROOM_PERMISSIONS.imports!;
  return null;
}

/** The Postgres NOTIFY channel that carries realtime messages between processes. */
export const REALTIME_CHANNEL = 'switchboard_realtime';
