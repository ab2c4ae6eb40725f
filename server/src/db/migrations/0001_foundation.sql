-- Foundation: accounts, access, audit, settings, contacts and their channel identities, imports.
create extension if not exists pg_trgm;

create table users (
  id uuid primary key default gen_random_uuid(),
  email text not null,
  display_name text not null,
  password_hash text,
  role text not null check (role in ('owner', 'admin', 'agent', 'marketing', 'readonly')),
  locale text not null default 'ru' check (locale in ('ru', 'en')),
  timezone text not null default 'Europe/Moscow',
  active boolean not null default true,
  last_seen_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
-- Emails are unique case-insensitively.
create unique index users_email_key on users (lower(email));

create table sessions (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id) on delete cascade,
  token_hash bytea not null unique,
  expires_at timestamptz not null,
  ip text,
  user_agent text,
  created_at timestamptz not null default now(),
  last_used_at timestamptz not null default now()
);
create index sessions_user_id_idx on sessions (user_id);

-- Single-use login links and first-run setup tokens (user_id null = setup of the first owner).
create table login_tokens (
  id uuid primary key default gen_random_uuid(),
  purpose text not null check (purpose in ('login', 'setup')),
  user_id uuid references users (id) on delete cascade,
  token_hash bytea not null unique,
  expires_at timestamptz not null,
  used_at timestamptz,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now()
);

create table api_keys (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  role text not null check (role in ('owner', 'admin', 'agent', 'marketing', 'readonly')),
  key_hash bytea not null unique,
  prefix text not null,
  rate_limit_per_minute integer,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);

-- Failed logins per key ("email:<addr>" or "ip:<addr>"), shared by every api process.
create table login_failures (
  key text primary key,
  failures integer not null,
  first_failed_at timestamptz not null,
  locked_until timestamptz
);

create table audit_log (
  id bigint generated always as identity primary key,
  actor_type text not null check (actor_type in ('user', 'api_key', 'system')),
  actor_id uuid,
  actor_name text,
  action text not null,
  entity_type text not null,
  entity_id text,
  before jsonb,
  after jsonb,
  ip text,
  request_id text,
  created_at timestamptz not null default now()
);
create index audit_log_entity_idx on audit_log (entity_type, entity_id, id desc);
create index audit_log_actor_idx on audit_log (actor_id, id desc);

create table settings (
  key text primary key,
  value jsonb not null,
  updated_by uuid references users (id) on delete set null,
  updated_at timestamptz not null default now()
);

-- Channels (Telegram bots, mailboxes, web chat). The Telegram issue adds its own columns.
create table channels (
  id uuid primary key default gen_random_uuid(),
  type text not null,
  name text not null,
  status text not null default 'active',
  settings jsonb not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table contacts (
  id uuid primary key default gen_random_uuid(),
  external_id text,
  name text,
  first_name text,
  last_name text,
  username text,
  phone text,
  email text,
  language text,
  timezone text,
  birthday date,
  tags text[] not null default '{}',
  attributes jsonb not null default '{}',
  subscribed boolean not null default true,
  unsubscribed_at timestamptz,
  blocked boolean not null default false,
  source text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  last_activity_at timestamptz,
  -- One lowercase haystack for the `q` search, indexed by trigrams so substring search stays fast at 1M rows.
  search_text text generated always as (
    lower(coalesce(name, '') || ' ' || coalesce(first_name, '') || ' ' || coalesce(last_name, '') || ' ' ||
          coalesce(username, '') || ' ' || coalesce(phone, '') || ' ' || coalesce(email, '') || ' ' || coalesce(external_id, ''))
  ) stored
);
create unique index contacts_external_id_key on contacts (external_id) where external_id is not null;
create index contacts_email_idx on contacts (lower(email)) where email is not null;
create index contacts_phone_idx on contacts (phone) where phone is not null;
create index contacts_created_idx on contacts (created_at, id);
create index contacts_updated_idx on contacts (updated_at, id);
create index contacts_tags_idx on contacts using gin (tags);
create index contacts_attributes_idx on contacts using gin (attributes jsonb_path_ops);
create index contacts_search_idx on contacts using gin (search_text gin_trgm_ops);

-- How a contact is reached on one channel: one row per (channel, id in that channel).
create table contact_channels (
  id uuid primary key default gen_random_uuid(),
  contact_id uuid not null references contacts (id) on delete cascade,
  channel_id uuid not null references channels (id) on delete cascade,
  external_id text not null,
  reachable boolean not null default true,
  last_error text,
  last_seen_at timestamptz,
  created_at timestamptz not null default now(),
  unique (channel_id, external_id)
);
create index contact_channels_contact_idx on contact_channels (contact_id);

create table contact_imports (
  id uuid primary key default gen_random_uuid(),
  status text not null default 'uploading' check (status in ('uploading', 'queued', 'running', 'completed', 'failed')),
  filename text,
  channel_id uuid references channels (id) on delete set null,
  bytes bigint not null default 0,
  processed_rows integer not null default 0,
  created_rows integer not null default 0,
  updated_rows integer not null default 0,
  rejected_rows integer not null default 0,
  error text,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz
);

-- The uploaded file, in order, so any worker process can read it (Postgres is the one stateful engine).
create table contact_import_chunks (
  import_id uuid not null references contact_imports (id) on delete cascade,
  seq integer not null,
  data bytea not null,
  primary key (import_id, seq)
);

create table contact_import_errors (
  import_id uuid not null references contact_imports (id) on delete cascade,
  line integer not null,
  reason text not null,
  primary key (import_id, line)
);

-- Each run of a `system.probe` job leaves one row: the multi-process test counts them to prove no job runs twice.
create table system_probes (
  id bigint generated always as identity primary key,
  token text not null,
  job_id text not null,
  process_id integer not null,
  ran_at timestamptz not null default now()
);
