-- Every Telegram update as received, kept once: Telegram redelivers on timeouts and errors, and the unique key turns
-- a redelivery into a no-op. Processing is a job queued in the same transaction as the insert.
create table telegram_updates (
  id bigint generated always as identity primary key,
  channel_id uuid not null references channels (id) on delete cascade,
  update_id bigint not null,
  payload jsonb not null,
  received_at timestamptz not null default now(),
  processed_at timestamptz,
  error text,
  unique (channel_id, update_id)
);
-- Health and retention queries look for what is still unprocessed.
create index telegram_updates_unprocessed_idx on telegram_updates (channel_id, id) where processed_at is null;
