-- Many grants per statement. A process's lane for a bot asked for one slot per statement, so a bot's sending rate in that
-- process was capped at one message per database round trip: under load (the API's requests queued on the same pool) that
-- was 30–50 grants a second, far below a paid bot's budget and too slow for notifications at 200 a second. This function
-- takes the requests of every ready waiter of one priority in arrival order and answers each, under the bot's lock once,
-- with exactly the arithmetic of telegram_rate_acquire() (migration 0006) applied request by request: a request whose chat
-- must wait is refused without taking the bot's slot; once the bot's schedule passes the horizon, the rest are refused.
create function telegram_rate_acquire_many(
  p_channel uuid,
  p_chats text[],
  p_groups boolean[],
  p_horizon_ms double precision,
  p_default_rate double precision,
  p_headroom double precision,
  p_private_interval_ms double precision,
  p_private_burst integer,
  p_group_interval_ms double precision
) returns table (idx integer, granted boolean, slot timestamptz, wait_ms double precision, reason text, next_ms double precision)
language plpgsql volatile as $$
declare
  v_settings jsonb;
  v_paused timestamptz;
  v_rate double precision;
  v_bot telegram_rate_bots%rowtype;
  v_now timestamptz;
  v_slot timestamptz;
  v_step interval;
  v_horizon timestamptz;
  v_chat_tat timestamptz;
  v_chat_step interval;
  v_tolerance interval;
  v_ready timestamptz;
  v_granted integer := 0;
  v_next_offset double precision;
  v_n integer := coalesce(array_length(p_chats, 1), 0);
  i integer;
begin
  -- As in telegram_rate_acquire(): losing the last grants in a crash costs nothing; waiting for a WAL flush under the lock would.
  perform set_config('synchronous_commit', 'off', true);
  select * into v_bot from telegram_rate_bots b where b.channel_id = p_channel for update;
  if not found then
    insert into telegram_rate_bots (channel_id)
      select id from channels where id = p_channel on conflict do nothing;
    select * into v_bot from telegram_rate_bots b where b.channel_id = p_channel for update;
    if not found then
      return query select g, false, null::timestamptz, 0::float8, 'missing'::text, 0::float8
        from generate_series(1, v_n) g;
      return;
    end if;
  end if;

  select c.settings, c.paused_until into v_settings, v_paused from channels c where c.id = p_channel;
  v_now := clock_timestamp();

  if v_paused is not null and v_paused > v_now then
    return query select g, false, null::timestamptz, (extract(epoch from v_paused - v_now) * 1000)::float8, 'paused'::text,
      0::float8 from generate_series(1, v_n) g;
    return;
  end if;

  v_rate := coalesce(
    case when jsonb_typeof(v_settings -> 'rateLimitPerSecond') = 'number' then (v_settings ->> 'rateLimitPerSecond')::double precision end,
    p_default_rate);
  v_rate := least(greatest(v_rate, 1), case when v_settings -> 'paidBroadcasts' = 'true'::jsonb then 1000 else 30 end);
  v_step := make_interval(secs => (1 + p_headroom) / v_rate);
  v_horizon := v_now + make_interval(secs => p_horizon_ms / 1000);
  -- See telegram_rate_acquire(): when many slots fit the horizon, ask again when half of it is free.
  v_next_offset := case when extract(epoch from v_step) * 1000 * 4 < p_horizon_ms then p_horizon_ms / 2 else p_horizon_ms end;

  v_slot := greatest(v_bot.next_slot, v_now);
  for i in 1 .. v_n loop
    if v_slot > v_horizon then
      return query select g, false, null::timestamptz,
        (extract(epoch from v_slot - v_now) * 1000)::float8 - p_horizon_ms, 'bot'::text, 0::float8
        from generate_series(i, v_n) g;
      exit;
    end if;

    if p_chats[i] is not null then
      -- Reads this statement's own earlier upserts too, so two requests for one chat in a batch are spaced like two statements.
      select t.tat into v_chat_tat from telegram_rate_chats t where t.channel_id = p_channel and t.chat_id = p_chats[i];
      if p_groups[i] then
        v_chat_step := make_interval(secs => p_group_interval_ms / 1000);
        v_tolerance := interval '0';
      else
        v_chat_step := make_interval(secs => p_private_interval_ms / 1000);
        v_tolerance := v_chat_step * greatest(p_private_burst - 1, 0);
      end if;
      v_ready := coalesce(v_chat_tat, '-infinity') - v_tolerance;
      if v_ready > v_slot then
        return query select i, false, null::timestamptz, (extract(epoch from v_ready - v_now) * 1000)::float8, 'chat'::text,
          0::float8;
        continue;
      end if;
      insert into telegram_rate_chats as t (channel_id, chat_id, tat)
        values (p_channel, p_chats[i], v_slot + v_chat_step)
        on conflict (channel_id, chat_id) do update set tat = greatest(t.tat, v_slot) + v_chat_step;
    end if;

    return query select i, true, v_slot, (extract(epoch from v_slot - v_now) * 1000)::float8, 'granted'::text,
      (extract(epoch from v_slot + v_step - v_now) * 1000)::float8 - v_next_offset;
    v_slot := v_slot + v_step;
    v_granted := v_granted + 1;
  end loop;

  if v_granted > 0 then
    update telegram_rate_bots b set
      next_slot = v_slot,
      minute_start = case when v_now >= v_bot.minute_start + interval '1 minute' then date_trunc('minute', v_now) else v_bot.minute_start end,
      prev_minute_count = case
        when v_now >= v_bot.minute_start + interval '2 minutes' then 0
        when v_now >= v_bot.minute_start + interval '1 minute' then v_bot.minute_count
        else v_bot.prev_minute_count end,
      minute_count = case when v_now >= v_bot.minute_start + interval '1 minute' then v_granted else v_bot.minute_count + v_granted end
    where b.channel_id = p_channel;
  end if;
end
$$;

-- Every caller now goes through the batch form (a single request is a batch of one).
drop function telegram_rate_acquire(uuid, text, boolean, double precision, double precision, double precision, double precision,
  integer, double precision);
