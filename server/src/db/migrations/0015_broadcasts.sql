-- Broadcasts (issue 5): a message to the recipients of a segment, sent once each through the channel's bulk path.
-- Recipients are fixed when sending starts: one broadcast_deliveries row per recipient (unique per contact), whose status is
-- the whole truth of that recipient; the counters on broadcasts are a cache flushed in batches and recomputable from the rows.
create table broadcasts (
  id uuid primary key default gen_random_uuid(),
  title text not null,
  channel_id uuid not null references channels (id) on delete cascade,
  -- The audience: a saved segment, or a filter of its own (the same tree segments use); exactly one of them.
  segment_id uuid references segments (id) on delete set null,
  filter jsonb,
  -- The message: a template, or content of its own (Liquid in Telegram HTML, rendered per recipient).
  template_id uuid references templates (id) on delete set null,
  content text,
  buttons jsonb not null default '[]',
  attachment_id uuid references attachments (id) on delete set null,
  status text not null default 'draft'
    check (status in ('draft', 'scheduled', 'sending', 'paused', 'completed', 'cancelled', 'failed')),
  scheduled_at timestamptz,
  -- 'HH:MM': deliver at this wall-clock time in each recipient's timezone (waves over up to 26 h).
  local_time text check (local_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  -- {"from": "22:00", "to": "09:00"}: held while it is night for the recipient.
  quiet_hours jsonb,
  paid_broadcast boolean not null default false,
  -- Why the broadcast paused or failed when the system did it (failure share over the window, channel gone).
  status_reason text,
  -- Counters by delivery status (and skips by reason), flushed in batches by the delivery manager.
  stats jsonb not null default '{}',
  started_at timestamptz,
  finished_at timestamptz,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index broadcasts_list_idx on broadcasts (created_at desc, id desc);
create index broadcasts_status_idx on broadcasts (status, scheduled_at);

-- No foreign keys on the delivery rows: the snapshot inserts up to millions of them in one statement, and a key check per row
-- (each a lookup plus a KEY SHARE lock that rewrites the referenced contact's tuple) was about half of its time. Deleting a
-- broadcast or a contact removes its rows through the statement-level triggers below instead; identity_id is informational
-- (which identity the message went to) and may outlive the identity.
create table broadcast_deliveries (
  id bigint generated always as identity primary key,
  broadcast_id uuid not null,
  contact_id uuid not null,
  -- The Telegram identity the message goes to (null for rows skipped because there is none).
  identity_id uuid,
  chat_external_id text,
  status text not null default 'pending'
    check (status in ('pending', 'sending', 'sent', 'failed', 'blocked', 'skipped', 'unknown', 'cancelled')),
  -- skipped: 'unsubscribed' | 'blocked' | 'no_identity' | 'unreachable'...; failed: Telegram's description.
  reason text,
  -- Not sent before this time (local-time waves, quiet hours, retry backoff).
  not_before timestamptz,
  -- While 'sending': the claiming process's lease; a row past it was in flight when its sender died.
  lease_until timestamptz,
  attempts int not null default 0,
  external_id text,
  sent_at timestamptz,
  updated_at timestamptz not null default now(),
  unique (broadcast_id, contact_id)
);
-- Lists by status and the delivery manager's looks at rows in flight ('sending'). Not the pending rows: the snapshot inserts
-- them by the million, and the due index (0016) serves what reads pending rows (claims, cancel).
create index broadcast_deliveries_status_idx on broadcast_deliveries (broadcast_id, status, id) where status <> 'pending';
-- A contact's broadcasts (timeline) and the cleanup when a contact is deleted.
create index broadcast_deliveries_contact_idx on broadcast_deliveries (contact_id);

create function broadcast_deliveries_of_deleted_broadcasts() returns trigger language plpgsql as $$
begin
  delete from broadcast_deliveries d using gone where d.broadcast_id = gone.id;
  return null;
end $$;
create trigger broadcasts_delete_deliveries after delete on broadcasts
  referencing old table as gone for each statement execute function broadcast_deliveries_of_deleted_broadcasts();

create function broadcast_deliveries_of_deleted_contacts() returns trigger language plpgsql as $$
begin
  delete from broadcast_deliveries d using gone where d.contact_id = gone.id;
  return null;
end $$;
create trigger contacts_delete_broadcast_deliveries after delete on contacts
  referencing old table as gone for each statement execute function broadcast_deliveries_of_deleted_contacts();

-- Clicks on URL buttons (through our redirect) and taps on callback buttons, per broadcast and contact.
create table broadcast_clicks (
  id bigint generated always as identity primary key,
  broadcast_id uuid not null references broadcasts (id) on delete cascade,
  contact_id uuid references contacts (id) on delete set null,
  -- The button's position in the broadcast's buttons (row-major), and what it was.
  button int not null,
  kind text not null check (kind in ('url', 'callback')),
  clicked_at timestamptz not null default now()
);
create index broadcast_clicks_idx on broadcast_clicks (broadcast_id, button, contact_id);
