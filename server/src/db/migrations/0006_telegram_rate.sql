-- Telegram sending budget shared by every process (docs/architecture.md, "Telegram rate limiting").
-- Every grant for a bot goes through telegram_rate_acquire(), which locks the bot's row first: grants of one bot are serialised,
-- so the per-bot schedule and the per-chat rows are always read fresh, whichever process asks. Times come from the database
-- clock (clock_timestamp()) so processes with skewed clocks still agree.

-- One row per bot: the next free slot of its schedule and a two-bucket count of grants for the health view.
create table telegram_rate_bots (
  channel_id uuid primary key references channels (id) on delete cascade,
  next_slot timestamptz not null default '-infinity',
  minute_start timestamptz not null default '-infinity',
  minute_count integer not null default 0,
  prev_minute_count integer not null default 0
);

-- One row per (bot, chat): the chat's theoretical arrival time (GCRA). Rows whose tat is in the past carry no information
-- and may be pruned at any time.
create table telegram_rate_chats (
  channel_id uuid not null references channels (id) on delete cascade,
  chat_id text not null,
  tat timestamptz not null,
  primary key (channel_id, chat_id)
);
create index telegram_rate_chats_tat_idx on telegram_rate_chats (tat);

-- Grants one message slot or says how long to wait. Policy comes from the caller (intervals in milliseconds, already including
-- headroom); the bot's rate comes from channels.settings (`rateLimitPerSecond`, capped at 30 unless `paidBroadcasts`, then 1000).
-- wait_ms: until the slot (granted) or until asking again is worthwhile (refused); next_ms (granted): until the next slot fits
-- this horizon. reason: 'granted' | 'paused' | 'bot' (schedule is further ahead than this priority's horizon) | 'chat' | 'missing'.
create function telegram_rate_acquire(
  p_channel uuid,
  p_chat text,
  p_group boolean,
  p_horizon_ms double precision,
  p_default_rate double precision,
  p_headroom double precision,
  p_private_interval_ms double precision,
  p_private_burst integer,
  p_group_interval_ms double precision
) returns table (granted boolean, slot timestamptz, wait_ms double precision, reason text, next_ms double precision)
language plpgsql volatile as $$
declare
  v_settings jsonb;
  v_paused timestamptz;
  v_rate double precision;
  v_bot telegram_rate_bots%rowtype;
  v_now timestamptz;
  v_slot timestamptz;
  v_step interval;
  v_chat_tat timestamptz;
  v_chat_step interval;
  v_tolerance interval;
  v_ready timestamptz;
begin
  -- Losing the last few grants in a crash costs nothing (the schedule restarts from now); waiting for the WAL flush while holding
  -- the bot's lock would cap every bot at one grant per disk flush.
  perform set_config('synchronous_commit', 'off', true);
  -- The lock first: everything read below is fresh for this bot because every writer holds this lock.
  select * into v_bot from telegram_rate_bots b where b.channel_id = p_channel for update;
  if not found then
    insert into telegram_rate_bots (channel_id)
      select id from channels where id = p_channel on conflict do nothing;
    select * into v_bot from telegram_rate_bots b where b.channel_id = p_channel for update;
    if not found then
      return query select false, null::timestamptz, 0::double precision, 'missing'::text, 0::float8;
      return;
    end if;
  end if;

  select c.settings, c.paused_until into v_settings, v_paused from channels c where c.id = p_channel;
  v_now := clock_timestamp();

  if v_paused is not null and v_paused > v_now then
    return query select false, null::timestamptz, (extract(epoch from v_paused - v_now) * 1000)::float8, 'paused'::text, 0::float8;
    return;
  end if;

  v_rate := coalesce(
    case when jsonb_typeof(v_settings -> 'rateLimitPerSecond') = 'number' then (v_settings ->> 'rateLimitPerSecond')::double precision end,
    p_default_rate);
  v_rate := least(greatest(v_rate, 1), case when v_settings -> 'paidBroadcasts' = 'true'::jsonb then 1000 else 30 end);
  v_step := make_interval(secs => (1 + p_headroom) / v_rate);

  v_slot := greatest(v_bot.next_slot, v_now);
  if v_slot > v_now + make_interval(secs => p_horizon_ms / 1000) then
    return query select false, null::timestamptz,
      (extract(epoch from v_slot - v_now) * 1000)::float8 - p_horizon_ms, 'bot'::text, 0::float8;
    return;
  end if;

  if p_chat is not null then
    select t.tat into v_chat_tat from telegram_rate_chats t where t.channel_id = p_channel and t.chat_id = p_chat;
    if p_group then
      v_chat_step := make_interval(secs => p_group_interval_ms / 1000);
      v_tolerance := interval '0';
    else
      v_chat_step := make_interval(secs => p_private_interval_ms / 1000);
      v_tolerance := v_chat_step * greatest(p_private_burst - 1, 0);
    end if;
    v_ready := coalesce(v_chat_tat, '-infinity') - v_tolerance;
    if v_ready > v_slot then
      -- Not taking the bot slot: a chat that must wait leaves the bot's schedule to other chats.
      return query select false, null::timestamptz, (extract(epoch from v_ready - v_now) * 1000)::float8, 'chat'::text, 0::float8;
      return;
    end if;
    insert into telegram_rate_chats as t (channel_id, chat_id, tat)
      values (p_channel, p_chat, v_slot + v_chat_step)
      on conflict (channel_id, chat_id) do update set tat = greatest(t.tat, v_slot) + v_chat_step;
  end if;

  update telegram_rate_bots b set
    next_slot = v_slot + v_step,
    minute_start = case when v_now >= v_bot.minute_start + interval '1 minute' then date_trunc('minute', v_now) else v_bot.minute_start end,
    prev_minute_count = case
      when v_now >= v_bot.minute_start + interval '2 minutes' then 0
      when v_now >= v_bot.minute_start + interval '1 minute' then v_bot.minute_count
      else v_bot.prev_minute_count end,
    minute_count = case when v_now >= v_bot.minute_start + interval '1 minute' then 1 else v_bot.minute_count + 1 end
  where b.channel_id = p_channel;

  -- next_ms: when this priority's next request would fit the horizon, so the caller does not ask just to be refused. When many
  -- slots fit the horizon (fast bots), it is when half the horizon is free again: the caller then takes slots back to back
  -- instead of sleeping one timer per slot.
  return query select true, v_slot, (extract(epoch from v_slot - v_now) * 1000)::float8, 'granted'::text,
    (extract(epoch from v_slot + v_step - v_now) * 1000)::float8
      - case when extract(epoch from v_step) * 1000 * 4 < p_horizon_ms then p_horizon_ms / 2 else p_horizon_ms end;
end
$$;
