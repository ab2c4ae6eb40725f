-- Live worker processes and the graphile-worker ids they run. graphile-worker (Node) only frees a crashed worker's
-- jobs after 4 hours; a process whose heartbeat stops has its jobs unlocked by the others within a minute.
create table worker_processes (
  id uuid primary key,
  worker_ids text[] not null default '{}',
  hostname text not null,
  pid integer not null,
  started_at timestamptz not null default now(),
  heartbeat_at timestamptz not null default now()
);
