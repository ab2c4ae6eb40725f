-- Indexes for segment previews (count + sample of 20) at a million contacts. Each one matches an SQL shape that
-- services/segments/filter-compiler.ts emits; a count over a large share of the contacts is then an index-only scan of a
-- narrow index instead of a sequential scan of the wide contacts rows (tags, attributes, the search haystack).

-- "subscribed" / "blocked" (the built-in "all subscribed" segment and most broadcast audiences). Deduplicated, so small.
create index contacts_subscribed_blocked_idx on contacts (subscribed, blocked);

-- "active in the last N days" / "not active": a range on the raw column (the sort index 0003 is on a coalesce()).
create index contacts_last_activity_idx on contacts (last_activity_at);

-- "language ru" also matches regional variants (ru-RU): the compiler compares the primary subtag. `language` is included
-- so the planner can answer from the index alone.
create index contacts_language_primary_idx on contacts ((split_part(language, '-', 1))) include (language);
