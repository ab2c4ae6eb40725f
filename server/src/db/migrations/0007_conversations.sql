-- Conversations and messages: the channel-neutral record every received and sent message lands in.
-- The Telegram issue creates the minimal model; the inbox issue adds assignment, SLA, CSAT and the rest as new columns.

-- One per chat on one channel: a private chat with a contact, or a group (contact_id null; members are contacts).
create sequence conversation_display_id_seq;
create table conversations (
  id uuid primary key default gen_random_uuid(),
  display_id bigint not null default nextval('conversation_display_id_seq') unique,
  channel_id uuid not null references channels (id) on delete cascade,
  contact_id uuid references contacts (id) on delete cascade,
  -- The platform's chat id; for a migrated Telegram group, the new id (history follows).
  chat_external_id text not null,
  chat_kind text not null check (chat_kind in ('private', 'group')),
  title text,
  status text not null default 'open' check (status in ('open', 'pending', 'snoozed', 'resolved')),
  last_activity_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
-- At most one conversation that is not resolved per chat: a new message finds it with this index.
create unique index conversations_open_chat_key on conversations (channel_id, chat_external_id) where status <> 'resolved';
create index conversations_chat_idx on conversations (channel_id, chat_external_id, created_at desc);
create index conversations_contact_idx on conversations (contact_id, created_at desc) where contact_id is not null;
create index conversations_activity_idx on conversations (last_activity_at desc, id);
alter sequence conversation_display_id_seq owned by conversations.display_id;

create table messages (
  id uuid primary key default gen_random_uuid(),
  conversation_id uuid not null references conversations (id) on delete cascade,
  -- incoming (from the customer), outgoing (to the customer), note (private), activity (system line).
  message_type text not null check (message_type in ('incoming', 'outgoing', 'note', 'activity')),
  sender_type text not null check (sender_type in ('contact', 'user', 'bot', 'system')),
  sender_contact_id uuid references contacts (id) on delete set null,
  sender_user_id uuid references users (id) on delete set null,
  -- The platform's message id (first one, for split or album sends); unique per conversation: a redelivery is a no-op.
  source_id text,
  content text,
  -- Platform detail kept so nothing is lost: entities, location, contact card, media group id, raw kind, extra ids.
  content_attributes jsonb not null default '{}',
  reply_to_id uuid references messages (id) on delete set null,
  edited_at timestamptz,
  -- Earlier versions, oldest first: [{content, contentAttributes, editedAt}].
  edit_history jsonb not null default '[]',
  -- Outgoing only: queued → sending → sent | failed. 'sending' marks the window of doubt (request may have reached the platform).
  delivery_status text check (delivery_status in ('queued', 'sending', 'sent', 'failed')),
  delivery_error text,
  -- Interactive (support replies, notifications) or bulk (broadcasts): the rate limiter's priority.
  priority text not null default 'interactive' check (priority in ('interactive', 'bulk')),
  -- Set when a flood of messages from one contact was throttled: stored, but automations and auto-replies skip it.
  throttled boolean not null default false,
  sent_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index messages_source_key on messages (conversation_id, source_id) where source_id is not null;
create index messages_conversation_idx on messages (conversation_id, created_at, id);

-- Files carried by messages, in either direction. Metadata is stored at once; the bytes arrive later (download job) or
-- are uploaded first (outgoing). storage_key points into FileStorage.
create table attachments (
  id uuid primary key default gen_random_uuid(),
  message_id uuid references messages (id) on delete cascade,
  kind text not null check (kind in ('photo', 'document', 'video', 'voice', 'audio', 'sticker', 'animation')),
  file_name text,
  mime_type text,
  size bigint,
  width integer,
  height integer,
  duration integer,
  -- The platform's ids (incoming): file_id to download, file_unique_id to deduplicate.
  external_file_id text,
  external_unique_id text,
  -- pending (not downloaded yet), stored, too_big (over the platform's download limit), failed (with error).
  storage_status text not null default 'pending' check (storage_status in ('pending', 'stored', 'too_big', 'failed')),
  storage_key text,
  error text,
  created_at timestamptz not null default now()
);
create index attachments_message_idx on attachments (message_id);

-- Every attempt to deliver an outgoing message, with its outcome: the audit trail of the send path.
create table delivery_attempts (
  id bigint generated always as identity primary key,
  message_id uuid not null references messages (id) on delete cascade,
  attempt integer not null,
  outcome text not null check (outcome in ('sent', 'rejected', 'unavailable', 'rate_limited', 'unreachable')),
  error_code integer,
  description text,
  started_at timestamptz not null,
  finished_at timestamptz not null default now()
);
create index delivery_attempts_message_idx on delivery_attempts (message_id, attempt);

-- Flood guard: messages counted per identity in a one-minute window.
alter table contact_channels
  add column flood_window_start timestamptz,
  add column flood_count integer not null default 0,
  add column flagged_at timestamptz;
