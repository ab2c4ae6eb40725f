import type { Permission } from '../services/permissions.ts';
import type { ConversationScope } from './conversation-scope.ts';

/** Realtime events pushed to WebSocket clients: dotted past-tense names → payload. */
export interface RealtimeEventMap {
  'contact.created': { contact: Record<string, unknown> };
  'contact.updated': { contact: Record<string, unknown> };
  'contact.deleted': { id: string };
  'import.progressed': { import: Record<string, unknown> };
  /** Conversations room: a chat got its (first or next) conversation, or a conversation changed (activity, title, chat id). */
  'conversation.created': { conversation: Record<string, unknown> };
  /** `changed` names the fields a PATCH or status change touched (absent for activity and title updates). */
  'conversation.updated': { conversation: Record<string, unknown>; changed?: string[] };
  /** A user marked a conversation read (their unread count drops to 0 up to `lastSeenAt`). */
  'conversation.read': { conversationId: string; userId: string; lastSeenAt: string };
  /** A group's duplicate conversation merged into the one holding its history (after a chat migration). */
  'conversation.deleted': { id: string; mergedInto: string };
  /** A message stored in, or changed in (edit), a conversation; `message` carries its attachments. */
  'message.created': { conversationId: string; message: Record<string, unknown> };
  'message.updated': { conversationId: string; message: Record<string, unknown> };
  /** An agent started (on) or stopped (off) typing in a conversation; the customer's typing is not in the Bot API. */
  'conversation.typing': { conversationId: string; userId: string | null; on: boolean };
  /** A new in-app notification (a mention in a note), published to the user's personal room `user:<userId>`. */
  'notification.created': { notification: Record<string, unknown> };
  /** Presence room: a user's effective presence changed (offline without a live connection, else their availability). */
  'presence.changed': { userId: string; availability: 'online' | 'busy' | 'offline'; online: boolean };
  /** Personal room `user:<id>`: the user's channel or team memberships changed (the hub reloads its visibility cache). */
  'membership.changed': { userId: string };
  /** Broadcasts room: a broadcast was created or changed by someone (edit, schedule, start, pause, resume, cancel). */
  'broadcast.updated': { broadcast: Record<string, unknown> };
  'broadcast.deleted': { id: string };
  /** Broadcasts room: a broadcast's counters (about once a second while it sends), and `status` when the engine changed it. */
  'broadcast.progressed': {
    broadcastId: string;
    stats: Record<string, number>;
    status?: string;
    statusReason?: string;
  };
}

export type RealtimeEventName = keyof RealtimeEventMap;

/** One event on its way to a room; this is also the NOTIFY payload between processes. */
export interface RealtimeMessage<K extends RealtimeEventName = RealtimeEventName> {
  room: string;
  event: K;
  data: RealtimeEventMap[K];
  /** Transaction timestamp (ISO), the `updated_at` of the rows the event is about: the catch-up cursor. */
  at?: string;
  /** The conversation as the publishing transaction saw it, in VISIBILITY_ROOMS only; never sent to clients. */
  scope?: ConversationScope | null;
}

/** The room of broadcast events (broadcasts:read). */
export const BROADCASTS_ROOM = 'broadcasts';

/** Rooms whose events are delivered per socket by conversation visibility (realtime/conversation-scope.ts). */
export const VISIBILITY_ROOMS: ReadonlySet<string> = new Set(['conversations']);

/** `user:<id>`: a user's personal room (notifications, membership changes); only that user may join it. */
export const USER_ROOM = /^user:([0-9a-f-]{36})$/;

/** Rooms a client may join, each guarded by a permission. `import:<id>` rooms follow the `imports` rule. */
export const ROOM_PERMISSIONS: Record<string, Permission> = {
  contacts: 'contacts:read',
  imports: 'contacts:read',
  conversations: 'conversations:read',
  presence: 'users:read',
  broadcasts: 'broadcasts:read',
};

/** The permission that guards a room, or null for an unknown room. */
export function roomPermission(room: string): Permission | null {
  // Own keys only: `constructor` or `__proto__` must not resolve to Object.prototype members.
  if (Object.hasOwn(ROOM_PERMISSIONS, room)) return ROOM_PERMISSIONS[room]!;
  if (/^import:[\w-]{1,100}$/.test(room)) return ROOM_PERMISSIONS.imports!;
  // Every role reads conversations; the hub also checks the id is the caller's own.
  if (USER_ROOM.test(room)) return 'conversations:read';
  return null;
}

/** The Postgres NOTIFY channel that carries realtime messages between processes. */
export const REALTIME_CHANNEL = 'switchboard_realtime';
