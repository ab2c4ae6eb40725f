-- The support inbox (issue 4): conversation workflow fields, teams, labels, channel membership, reads, assignment history,
-- canned responses, CSAT, mentions. The minimal conversations/messages model is in 0007.

create table teams (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  description text,
  -- Whether conversations assigned to the team are auto-assigned among its members.
  allow_auto_assign boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index teams_name_key on teams (lower(name));

create table team_members (
  team_id uuid not null references teams (id) on delete cascade,
  user_id uuid not null references users (id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (team_id, user_id)
);
create index team_members_user_idx on team_members (user_id);

-- Agents who work a channel's conversations (Chatwoot's inbox members): visibility and auto-assignment.
create table channel_members (
  channel_id uuid not null references channels (id) on delete cascade,
  user_id uuid not null references users (id) on delete cascade,
  -- Most open conversations of this channel auto-assignment gives this agent (null: the channel's default).
  capacity integer check (capacity is null or capacity >= 0),
  created_at timestamptz not null default now(),
  primary key (channel_id, user_id)
);
create index channel_members_user_idx on channel_members (user_id);

create table labels (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  color text not null default '#6b7280',
  description text,
  created_at timestamptz not null default now()
);
create unique index labels_name_key on labels (lower(name));

-- Inbox behaviour per channel (auto-assignment, auto-reply, business hours, CSAT, reopen window), apart from the transport
-- settings in channels.settings. Validated by the service; defaults apply to absent keys.
alter table channels add column inbox_settings jsonb not null default '{}';

alter table users
  -- Set by the agent; 'online' counts only while the agent also has a live connection (see presence).
  add column availability text not null default 'online' check (availability in ('online', 'busy', 'offline'));

-- Live connections per user and api process (WebSocket/SSE), so presence is shared by every process; rows of a dead
-- process expire with its heartbeat.
create table user_presence (
  user_id uuid not null references users (id) on delete cascade,
  process_id text not null,
  connections integer not null check (connections >= 0),
  updated_at timestamptz not null default now(),
  primary key (user_id, process_id)
);

alter table conversations
  add column priority text check (priority in ('low', 'medium', 'high', 'urgent')),
  add column category text not null default 'general',
  add column labels text[] not null default '{}',
  add column assignee_id uuid references users (id) on delete set null,
  add column team_id uuid references teams (id) on delete set null,
  add column snoozed_until timestamptz,
  -- Set when the customer writes and nobody has answered since; cleared by an agent's reply.
  add column waiting_since timestamptz,
  add column first_reply_at timestamptz,
  add column resolved_at timestamptz,
  add column contact_last_seen_at timestamptz,
  add column custom_attributes jsonb not null default '{}',
  add column auto_reply_sent_at timestamptz;
create index conversations_assignee_idx on conversations (assignee_id, status, last_activity_at desc) where assignee_id is not null;
create index conversations_unassigned_idx on conversations (channel_id, waiting_since, created_at)
  where assignee_id is null and status in ('open', 'pending');
create index conversations_team_idx on conversations (team_id, status) where team_id is not null;
create index conversations_snoozed_idx on conversations (snoozed_until) where status = 'snoozed';
create index conversations_labels_idx on conversations using gin (labels);
create index conversations_updated_idx on conversations (updated_at, id);

-- What each agent has seen of each conversation: agentLastSeenAt and unread counts (incoming messages after it).
create table conversation_reads (
  conversation_id uuid not null references conversations (id) on delete cascade,
  user_id uuid not null references users (id) on delete cascade,
  last_seen_at timestamptz not null,
  primary key (conversation_id, user_id)
);
create index conversation_reads_user_idx on conversation_reads (user_id);

-- Every assignment, for the fair-distribution window and reports.
create table conversation_assignments (
  id bigint generated always as identity primary key,
  conversation_id uuid not null references conversations (id) on delete cascade,
  user_id uuid references users (id) on delete set null,
  team_id uuid references teams (id) on delete set null,
  assigned_by uuid references users (id) on delete set null,
  automatic boolean not null default false,
  assigned_at timestamptz not null default now()
);
create index conversation_assignments_user_idx on conversation_assignments (user_id, assigned_at);
create index conversation_assignments_conversation_idx on conversation_assignments (conversation_id, assigned_at);

alter table messages
  add column deleted_at timestamptz,
  -- Full-text search over messages in Russian and English (both stemmers: a message's language is not known).
  add column search tsvector generated always as (
    to_tsvector('russian', coalesce(content, '')) || to_tsvector('english', coalesce(content, ''))
  ) stored;
create index messages_search_idx on messages using gin (search);
create index messages_updated_idx on messages (conversation_id, updated_at);

create table canned_responses (
  id uuid primary key default gen_random_uuid(),
  short_code text not null,
  content text not null,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index canned_responses_short_code_key on canned_responses (lower(short_code));

-- One satisfaction rating per conversation survey.
create table csat_responses (
  id uuid primary key default gen_random_uuid(),
  conversation_id uuid not null references conversations (id) on delete cascade,
  contact_id uuid references contacts (id) on delete set null,
  assignee_id uuid references users (id) on delete set null,
  -- The survey message we sent (its buttons carry this row's id).
  message_id uuid references messages (id) on delete set null,
  rating integer check (rating between 1 and 5),
  comment text,
  sent_at timestamptz not null default now(),
  rated_at timestamptz,
  -- Set while we wait for the optional comment after a rating.
  awaiting_comment_until timestamptz
);
create index csat_responses_conversation_idx on csat_responses (conversation_id, sent_at desc);
create index csat_responses_rated_idx on csat_responses (rated_at) where rated_at is not null;

-- In-app notifications for team members (mentions in notes, later: assignments, SLA warnings).
create table user_notifications (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id) on delete cascade,
  kind text not null,
  conversation_id uuid references conversations (id) on delete cascade,
  message_id uuid references messages (id) on delete cascade,
  actor_id uuid references users (id) on delete set null,
  read_at timestamptz,
  created_at timestamptz not null default now()
);
create index user_notifications_user_idx on user_notifications (user_id, created_at desc);
