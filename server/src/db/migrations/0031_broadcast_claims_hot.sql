-- Broadcast claims without index writes (issue 5: the limits-off send rate). A claimed delivery row keeps status 'pending' and
-- gets only its claim key and lease, columns no index covers, so the claim can be a HOT update: a new row version on the same page
-- and a small WAL record, instead of a new version plus an entry in each of the four indexes. "Sending" is now
-- "pending with a claim key" (BroadcastDeliveriesRepository.ROW_STATUS).
--
-- Room on each page for those versions: fillfactor applies to pages filled from now on (snapshots of new broadcasts); it
-- rewrites nothing, and its SHARE UPDATE EXCLUSIVE lock lasts only for the catalogue change (it does not block reads or writes).
alter table broadcast_deliveries set (fillfactor = 50);

-- Rows in flight at the upgrade, in the new form; their claim key and lease stay. A run of the previous version still going
-- records only 'sending' rows, so its outcomes no longer match; once it is gone, resolveInterrupted marks those rows 'unknown'
-- (never resent), as after any crash. Only rows in flight match: a handful, found by one scan without long locks.
update broadcast_deliveries set status = 'pending' where status = 'sending';
