-- Contact events (what customers do in the business's own systems) and segments (saved contact filters).

-- Event names are few (tens) and repeated millions of times: a dictionary keeps each event row and its indexes narrow
-- (a 4-byte id instead of a text such as 'lesson_completed' in every row and in two indexes).
create table event_names (
  id integer generated always as identity primary key,
  name text not null unique
);

create table contact_events (
  id bigint generated always as identity primary key,
  contact_id uuid not null references contacts (id) on delete cascade,
  name_id integer not null references event_names (id),
  occurred_at timestamptz not null,
  -- Null when the event has none: most events carry nothing, and a null costs no bytes.
  properties jsonb,
  -- The sender's key for retries: the same key stores one event, whatever the name or contact sent with it.
  idempotency_key text,
  created_at timestamptz not null default now()
);
-- Timeline of one contact (newest first, keyset on occurred_at, id) and per-contact probes ("did X within N days").
create index contact_events_contact_idx on contact_events (contact_id, occurred_at, id);
-- Set-based segment conditions: every contact that did X within N days is one range scan, index-only (contact_id included).
create index contact_events_name_idx on contact_events (name_id, occurred_at, contact_id);
create unique index contact_events_idempotency_key on contact_events (idempotency_key) where idempotency_key is not null;

-- Text → timestamptz that answers null instead of failing, for date comparisons on free-form custom attributes.
create function sb_try_timestamptz(v text) returns timestamptz
language plpgsql stable parallel safe as $$
begin
  return v::timestamptz;
exception when others then
  return null;
end
$$;

create table segments (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  description text,
  -- The filter tree (docs/api.md "Segments"), validated by the service before it is stored.
  filter jsonb not null,
  -- Key of a built-in segment (created here, never deleted or changed through the API); null for the workspace's own.
  built_in text unique,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index segments_name_idx on segments (lower(name), id);

-- Staggered creation times keep the built-ins listed in this order.
insert into segments (name, description, filter, built_in, created_at) values
  ('All subscribed', 'Every contact who has not unsubscribed and has not been blocked',
   '{"op":"and","conditions":[{"type":"field","field":"subscribed","op":"eq","value":true},{"type":"field","field":"blocked","op":"eq","value":false}]}',
   'subscribed', now() + interval '0 ms'),
  ('Active in the last 30 days', 'Contacts with any activity (message, event) in the last 30 days',
   '{"op":"and","conditions":[{"type":"field","field":"lastActivityAt","op":"within_last_days","value":30}]}',
   'active_30d', now() + interval '1 ms'),
  ('Recent buyers', 'Contacts with a purchase event in the last 30 days',
   '{"op":"and","conditions":[{"type":"event","name":"purchase","op":"did","withinDays":30}]}',
   'recent_buyers', now() + interval '2 ms'),
  ('Never bought', 'Contacts without any purchase event',
   '{"op":"and","conditions":[{"type":"event","name":"purchase","op":"did_not"}]}',
   'never_bought', now() + interval '3 ms'),
  ('Language: Russian', 'Contacts whose language is Russian',
   '{"op":"and","conditions":[{"type":"field","field":"language","op":"eq","value":"ru"}]}',
   'language_ru', now() + interval '4 ms'),
  ('Language: English', 'Contacts whose language is English',
   '{"op":"and","conditions":[{"type":"field","field":"language","op":"eq","value":"en"}]}',
   'language_en', now() + interval '5 ms');
