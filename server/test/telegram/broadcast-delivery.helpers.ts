import { sql } from 'kysely';
import type { Db } from '../../src/db/database.ts';
import { ROW_STATUS } from '../../src/repositories/broadcast-deliveries.repository.ts';

let nextChat = 730_000_001;

/** One recipient: a contact with a Telegram identity on the channel, and the private chat id the fake sees. */
export interface Recipient {
  contactId: string;
  identityId: string;
  chatId: number;
}

/**
 * `count` contacts with an identity each on the channel, set-based (the crash test makes 10,000). `fields` sets contact
 * columns for all of them (language, timezone, first_name...).
 */
export async function recipients(
  db: Db,
  channelId: string,
  count: number,
  fields: { language?: string; timezone?: string; firstName?: string; subscribed?: boolean } = {},
): Promise<Recipient[]> {
  const first = nextChat;
  nextChat += count;
  const { rows } = await sql<Recipient>`
    with c as (
      insert into contacts (first_name, language, timezone, subscribed)
      select coalesce(${fields.firstName ?? null}::text, 'Chat ' || (${first}::bigint + g)), ${fields.language ?? null}::text,
        ${fields.timezone ?? null}::text, ${fields.subscribed ?? true}
      from generate_series(0, ${count - 1}::int) g
      returning id, first_name
    ), numbered as (select id, row_number() over (order by id) - 1 as n from c),
    i as (
      insert into contact_channels (contact_id, channel_id, external_id)
      select id, ${channelId}::uuid, (${first}::bigint + n)::text from numbered
      returning id, contact_id, external_id
    )
    select contact_id, id as identity_id, external_id::bigint as chat_id from i order by external_id::bigint`.execute(
    db,
  );
  return rows;
}

/**
 * A broadcast already `sending` with one pending delivery row per recipient, written directly (the snapshot's shape:
 * identity and chat id on each row, `total`/`pending` counters), so the delivery manager is tested on its own.
 */
export async function sendingBroadcast(
  db: Db,
  channelId: string,
  list: Recipient[],
  opts: {
    content?: string;
    templateId?: string;
    buttons?: unknown[];
    quietHours?: { from: string; to: string };
    notBefore?: (r: Recipient, i: number) => Date | null;
  } = {},
): Promise<string> {
  const b = await db
    .insertInto('broadcasts')
    .values({
      title: 'Test broadcast',
      channelId,
      filter: JSON.stringify({ op: 'and', conditions: [] }),
      content: opts.templateId ? null : (opts.content ?? '<b>Hello</b> {{ contact.firstName }}'),
      templateId: opts.templateId ?? null,
      buttons: JSON.stringify(opts.buttons ?? []),
      quietHours: opts.quietHours ? JSON.stringify(opts.quietHours) : null,
      status: 'sending',
      startedAt: new Date(),
      stats: JSON.stringify({ total: list.length, pending: list.length }),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const notBefore = list.map((r, i) => opts.notBefore?.(r, i) ?? null);
  await sql`
    insert into broadcast_deliveries (broadcast_id, contact_id, identity_id, chat_external_id, not_before)
    select ${b.id}::uuid, x.contact_id, x.identity_id, x.chat, x.not_before
    from unnest(${list.map((r) => r.contactId)}::uuid[], ${list.map((r) => r.identityId)}::uuid[],
      ${list.map((r) => String(r.chatId))}::text[], ${notBefore}::timestamptz[]) as x(contact_id, identity_id, chat, not_before)`.execute(
    db,
  );
  return b.id;
}

/** The delivery rows of a broadcast by chat id. */
export async function rowsByChat(db: Db, broadcastId: string) {
  const rows = await db
    .selectFrom('broadcastDeliveries')
    .selectAll()
    .where('broadcastId', '=', broadcastId)
    .orderBy('id')
    .execute();
  // A claimed row is `pending` with a claim key (the claim writes nothing else): it is in flight, i.e. sending.
  const shown = (r: (typeof rows)[number]) =>
    r.status === 'pending' && r.claimKey !== null ? { ...r, status: 'sending' as const } : r;
  return new Map(rows.map((r) => [Number(r.chatExternalId), shown(r)]));
}

/** Counts by status (and skipped by reason) from the rows, in the counters' shape (zero counts left out). */
export async function countsFromRows(db: Db, broadcastId: string): Promise<Record<string, number>> {
  const { rows } = await sql<{ k: string; n: number }>`
    select ${ROW_STATUS} as k, count(*)::int as n from broadcast_deliveries where broadcast_id = ${broadcastId}::uuid
    group by 1
    union all
    select 'skipped_' || reason, count(*)::int from broadcast_deliveries
    where broadcast_id = ${broadcastId}::uuid and status = 'skipped' group by reason`.execute(db);
  return Object.fromEntries(rows.map((r) => [r.k, r.n]));
}

/** The broadcast's cached counters without `total` and zero entries, to compare with countsFromRows. */
export async function cachedCounts(db: Db, broadcastId: string): Promise<Record<string, number>> {
  const b = await db
    .selectFrom('broadcasts')
    .select('stats')
    .where('id', '=', broadcastId)
    .executeTakeFirstOrThrow();
  return Object.fromEntries(Object.entries(b.stats).filter(([k, v]) => k !== 'total' && v !== 0));
}
