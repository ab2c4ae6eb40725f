-- Loyalty coupons (issue 8): campaigns, the coupons issued from them, their redemptions; the staff bot's links between
-- Telegram accounts and users, and the one-time codes that make them; the channel flag that makes a bot a staff bot.

-- A readable random code: 8 characters of a 31-character alphabet without the look-alikes 0/O and 1/I/L, as XXXX-XXXX.
-- The randomness is gen_random_uuid()'s (the server's strong random source); the bytes 6 and 8 carry the UUID version
-- and variant and are skipped. 256 mod 31 = 8 gives the first 8 letters a 1/32 higher weight: about 39.6 bits instead of
-- 39.6 + 0.01, irrelevant next to "unique per installation" being checked by the index.
create function coupon_code() returns text
language sql volatile parallel safe as $$
  select substr(x, 1, 4) || '-' || substr(x, 5, 4)
  from (
    select string_agg(substr('ABCDEFGHJKMNPQRSTUVWXYZ23456789', 1 + get_byte(b, i) % 31, 1), '' order by n) as x
    from (select uuid_send(gen_random_uuid()) as b) r,
         unnest(array[0, 1, 2, 3, 4, 5, 9, 10]) with ordinality as k (i, n)
  ) c
$$;

create table coupon_campaigns (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  -- Campaigns the product itself relies on (the birthday rule's `birthday`); never deleted, found by this key.
  builtin_key text unique,
  -- Exactly one of: a percentage, or an amount with its currency.
  discount_percent numeric(5, 2) check (discount_percent > 0 and discount_percent <= 100),
  discount_amount numeric(12, 2) check (discount_amount > 0),
  currency text check (currency ~ '^[A-Z]{3}$'),
  -- Validity: fixed dates, or N days from issue, or both (then whichever ends first).
  valid_from timestamptz,
  valid_until timestamptz,
  valid_days integer check (valid_days between 1 and 3650),
  -- How many times one coupon may be redeemed; how many coupons of this campaign one contact may hold (null: any).
  per_coupon_limit integer not null default 1 check (per_coupon_limit between 1 and 1000000),
  per_contact_limit integer check (per_contact_limit between 1 and 1000000),
  terms text,
  enabled boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check ((discount_percent is null) <> (discount_amount is null)),
  check ((discount_amount is null) = (currency is null)),
  check (valid_until is null or valid_from is null or valid_until > valid_from)
);

create table coupons (
  id uuid primary key default gen_random_uuid(),
  campaign_id uuid not null references coupon_campaigns (id) on delete restrict,
  contact_id uuid not null references contacts (id) on delete cascade,
  -- Unique per installation (= workspace); a collision of the random default is retried by the service.
  code text not null default coupon_code() unique,
  source text not null check (source in ('manual', 'api', 'automation', 'segment')),
  -- The caller's idempotency reference (an automation run step, a segment batch and contact).
  source_ref text,
  status text not null default 'active' check (status in ('active', 'redeemed', 'revoked')),
  uses integer not null default 0 check (uses >= 0),
  valid_from timestamptz,
  valid_until timestamptz,
  issued_by uuid references users (id) on delete set null,
  -- Sending the code to the customer (job coupons.deliver): none = not asked for.
  delivery_status text not null default 'none'
    check (delivery_status in ('none', 'pending', 'sending', 'sent', 'failed')),
  delivery_channel text,
  delivery_error text,
  delivered_at timestamptz,
  created_at timestamptz not null default now(),
  -- Nulls are distinct: issues without a reference are never deduplicated.
  unique (campaign_id, source, source_ref)
);
create index coupons_contact_idx on coupons (contact_id, created_at desc);
create index coupons_campaign_idx on coupons (campaign_id, created_at desc);
-- The segment batch's delivery job walks its own pending coupons.
create index coupons_delivery_pending_idx on coupons (campaign_id, source_ref) where delivery_status = 'pending';

create table coupon_redemptions (
  id uuid primary key default gen_random_uuid(),
  coupon_id uuid not null references coupons (id) on delete cascade,
  -- Copied from the coupon so per-campaign statistics read this table alone.
  campaign_id uuid not null references coupon_campaigns (id) on delete cascade,
  user_id uuid references users (id) on delete set null,
  -- Who redeemed, as recorded (a user's name, an API key's name): kept when the user is gone.
  actor_type text not null,
  actor_name text not null,
  via text not null check (via in ('api', 'staff_bot')),
  amount numeric(12, 2),
  location text,
  -- A retried redeem (the staff bot's button job) finds its own earlier redemption by this reference.
  external_ref text unique,
  redeemed_at timestamptz not null default now()
);
create index coupon_redemptions_campaign_idx on coupon_redemptions (campaign_id, redeemed_at);
create index coupon_redemptions_coupon_idx on coupon_redemptions (coupon_id);

-- A bot channel marked as the staff bot: its updates go to the staff bot, never into the inbox.
alter table channels add column staff_bot boolean not null default false;

-- A Telegram account acting as a user in staff bots. One account per user, one user per account.
create table staff_telegram_links (
  user_id uuid primary key references users (id) on delete cascade,
  telegram_user_id text not null unique,
  -- The staff bot it was linked through, where alerts go (another active staff bot when this one is gone).
  channel_id uuid references channels (id) on delete set null,
  telegram_username text,
  language text,
  -- Alert kinds this person does not want (waiting, broadcast_paused, channel_error, daily_report, automation).
  muted_kinds text[] not null default '{}',
  linked_at timestamptz not null default now()
);

-- One-time link codes from the web app (only the hash is kept), valid 10 minutes.
create table staff_link_codes (
  code_hash bytea primary key,
  user_id uuid not null references users (id) on delete cascade,
  expires_at timestamptz not null,
  used_at timestamptz,
  created_at timestamptz not null default now()
);
create index staff_link_codes_user_idx on staff_link_codes (user_id);

-- Alerts sent once per occurrence (a conversation's waiting period, a broadcast's pause), across worker processes.
create table staff_alerts_sent (
  key text primary key,
  sent_at timestamptz not null default now()
);

-- The birthday rule's campaign: off until an owner turns it on (or enables the birthday rule, which issues it).
insert into coupon_campaigns (name, builtin_key, discount_percent, valid_days, per_coupon_limit, per_contact_limit, terms, enabled)
values ('Birthday', 'birthday', 10, 14, 1, null, 'A birthday gift: 10% off one purchase within 14 days.', false);
