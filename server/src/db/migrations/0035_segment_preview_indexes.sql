-- Segment previews at a million contacts, second round (services/segments/filter-compiler.ts, docs/architecture.md
-- "Preview speed").

-- A custom attribute read as a number: JSON numbers, and text that reads as one (CSV import stores text); anything
-- else is null, so one odd value never fails a whole query. The segment compiler emits exactly this call, so a workspace
-- that filters on a numeric attribute often can index it:
--   create index concurrently contacts_attr_score_idx on contacts (sb_attr_number(attributes, 'score'));
-- A SQL-standard body the planner inlines: the index expression and the compiled condition (whose key is a bound
-- parameter, a constant by planning time) become the same expression, which is how the index is matched.
create function sb_attr_number(attributes jsonb, key text) returns numeric
language sql immutable parallel safe
return case
  when jsonb_typeof(attributes -> key) = 'number' then (attributes ->> key)::numeric
  when jsonb_typeof(attributes -> key) = 'string' and (attributes ->> key) ~ '^\s*-?[0-9]{1,30}(\.[0-9]{1,30})?\s*$'
    then (attributes ->> key)::numeric
end;

-- "Active in the last N days" beside conditions on other tables: the joins need the contacts' ids, which 0027's index on
-- last_activity_at alone had to fetch from the wide rows (a sequential scan of all of them, in practice). With the id
-- included it is an index-only scan. Same leading column, so it replaces 0027's index for the plain counts too.
create index contacts_last_activity_id_idx on contacts (last_activity_at) include (id);
drop index contacts_last_activity_idx;
