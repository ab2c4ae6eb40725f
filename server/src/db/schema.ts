import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { AutomationsTables } from './schema.automations.ts';
import type { CouponsTables } from './schema.coupons.ts';

/** Table shapes as Kysely sees them through CamelCasePlugin (columns are snake_case in SQL). */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json = ColumnType<unknown, string, string>;

export type Role = 'owner' | 'admin' | 'agent' | 'marketing' | 'readonly';

export interface UsersTable {
  id: Generated<string>;
  email: string;
  displayName: string;
  passwordHash: string | null;
  role: Role;
  locale: Generated<'ru' | 'en'>;
  timezone: Generated<string>;
  active: Generated<boolean>;
  availability: Generated<Availability>;
  lastSeenAt: NullableTimestamp;
  createdAt: CreatedAt;
  updatedAt: CreatedAt;
}

export interface SessionsTable {
  id: Generated<string>;
  userId: string;
  tokenHash: Buffer;
  expiresAt: Timestamp;
  ip: string | null;
  userAgent: string | null;
  createdAt: CreatedAt;
  lastUsedAt: CreatedAt;
}

export interface LoginTokensTable {
  id: Generated<string>;
  purpose: 'login' | 'setup';
  userId: string | null;
  tokenHash: Buffer;
  expiresAt: Timestamp;
  usedAt: NullableTimestamp;
  createdBy: string | null;
  createdAt: CreatedAt;
}

export interface ApiKeysTable {
  id: Generated<string>;
  name: string;
  role: Role;
  keyHash: Buffer;
  prefix: string;
  rateLimitPerMinute: number | null;
  createdBy: string | null;
  createdAt: CreatedAt;
  lastUsedAt: NullableTimestamp;
  revokedAt: NullableTimestamp;
}

export interface LoginFailuresTable {
  key: string;
  failures: number;
  firstFailedAt: Timestamp;
  lockedUntil: NullableTimestamp;
}

export interface AuditLogTable {
  id: Generated<string>;
  actorType: 'user' | 'api_key' | 'system';
  actorId: string | null;
  actorName: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  before: Json | null;
  after: Json | null;
  ip: string | null;
  requestId: string | null;
  createdAt: CreatedAt;
}

export interface SettingsTable {
  key: string;
  value: Json;
  updatedBy: string | null;
  updatedAt: CreatedAt;
}

export type ChannelStatus = 'active' | 'paused';
export type ChannelMode = 'webhook' | 'polling';
type Nullable<T> = ColumnType<T | null, T | null | undefined, T | null>;

export interface ChannelsTable {
  id: Generated<string>;
  type: string;
  name: string;
  status: Generated<ChannelStatus>;
  settings: ColumnType<Record<string, unknown>, string | undefined, string>;
  /** The bot token, sealed with SecretBox. */
  secretSealed: Nullable<string>;
  /** Telegram's bot id (from getMe); unique per type. */
  externalId: Nullable<string>;
  username: Nullable<string>;
  mode: Nullable<ChannelMode>;
  /** Per-channel Bot API root; null = TELEGRAM_API_ROOT. */
  apiRoot: Nullable<string>;
  webhookSecretSealed: Nullable<string>;
  lastUpdateAt: NullableTimestamp;
  lastError: Nullable<string>;
  lastErrorAt: NullableTimestamp;
  /** Set from a 429's retry_after: nothing is sent through this bot before then. */
  pausedUntil: NullableTimestamp;
  pollOffset: Nullable<number>;
  /** A staff bot (migration 0023): its updates go to services/staff-bot.ts, never into the inbox. */
  staffBot: Generated<boolean>;
  /** Inbox behaviour (auto-assignment, auto-reply, business hours, CSAT, reopen window); see the inbox settings service. */
  inboxSettings: ColumnType<Record<string, unknown>, string | undefined, string>;
  createdAt: CreatedAt;
  updatedAt: CreatedAt;
}

