import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

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
  createdAt: CreatedAt;
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

export interface Database {
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
