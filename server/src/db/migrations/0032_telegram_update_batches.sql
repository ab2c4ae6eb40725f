-- Stored Telegram updates are processed in batches: one coalesced job per (channel, shard) drains every pending update of
-- its shard, instead of one graphile-worker job per update (see docs/architecture.md, "An incoming Telegram update").
-- All four columns are nullable or have a constant default: adding them rewrites nothing, whatever the table's size.
--   shard     which of the channel's queues owns the update (a hash of its chat); null for rows stored before this
--             migration, which keep their per-update jobs.
--   chat_key  the chat (or, for a button tap, the person) whose updates must apply in order.
--   attempts  failed processing attempts; the update is given up (error written, as before) after the last one.
--   retry_at  when a failed update may be tried again; until then its chat's later updates wait behind it.
alter table telegram_updates
  add column shard smallint,
  add column chat_key text,
  add column attempts smallint not null default 0,
  add column retry_at timestamptz;

-- The drain's scan: a shard's pending updates in arrival order. Partial, so it holds only the backlog (usually a few rows);
-- "error is null" leaves out updates that were given up, exactly as the health view counts them.
create index telegram_updates_pending_idx on telegram_updates (channel_id, shard, id)
  where processed_at is null and error is null and shard is not null;

-- Chats waiting for a failed update's retry: tiny (only failing rows), read by the same scan to hold those chats back.
create index telegram_updates_retry_idx on telegram_updates (channel_id, chat_key)
  where retry_at is not null and processed_at is null and error is null;