export interface ContactsTable {
  id: Generated<string>;
  externalId: string | null;
  name: string | null;
  firstName: string | null;
  lastName: string | null;
  username: string | null;
  phone: string | null;
  email: string | null;
  language: string | null;
  timezone: string | null;
  birthday: ColumnType<string | null, string | null | undefined, string | null>;
  tags: Generated<string[]>;
  attributes: ColumnType<Record<string, unknown>, string | undefined, string>;
  subscribed: Generated<boolean>;
  unsubscribedAt: NullableTimestamp;
  blocked: Generated<boolean>;
  source: string | null;
  createdAt: CreatedAt;
  updatedAt: CreatedAt;
  lastActivityAt: NullableTimestamp;
  searchText: ColumnType<string, never, never>;
}

export interface ContactChannelsTable {
  id: Generated<string>;
  contactId: string;
  channelId: string;
  externalId: string;
  reachable: Generated<boolean>;
  lastError: string | null;
  lastSeenAt: NullableTimestamp;
  /** Flood guard: start of the current one-minute window and the messages counted in it. */
  floodWindowStart: NullableTimestamp;
  floodCount: Generated<number>;
  /** When the identity was last flagged for flooding (more than 20 messages a minute). */
  flaggedAt: NullableTimestamp;
  /** When it became unreachable (0025, kept by a trigger); null while reachable. */
  unreachableAt: ColumnType<Date | null, never, never>;
  createdAt: CreatedAt;
}

export type ConversationStatus = 'open' | 'pending' | 'snoozed' | 'resolved';

/** One chat on one channel: a private chat with a contact, or a group (contactId null, members are contacts). */
export interface ConversationsTable {
  id: Generated<string>;
  displayId: Generated<number>;
  channelId: string;
  contactId: string | null;
  chatExternalId: string;
  chatKind: 'private' | 'group';
  title: string | null;
  status: Generated<ConversationStatus>;
  lastActivityAt: CreatedAt;
  createdAt: CreatedAt;
  updatedAt: CreatedAt;
  priority: ConversationPriority | null;
  category: Generated<string>;
  labels: Generated<string[]>;
  assigneeId: string | null;
  teamId: string | null;
  snoozedUntil: NullableTimestamp;
  /** Set when the customer writes and nobody has answered since; cleared by an agent's reply. */
  waitingSince: NullableTimestamp;
  firstReplyAt: NullableTimestamp;
  resolvedAt: NullableTimestamp;
  contactLastSeenAt: NullableTimestamp;
  customAttributes: ColumnType<Record<string, unknown>, string | undefined, string>;
  autoReplySentAt: NullableTimestamp;
  /** The latest CSAT rating `{responseId, rating, comment, ratedAt}` (0013; csat_responses has every survey). */
  csat: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
}

export type ConversationPriority = 'low' | 'medium' | 'high' | 'urgent';
export type Availability = 'online' | 'busy' | 'offline';

export interface TeamsTable {
  id: Generated<string>;
  name: string;
  description: string | null;
  allowAutoAssign: Generated<boolean>;
  createdAt: CreatedAt;
  updatedAt: CreatedAt;
}

export interface TeamMembersTable {
  teamId: string;
  userId: string;
  createdAt: CreatedAt;
}

export interface ChannelMembersTable {
  channelId: string;
  userId: string;
  capacity: number | null;
  createdAt: CreatedAt;
}

export interface LabelsTable {
  id: Generated<string>;
  name: string;
  color: Generated<string>;
  description: string | null;
  createdAt: CreatedAt;
}

export interface UserPresenceTable {
  userId: string;
  processId: string;
  connections: number;
  updatedAt: CreatedAt;
}

export interface ConversationReadsTable {
  conversationId: string;
  userId: string;
  lastSeenAt: Timestamp;
}

export interface ConversationAssignmentsTable {
  id: Generated<number>;
  conversationId: string;
  userId: string | null;
  teamId: string | null;
  assignedBy: string | null;
  automatic: Generated<boolean>;
  assignedAt: CreatedAt;
}

