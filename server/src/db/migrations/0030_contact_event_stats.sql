-- Per contact and event name: how many times, and the first and last occurrence. Segment conditions "did X (in the last
-- D days)", "never did X" and "did X at least N times" read this narrow table (one row per contact and name) instead of
-- every raw event, so such a count is an index-only count of the name index (services/segments/count-query.ts).
-- Kept by EventsRepository.insertMany in the same statement as the events it counts (only rows actually inserted, so a
-- retried idempotency key never counts twice). Events are never updated or deleted except with their contact (cascade
-- here too), so nothing else has to maintain it.
create table contact_event_stats (
  contact_id uuid not null references contacts (id) on delete cascade,
  name_id integer not null references event_names (id),
  count integer not null,
  first_at timestamptz not null,
  last_at timestamptz not null
);

-- Backfill from the raw events in one set-based statement, before the indexes exist (building them afterwards is faster
-- and leaves them compact). SHARE mode lets readers on and holds event writers back until this migration commits (the
-- lock CREATE INDEX takes), so no event can slip between the scan and the commit.
lock table contact_events in share mode;
insert into contact_event_stats (contact_id, name_id, count, first_at, last_at)
select contact_id, name_id, count(*)::int, min(occurred_at), max(occurred_at)
from contact_events
group by contact_id, name_id;

-- The upsert's conflict target, and the per-contact probe of a preview sample that walks contacts newest first ("never
-- did X", "did X in D days"): last_at and count are included so the probe does not visit the table.
alter table contact_event_stats add primary key (contact_id, name_id) include (last_at, count);
-- "Everyone who did X in the last D days" is one index-only range scan (contact_id and count included for joining back
-- to contacts and for "at least N times").
create index contact_event_stats_name_idx on contact_event_stats (name_id, last_at) include (contact_id, count);

-- "Born in March" (and month and day): the compiler emits extract(month / day from contacts.birthday); birthday is
-- included so a count is an index-only scan. Partial: most contacts have no birthday.
create index contacts_birthday_month_day_idx on contacts ((extract(month from birthday)), (extract(day from birthday)))
  include (birthday) where birthday is not null;
