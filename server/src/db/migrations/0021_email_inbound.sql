-- Incoming email, as received (IMAP or the built-in SMTP receiver), kept once: a mail fetched twice (IMAP after a crash
-- before \Seen, a forwarder retrying after a lost 250) is a no-op thanks to the unique key. Processing is the job
-- `email.process`, queued in the same transaction as the insert; its outcome says what the mail became.
create table email_inbound (
  id bigint generated always as identity primary key,
  channel_id uuid not null references channels (id) on delete cascade,
  -- The Message-ID header with its angle brackets; a mail without one gets <sha256-of-the-bytes@switchboard.invalid>.
  message_id text not null,
  raw bytea not null,
  -- How it arrived: 'imap' or 'smtp'.
  via text not null check (via in ('imap', 'smtp')),
  -- The SMTP envelope's recipients (built-in receiver only): a forwarder may leave the reply token only there.
  envelope_to text[] not null default '{}',
  received_at timestamptz not null default now(),
  processed_at timestamptz,
  -- message (stored in a conversation), auto_reply (ignored), bounce (an address updated), ignored (nothing to do).
  outcome text check (outcome in ('message', 'auto_reply', 'bounce', 'ignored')),
  -- Why: the auto-reply signal, the bounced addresses with their status, the reason a mail was ignored.
  detail jsonb,
  message_row_id uuid references messages (id) on delete set null,
  error text,
  unique (channel_id, message_id)
);
-- Health and retention look for what is still unprocessed.
create index email_inbound_unprocessed_idx on email_inbound (channel_id, id) where processed_at is null;

-- Where IMAP reading of a channel's mailbox stands: UIDs are only comparable within one UIDVALIDITY, so a change of
-- it (mailbox recreated) means a rescan from the start (the unique key above makes the rescan harmless).
create table email_imap_state (
  channel_id uuid primary key references channels (id) on delete cascade,
  mailbox text not null,
  uid_validity bigint not null,
  last_uid bigint not null default 0,
  updated_at timestamptz not null default now()
);

-- Threading by In-Reply-To/References looks a Message-ID up among a channel's messages. Only email Message-IDs
-- (`<...>`) are indexed: Telegram's numeric ids never match, and keeping them out keeps the index small.
create index messages_email_source_idx on messages (source_id) where source_id like '<%>';