export interface CannedResponsesTable {
  id: Generated<string>;
  shortCode: string;
  content: string;
  createdBy: string | null;
  createdAt: CreatedAt;
  updatedAt: CreatedAt;
}

export interface CsatResponsesTable {
  id: Generated<string>;
  conversationId: string;
  contactId: string | null;
  assigneeId: string | null;
  messageId: string | null;
  rating: number | null;
  comment: string | null;
  sentAt: CreatedAt;
  ratedAt: NullableTimestamp;
  awaitingCommentUntil: NullableTimestamp;
}

export interface UserNotificationsTable {
  id: Generated<string>;
  userId: string;
  kind: string;
  conversationId: string | null;
  messageId: string | null;
  actorId: string | null;
  /** 0018: the broadcast a notification is about (auto-paused), and a line saying why. */
  broadcastId: ColumnType<string | null, string | null | undefined, string | null>;
  detail: ColumnType<string | null, string | null | undefined, string | null>;
  readAt: NullableTimestamp;
  createdAt: CreatedAt;
}

export type MessageType = 'incoming' | 'outgoing' | 'note' | 'activity';
export type SenderType = 'contact' | 'user' | 'bot' | 'system';
export type DeliveryStatus = 'queued' | 'sending' | 'sent' | 'failed';

export interface MessagesTable {
  id: Generated<string>;
  conversationId: string;
  messageType: MessageType;
  senderType: SenderType;
  senderContactId: string | null;
  senderUserId: string | null;
  /** The platform's message id; unique per conversation. */
  sourceId: string | null;
  content: string | null;
  contentAttributes: ColumnType<Record<string, unknown>, string | undefined, string>;
  replyToId: string | null;
  editedAt: NullableTimestamp;
  editHistory: ColumnType<unknown[], string | undefined, string>;
  deliveryStatus: DeliveryStatus | null;
  deliveryError: string | null;
  priority: Generated<'interactive' | 'bulk'>;
  throttled: Generated<boolean>;
  /** Bulk path only (migration 0011): the claiming sender's lease while sending, the earliest retry while queued. */
  heldUntil: NullableTimestamp;
  deletedAt: NullableTimestamp;
  /** Generated from content (Russian and English stemming); never written. */
  search: ColumnType<string, never, never>;
  sentAt: NullableTimestamp;
  createdAt: CreatedAt;
  updatedAt: CreatedAt;
}

export type AttachmentKindColumn =
  | 'photo'
  | 'document'
  | 'video'
  | 'voice'
  | 'audio'
  | 'sticker'
  | 'animation';
export type StorageStatus = 'pending' | 'stored' | 'too_big' | 'failed';

export interface AttachmentsTable {
  id: Generated<string>;
  messageId: string | null;
  kind: AttachmentKindColumn;
  fileName: string | null;
  mimeType: string | null;
  size: ColumnType<number | null, number | null | undefined, number | null>;
  width: number | null;
  height: number | null;
  duration: number | null;
  externalFileId: string | null;
  externalUniqueId: string | null;
  storageStatus: Generated<StorageStatus>;
  storageKey: string | null;
  error: string | null;
  createdAt: CreatedAt;
}

export type AttemptOutcome = 'sent' | 'rejected' | 'unavailable' | 'rate_limited' | 'unreachable';

export interface DeliveryAttemptsTable {
  id: Generated<number>;
  messageId: string;
  attempt: number;
  outcome: AttemptOutcome;
  errorCode: number | null;
  description: string | null;
  startedAt: Timestamp;
  finishedAt: CreatedAt;
}

/** A tap on a callback button (0008), recorded once per platform tap id and routed by data prefix. */
export interface ButtonTapsTable {
  id: Generated<string>;
  channelId: string;
  contactId: string | null;
  conversationId: string | null;
  messageSourceId: string | null;
  externalId: string;
  data: string | null;
  receivedAt: CreatedAt;
}

