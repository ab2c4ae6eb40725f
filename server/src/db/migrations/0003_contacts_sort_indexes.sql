-- Keyset pages sorted by name or last activity: without these, every page of a 1M-row table is a full scan and sort.
-- The expressions must match SORT_SQL in contacts.repository.ts exactly, or the planner will not use them.
create index contacts_name_sort_idx on contacts ((coalesce(name, '')), id);
create index contacts_activity_sort_idx on contacts ((coalesce(last_activity_at, '-infinity'::timestamptz)), id);
