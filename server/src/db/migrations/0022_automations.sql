-- Automations (issue 8): rules (a trigger, conditions, ordered actions) and their runs. A run is one contact's (or no
-- contact's) pass through a rule for one trigger occurrence; UNIQUE (automation_id, occurrence_key) makes "at most once per
-- occurrence" a fact the database keeps, whichever worker process (or set-based pass) tries to start it.

create table automations (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(name) between 1 and 200),
  description text,
  -- New rules start disabled: a rule acts on real customers, so turning it on is a deliberate step.
  enabled boolean not null default false,
  -- Validated on save (services/automations/automations.input.ts); the shapes are in services/automations/types.ts.
  trigger jsonb not null,
  conditions jsonb not null default '{}',
  actions jsonb not null default '[]',
  -- Built-in rules are keyed so the installer can add them once and never twice.
  builtin_key text unique,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  last_run_at timestamptz
);
-- Trigger matching reads only enabled rules of one kind (and, for events, one name): a partial index keeps that to a
-- handful of rows however many disabled rules exist.
create index automations_enabled_trigger_idx on automations ((trigger ->> 'kind'), (trigger ->> 'event')) where enabled;

create table automation_runs (
  id bigint generated always as identity primary key,
  automation_id uuid not null references automations (id) on delete cascade,
  contact_id uuid references contacts (id) on delete cascade,
  conversation_id uuid references conversations (id) on delete set null,
  -- Includes the contact id when the run is about a contact: `<contactId>:cart:<cartId>`.
  occurrence_key text not null,
  status text not null default 'running'
    check (status in ('running', 'waiting', 'completed', 'stopped', 'failed', 'skipped')),
  -- The index of the next action to run.
  step integer not null default 0,
  -- The trigger's facts (event, conversation, tick) and what steps add (coupon, webhook answer).
  context jsonb not null default '{}',
  -- One entry per step: {at, step, action, outcome, detail}.
  log jsonb not null default '[]',
  wake_at timestamptz,
  error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (automation_id, occurrence_key)
);
-- Runs per rule and per contact, newest first (the run log pages); the waking sweep reads only waiting runs.
create index automation_runs_rule_idx on automation_runs (automation_id, id desc);
create index automation_runs_contact_idx on automation_runs (contact_id, id desc) where contact_id is not null;
create index automation_runs_wake_idx on automation_runs (wake_at) where status = 'waiting' and wake_at is not null;