/** A Telegram update as received (webhook or getUpdates), stored once per (channel, update_id). */
export interface TelegramUpdatesTable {
  id: Generated<number>;
  channelId: string;
  updateId: number;
  payload: ColumnType<unknown, string, string>;
  receivedAt: CreatedAt;
  processedAt: NullableTimestamp;
  error: string | null;
  /** Which of the channel's drain queues owns the update (migration 0032); null for rows stored before it. */
  shard: number | null;
  /** The chat (or tapping person) whose updates apply in order. */
  chatKey: string | null;
  attempts: Generated<number>;
  /** A failed update's next try; its chat waits until then. */
  retryAt: NullableTimestamp;
}

export type ImportStatus = 'uploading' | 'queued' | 'running' | 'completed' | 'failed';

export interface ContactImportsTable {
  id: Generated<string>;
  status: Generated<ImportStatus>;
  filename: string | null;
  channelId: string | null;
  bytes: Generated<ColumnType<number, number, number>>;
  processedRows: Generated<number>;
  createdRows: Generated<number>;
  updatedRows: Generated<number>;
  rejectedRows: Generated<number>;
  error: string | null;
  createdBy: string | null;
  createdAt: CreatedAt;
  startedAt: NullableTimestamp;
  finishedAt: NullableTimestamp;
}

export interface ContactImportChunksTable {
  importId: string;
  seq: number;
  data: Buffer;
}

export interface ContactImportErrorsTable {
  importId: string;
  line: number;
  reason: string;
}

/** Event names, stored once (contact_events refers to them by id). */
export interface EventNamesTable {
  id: Generated<number>;
  name: string;
}

/** One thing a contact did in the business's own systems (purchase, lesson_completed, …). */
export interface ContactEventsTable {
  id: Generated<string>;
  contactId: string;
  nameId: number;
  occurredAt: Timestamp;
  properties: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  idempotencyKey: string | null;
  createdAt: CreatedAt;
}

/** Per contact and event name: count, first and last occurrence (kept with every event insert; migration 0030). */
export interface ContactEventStatsTable {
  contactId: string;
  nameId: number;
  count: number;
  firstAt: Timestamp;
  lastAt: Timestamp;
}

/** A saved contact filter; builtIn is the key of a segment shipped with the product (never deleted). */
export interface SegmentsTable {
  id: Generated<string>;
  name: string;
  description: string | null;
  filter: ColumnType<unknown, string, string>;
  builtIn: string | null;
  createdBy: string | null;
  createdAt: CreatedAt;
  updatedAt: CreatedAt;
}

/** A message template (0010): LiquidJS bodies, per-language variants, buttons; see services/templates. */
export interface TemplatesTable {
  id: Generated<string>;
  key: string | null;
  name: string;
  format: 'telegram_html' | 'email_html' | 'text';
  body: string;
  variants: ColumnType<Record<string, string>, string | undefined, string>;
  buttons: ColumnType<unknown[], string | undefined, string>;
  attachmentId: string | null;
  sampleData: ColumnType<Record<string, unknown>, string | undefined, string>;
  builtIn: Generated<boolean>;
  version: Generated<number>;
  /** 0020, email only: the subject template and its per-language variants. */
  subject: ColumnType<string | null, string | null | undefined, string | null>;
  subjectVariants: ColumnType<Record<string, string>, string | undefined, string>;
  createdAt: CreatedAt;
  updatedAt: CreatedAt;
}

/** Every broadcast status and recipient status, as the checks in migration 0015 allow them. */
export const BROADCAST_STATUSES = [
  'draft',
  'scheduled',
  'sending',
  'paused',
  'completed',
  'cancelled',
  'failed',
] as const;
export const BROADCAST_DELIVERY_STATUSES = [
  'pending',
  'sending',
  'sent',
  'failed',
  'blocked',
  'skipped',
  'unknown',
  'cancelled',
] as const;
export type BroadcastStatus = (typeof BROADCAST_STATUSES)[number];
export type BroadcastDeliveryStatus = (typeof BROADCAST_DELIVERY_STATUSES)[number];

