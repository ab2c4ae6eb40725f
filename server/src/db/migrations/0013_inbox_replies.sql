-- Replies and tools (issue 4): the latest CSAT rating kept on its conversation, so every conversation payload
-- (lists, realtime) carries it without a join. csat_responses stays the record of every survey (reports read it).
alter table conversations add column csat jsonb;

-- The csat-comment hook looks up, on every customer message, whether that contact owes a comment: keep it an index probe.
create index csat_responses_awaiting_idx on csat_responses (contact_id, awaiting_comment_until)
  where awaiting_comment_until is not null;
