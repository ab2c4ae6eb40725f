-- In-app notifications about a broadcast (the delivery manager auto-paused it): which broadcast, and why in a line.
alter table user_notifications
  add column broadcast_id uuid references broadcasts (id) on delete cascade,
  add column detail text;
