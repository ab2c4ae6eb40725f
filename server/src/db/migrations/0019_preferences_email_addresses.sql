-- What each contact wants to receive (notifications), and what we know about each email address we send to.
-- The global "no marketing" switch is contacts.subscribed (broadcasts already honour it); this table holds the finer choices.
create table contact_preferences (
  contact_id uuid primary key references contacts (id) on delete cascade,
  -- The channel kind the contact prefers ('telegram', 'email'); null = the notification type's own order.
  preferred_channel text check (preferred_channel in ('telegram', 'email')),
  -- Per channel kind on/off: {"email": false}. A kind absent is on.
  channels jsonb not null default '{}',
  -- Per notification type key: {"new_lesson": {"enabled": false}, "payment_success": {"channels": {"email": false}}}.
  -- A type absent is on with every channel; critical types ignore this (they cannot be turned off).
  types jsonb not null default '{}',
  updated_at timestamptz not null default now()
);

-- Delivery health per address, shared by every channel that sends mail: a hard bounce (5xx, DSN 5.x.x) makes it
-- unreachable at once; soft bounces (4xx after retries, DSN 4.x.x) count up to a threshold.
create table email_addresses (
  address text primary key check (address = lower(address)),
  status text not null default 'ok' check (status in ('ok', 'unreachable')),
  soft_bounces integer not null default 0,
  last_bounce_at timestamptz,
  last_reason text,
  updated_at timestamptz not null default now()
);
