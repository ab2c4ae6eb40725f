-- Button taps (Telegram callback queries): recorded once each, then routed by data prefix to their owner (CSAT, preferences,
-- broadcast button stats). The tap is kept even when no owner claims it, so button statistics never depend on routing.
create table button_taps (
  id uuid primary key default gen_random_uuid(),
  channel_id uuid not null references channels (id) on delete cascade,
  contact_id uuid references contacts (id) on delete set null,
  -- The conversation of the message carrying the button, when we know it.
  conversation_id uuid references conversations (id) on delete set null,
  -- The platform's id of the message carrying the button (absent for inline-mode messages).
  message_source_id text,
  -- The platform's id of the tap itself; unique per channel so a reprocessed update records nothing twice.
  external_id text not null,
  data text,
  received_at timestamptz not null default now()
);
create unique index button_taps_external_key on button_taps (channel_id, external_id);
create index button_taps_conversation_idx on button_taps (conversation_id, received_at) where conversation_id is not null;
create index button_taps_data_idx on button_taps (channel_id, data text_pattern_ops);