/** A broadcast (0015): audience (segment or filter), message (template or content), schedule, status, counters. */
export interface BroadcastsTable {
  id: Generated<string>;
  title: string;
  channelId: string;
  segmentId: string | null;
  filter: ColumnType<unknown | null, string | null | undefined, string | null>;
  templateId: string | null;
  content: string | null;
  buttons: ColumnType<unknown[], string | undefined, string>;
  attachmentId: string | null;
  status: ColumnType<BroadcastStatus, BroadcastStatus | undefined, BroadcastStatus>;
  scheduledAt: Date | null;
  localTime: string | null;
  quietHours: ColumnType<{ from: string; to: string } | null, string | null | undefined, string | null>;
  paidBroadcast: Generated<boolean>;
  statusReason: string | null;
  stats: ColumnType<Record<string, number>, string | undefined, string>;
  startedAt: Date | null;
  finishedAt: Date | null;
  createdBy: string | null;
  createdAt: CreatedAt;
  updatedAt: CreatedAt;
  /** 0017: the corrected text of a sent broadcast, how many corrections were asked for, and when deleting it was. */
  sentEditContent: string | null;
  sentEditVersion: Generated<number>;
  sentDeletedAt: Date | null;
  /** 0020: a notification topic's data (templates' `data.*`) and its type; `{}` and null for other broadcasts. */
  data: ColumnType<Record<string, unknown>, string | undefined, string>;
  notificationTypeId: ColumnType<string | null, string | null | undefined, string | null>;
}

/** One recipient of a broadcast (0015); its status is the truth, the broadcast's stats a cache of it. */
export interface BroadcastDeliveriesTable {
  id: Generated<number>;
  broadcastId: string;
  contactId: string;
  identityId: string | null;
  chatExternalId: string | null;
  status: ColumnType<BroadcastDeliveryStatus, BroadcastDeliveryStatus | undefined, BroadcastDeliveryStatus>;
  reason: string | null;
  notBefore: Date | null;
  leaseUntil: Date | null;
  attempts: Generated<number>;
  externalId: string | null;
  sentAt: Date | null;
  updatedAt: CreatedAt;
  /** 0016: the advisory-lock key of the run that claimed the row (see broadcast-deliveries.repository.ts). */
  claimKey: number | null;
  /** 0017: the correction the sent message shows (0: the original), and what kept it from the next; its deletion. */
  editVersion: Generated<number>;
  editError: string | null;
  deletedAt: Date | null;
  deleteError: string | null;
}

/** A click on a broadcast's URL button or a tap on its callback button (0015). */
export interface BroadcastClicksTable {
  id: Generated<number>;
  broadcastId: string;
  contactId: string | null;
  button: number;
  kind: 'url' | 'callback';
  clickedAt: CreatedAt;
}

/** A contact's notification choices (0019); the global marketing switch is contacts.subscribed. */
export interface ContactPreferencesTable {
  contactId: string;
  preferredChannel: NotificationChannelKind | null;
  channels: ColumnType<Partial<Record<NotificationChannelKind, boolean>>, string | undefined, string>;
  types: ColumnType<Record<string, TypePreference>, string | undefined, string>;
  updatedAt: CreatedAt;
}

/** Channel kinds a notification can go through (more arrive with web chat, WhatsApp, VK). */
export type NotificationChannelKind = 'telegram' | 'email';
export const NOTIFICATION_CHANNEL_KINDS: readonly NotificationChannelKind[] = ['telegram', 'email'];

/** One notification type's choice: off entirely, or off on some channel kinds. Absent keys mean on. */
export interface TypePreference {
  enabled?: boolean;
  channels?: Partial<Record<NotificationChannelKind, boolean>>;
}

/** Delivery health of an email address (0019), shared by every channel that sends mail. */
export interface EmailAddressesTable {
  address: string;
  status: Generated<'ok' | 'unreachable'>;
  softBounces: Generated<number>;
  lastBounceAt: NullableTimestamp;
  lastReason: string | null;
  updatedAt: CreatedAt;
}

