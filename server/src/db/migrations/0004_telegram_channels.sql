-- Telegram bots as channels. Secrets are sealed with the app's SecretBox (AES-256-GCM); plaintext never reaches the database.
alter table channels
  add column secret_sealed text,
  add column external_id text,
  add column username text,
  add column mode text check (mode in ('webhook', 'polling')),
  add column api_root text,
  add column webhook_secret_sealed text,
  add column last_update_at timestamptz,
  add column last_error text,
  add column last_error_at timestamptz,
  add column paused_until timestamptz,
  add column poll_offset bigint;

alter table channels add constraint channels_status_check check (status in ('active', 'paused'));

-- One row per bot: the same bot added twice would receive every update twice.
create unique index channels_type_external_id_key on channels (type, external_id) where external_id is not null;
