-- Reports (issue 7): when a subscriber was lost, and range scans for the per-day reports.

-- When a contact's channel identity became unreachable (the person blocked the bot, deleted the account, or a send was
-- rejected as undeliverable). Several paths flip `reachable` (the my_chat_member update, broadcast and bulk sends), so a
-- trigger keeps the time next to the flag instead of every writer remembering it. Null while reachable; rows that were
-- unreachable before this migration have no known time and stay null (the "blocked per day" report cannot place them).
alter table contact_channels add column unreachable_at timestamptz;

create function contact_channels_unreachable_at() returns trigger language plpgsql as $$
begin
  if new.reachable is false and (tg_op = 'INSERT' or old.reachable is distinct from false) then
    new.unreachable_at := now();
  elsif new.reachable is true then
    new.unreachable_at := null;
  end if;
  return new;
end $$;

create trigger contact_channels_unreachable_at before insert or update of reachable on contact_channels
  for each row execute function contact_channels_unreachable_at();

-- "Subscribers gained / blocked per day": range scans on either time.
create index contact_channels_created_idx on contact_channels (created_at);
create index contact_channels_unreachable_idx on contact_channels (unreachable_at) where unreachable_at is not null;

-- "Messages in and out per day": messages are appended in time order, so a BRIN index on created_at finds a period's
-- blocks for a fraction of a b-tree's size and write cost.
create index messages_created_brin on messages using brin (created_at);

-- "Broadcast performance over a period": broadcasts that started sending in the period.
create index broadcasts_started_idx on broadcasts (started_at) where started_at is not null;
