-- Correcting or withdrawing a broadcast after it went out (issue 5): the request is kept on the broadcast and every sent row
-- records how far it has caught up, so the job that applies it resumes after a crash with the rows not done yet. Telegram's
-- edits and deletes are idempotent (an unchanged edit and a gone message count as done), so a row redone after a crash
-- between the call and its record costs one call, never a visible change.
alter table broadcasts
  -- The corrected text (Liquid in Telegram HTML, rendered per recipient like content), and its request count.
  add column sent_edit_content text,
  add column sent_edit_version int not null default 0,
  -- When deleting every sent message was asked for (final: a deleted broadcast is not edited any more).
  add column sent_deleted_at timestamptz;

alter table broadcast_deliveries
  -- The sent_edit_version this row's message shows (0: the original); edit_error says why it could not be brought there.
  add column edit_version int not null default 0,
  add column edit_error text,
  -- When the message was deleted from the chat, or delete_error why it could not be (older than 48 h, for instance).
  add column deleted_at timestamptz,
  add column delete_error text;
