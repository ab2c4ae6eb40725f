-- Inbox reports (GET /api/v1/reports/inbox): each figure is counted at its own event time, so each branch of the
-- report query is a range scan on one of these.
create index conversations_created_idx on conversations (created_at);
create index conversations_first_reply_idx on conversations (first_reply_at) where first_reply_at is not null;
create index conversations_resolved_idx on conversations (resolved_at) where resolved_at is not null;
create index csat_responses_sent_idx on csat_responses (sent_at);
