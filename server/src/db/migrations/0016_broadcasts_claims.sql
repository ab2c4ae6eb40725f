-- The delivery manager's claims (issue 5). A claiming run holds a session advisory lock on its random claim key for as long
-- as it runs; PostgreSQL drops that lock the moment the run's connection dies (crash, SIGKILL, lost host). A 'sending' row
-- whose claim key is no longer locked was in flight in a dead run, so a restart resolves it at once instead of waiting for
-- lease_until (which stays as the backstop for a run that is alive but stuck).
alter table broadcast_deliveries add column claim_key bigint;

-- Claimable rows in due order with rows without a hold first: `coalesce(not_before, '-infinity') <= now()` reads exactly the
-- due rows and stops at the batch size, where (broadcast_id, not_before, id) would also walk every held row (quiet hours,
-- later waves) before reaching the unheld ones, which it sorts last.
create index broadcast_deliveries_due_idx on broadcast_deliveries
  (broadcast_id, (coalesce(not_before, '-infinity'::timestamptz)), id) where status = 'pending';
