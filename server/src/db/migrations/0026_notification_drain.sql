-- Notifications are delivered by a drain (services/notification-drain.ts) instead of one job each: a row is due when
-- its `next_attempt_at` has come (the call's time, `sendAt`, the morning after quiet hours, or a retry's backoff), and
-- `attempts` counts the tries that ended in a transient failure. A digest's events have no time until the flush
-- hands the carrier one. Rows queued before this migration keep their own `notifications.deliver` jobs.
alter table notifications
  add column next_attempt_at timestamptz,
  add column attempts int not null default 0;

-- What the drain claims: due rows, oldest first ...
create index notifications_due_idx on notifications (next_attempt_at)
  where status in ('queued', 'delayed') and next_attempt_at is not null;
-- ... and rows left `sending` by a crash, past the lease (failed as interrupted, never resent).
create index notifications_sending_idx on notifications (sending_at) where status = 'sending';
