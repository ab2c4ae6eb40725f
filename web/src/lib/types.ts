/** API shapes the app reads (docs/api.md; the OpenAPI document at /api/docs has every field). */

export type Locale = 'ru' | 'en';
export type Availability = 'online' | 'busy' | 'offline';
export type ConversationStatus = 'open' | 'pending' | 'snoozed' | 'resolved';
export type Priority = 'low' | 'medium' | 'high' | 'urgent';

export interface User {
  id: string;
  email: string;
  displayName: string;
  role: string;
  locale: Locale | null;
  timezone: string | null;
  active: boolean;
}

export interface Session {
  token: string;
  expiresAt: string;
  user: User;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export interface Conversation {
  id: string;
  displayId: number;
  channelId: string;
  contactId: string | null;
  chatKind: 'private' | 'group';
  title: string | null;
  status: ConversationStatus;
  priority: Priority | null;
  labels: string[];
  assigneeId: string | null;
  snoozedUntil: string | null;
  waitingSince: string | null;
  lastActivityAt: string;
  updatedAt: string;
  unreadCount?: number;
}

export interface Counts {
  mine: number;
  unassigned: number;
  all: number;
  byStatus: Record<ConversationStatus, number>;
}

export interface Attachment {
  id: string;
  kind: string;
  fileName: string | null;
  mimeType: string | null;
  size: number | null;
  storageStatus: 'pending' | 'stored' | 'too_big' | 'failed';
  url: string;
}

export type MessageType = 'incoming' | 'outgoing' | 'note' | 'activity';

export interface Message {
  id: string;
  conversationId: string;
  messageType: MessageType;
  senderType: string;
  senderUserId: string | null;
  content: string | null;
  contentAttributes: Record<string, unknown>;
  deletedAt: string | null;
  editedAt: string | null;
  deliveryStatus: 'queued' | 'sending' | 'sent' | 'failed' | null;
  deliveryError: string | null;
  createdAt: string;
  attachments: Attachment[];
}

export interface MessagesPage extends Page<Message> {
  newerCursor: string | null;
}

export interface Contact {
  id: string;
  name: string | null;
  firstName: string | null;
  lastName: string | null;
  username: string | null;
}

export interface CannedResponse {
  id: string;
  shortCode: string;
  content: string;
}

export interface Presence {
  userId: string;
  displayName: string;
  availability: Availability;
  online: boolean;
  manualAvailability: Availability;
}

export interface Channel {
  id: string;
  name: string;
  type: string;
  status: string;
  mode: string | null;
  tokenHint: string | null;
  bot: { id: string | null; username: string | null };
  health: {
    lastUpdateAt: string | null;
    lastError: string | null;
    lastErrorAt: string | null;
    pausedUntil: string | null;
  };
}
