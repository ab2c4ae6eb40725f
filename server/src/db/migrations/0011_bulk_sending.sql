-- Bulk sending (docs/architecture.md, "Sending", "Bulk sending"): the bulk sender claims many queued messages in one statement.
-- held_until is the bulk path's hold on a message: while 'sending', the claiming sender's lease (no other sender claims the row
-- before it passes, and that sender dispatches nothing after it); while 'queued', the earliest retry after a 5xx (backoff).
-- Null on every message the per-message send job handles; the job leaves rows with a hold alone.
alter table messages add column held_until timestamptz;

-- The bulk queue: pending bulk messages only, so the index stays as small as the backlog.
create index messages_bulk_pending_idx on messages (created_at, id)
  where priority = 'bulk' and delivery_status in ('queued', 'sending');