/** An incoming email as received (0021), stored before it is acknowledged; `email.process` applies it. */
export interface EmailInboundTable {
  id: Generated<number>;
  channelId: string;
  /** The Message-ID header, angle brackets included (synthesised from the bytes' hash when missing). */
  messageId: string;
  raw: Buffer;
  via: 'imap' | 'smtp';
  envelopeTo: ColumnType<string[], string[] | undefined, string[]>;
  receivedAt: CreatedAt;
  processedAt: NullableTimestamp;
  outcome: EmailInboundOutcome | null;
  detail: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  messageRowId: string | null;
  error: string | null;
}

/** What an incoming email became. */
export type EmailInboundOutcome = 'message' | 'auto_reply' | 'bounce' | 'ignored';

/** How far IMAP reading of a channel's mailbox got (0021). */
export interface EmailImapStateTable {
  channelId: string;
  mailbox: string;
  uidValidity: number;
  lastUid: number;
  updatedAt: CreatedAt;
}

/** A notification type (0020): what a business's system triggers by key; channels in order, a template per kind. */
export interface NotificationTypesTable {
  id: Generated<string>;
  key: string;
  name: string;
  description: string | null;
  category: NotificationCategory;
  critical: Generated<boolean>;
  channels: ColumnType<
    NotificationChannelKind[],
    NotificationChannelKind[] | undefined,
    NotificationChannelKind[]
  >;
  telegramTemplateId: string | null;
  emailTemplateId: string | null;
  emailChannelId: string | null;
  throttleLimit: number | null;
  throttlePeriodSeconds: number | null;
  digestWindowSeconds: number | null;
  enabled: Generated<boolean>;
  builtIn: Generated<boolean>;
  createdAt: CreatedAt;
  updatedAt: CreatedAt;
}

export type NotificationCategory = 'transactional' | 'marketing';
export const NOTIFICATION_STATUSES = [
  'queued',
  'delayed',
  'sending',
  'sent',
  'skipped',
  'failed',
  'digested',
] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];
export type NotificationLogEvent = NotificationStatus | 'fallback' | 'retry';

/** One notification to one contact (0020); its status is the truth, notification_log the history. */
export interface NotificationsTable {
  id: Generated<string>;
  typeId: string | null;
  typeKey: string;
  contactId: string;
  data: ColumnType<Record<string, unknown>, string | undefined, string>;
  channels: NotificationChannelKind[] | null;
  idempotencyKey: string | null;
  status: ColumnType<NotificationStatus, NotificationStatus | undefined, NotificationStatus>;
  channel: NotificationChannelKind | null;
  channelId: string | null;
  externalId: string | null;
  reason: string | null;
  sendAt: NullableTimestamp;
  digestId: string | null;
  sendingAt: NullableTimestamp;
  sentAt: NullableTimestamp;
  createdAt: CreatedAt;
  updatedAt: CreatedAt;
  /** When the drain may take it (0026): null while it waits for something else (a digest's flush, or an old job). */
  nextAttemptAt: NullableTimestamp;
  /** Tries that ended in a transient failure (0026): the backoff and the last attempt follow from it. */
  attempts: ColumnType<number, number | undefined, number>;
}

/** An idempotency key of the trigger API (0020): which notification the first call made, and when. */
export interface NotificationIdempotencyKeysTable {
  key: string;
  notificationId: string;
  createdAt: Timestamp;
}

/** One state change of a notification (0020). */
export interface NotificationLogTable {
  id: Generated<number>;
  notificationId: string;
  event: NotificationLogEvent;
  channel: NotificationChannelKind | null;
  detail: ColumnType<Record<string, unknown>, string | undefined, string>;
  at: CreatedAt;
}

/** Events of one contact and type merged into one message per window (0020); one open digest per pair. */
export interface NotificationDigestsTable {
  id: Generated<string>;
  contactId: string;
  typeId: string;
  status: ColumnType<'open' | 'closed', 'open' | 'closed' | undefined, 'open' | 'closed'>;
  flushAt: Timestamp;
  carrierId: string | null;
  createdAt: CreatedAt;
  closedAt: NullableTimestamp;
}

export interface Database extends AutomationsTables, CouponsTables {
  users: UsersTable;
  sessions: SessionsTable;
  loginTokens: LoginTokensTable;
  apiKeys: ApiKeysTable;
  loginFailures: LoginFailuresTable;
  auditLog: AuditLogTable;
  settings: SettingsTable;
  channels: ChannelsTable;
  contacts: ContactsTable;
  contactChannels: ContactChannelsTable;
  contactImports: ContactImportsTable;
  contactImportChunks: ContactImportChunksTable;
  contactImportErrors: ContactImportErrorsTable;
  telegramUpdates: TelegramUpdatesTable;
  conversations: ConversationsTable;
  messages: MessagesTable;
  attachments: AttachmentsTable;
  deliveryAttempts: DeliveryAttemptsTable;
  templates: TemplatesTable;
  eventNames: EventNamesTable;
  contactEvents: ContactEventsTable;
  contactEventStats: ContactEventStatsTable;
  segments: SegmentsTable;
  buttonTaps: ButtonTapsTable;
  teams: TeamsTable;
  teamMembers: TeamMembersTable;
  channelMembers: ChannelMembersTable;
  labels: LabelsTable;
  userPresence: UserPresenceTable;
  conversationReads: ConversationReadsTable;
  conversationAssignments: ConversationAssignmentsTable;
  cannedResponses: CannedResponsesTable;
  csatResponses: CsatResponsesTable;
  userNotifications: UserNotificationsTable;
  broadcasts: BroadcastsTable;
  broadcastDeliveries: BroadcastDeliveriesTable;
  broadcastClicks: BroadcastClicksTable;
  contactPreferences: ContactPreferencesTable;
  emailAddresses: EmailAddressesTable;
  notificationTypes: NotificationTypesTable;
  notifications: NotificationsTable;
  notificationIdempotencyKeys: NotificationIdempotencyKeysTable;
  notificationLog: NotificationLogTable;
  notificationDigests: NotificationDigestsTable;
  emailInbound: EmailInboundTable;
  emailImapState: EmailImapStateTable;
}

export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
export type Contact = Selectable<ContactsTable>;
export type ApiKey = Selectable<ApiKeysTable>;
export type ContactImport = Selectable<ContactImportsTable>;
export type AuditEntry = Selectable<AuditLogTable>;
export type Channel = Selectable<ChannelsTable>;
export type TelegramUpdate = Selectable<TelegramUpdatesTable>;
export type Conversation = Selectable<ConversationsTable>;
export type Message = Selectable<MessagesTable>;
export type Attachment = Selectable<AttachmentsTable>;
export type DeliveryAttempt = Selectable<DeliveryAttemptsTable>;
export type ContactEvent = Selectable<ContactEventsTable>;
export type Segment = Selectable<SegmentsTable>;
export type ButtonTap = Selectable<ButtonTapsTable>;
export type TemplateRow = Selectable<TemplatesTable>;
export type CannedResponse = Selectable<CannedResponsesTable>;
export type CsatResponse = Selectable<CsatResponsesTable>;
export type UserNotification = Selectable<UserNotificationsTable>;
export type Broadcast = Selectable<BroadcastsTable>;
export type BroadcastDelivery = Selectable<BroadcastDeliveriesTable>;
export type ContactPreferences = Selectable<ContactPreferencesTable>;
export type EmailAddress = Selectable<EmailAddressesTable>;
export type NotificationType = Selectable<NotificationTypesTable>;
export type Notification = Selectable<NotificationsTable>;
export type NotificationLogEntry = Selectable<NotificationLogTable>;
export type NotificationDigest = Selectable<NotificationDigestsTable>;
export type EmailInbound = Selectable<EmailInboundTable>;
