import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type { Attachment, AttemptOutcome } from '../db/schema.ts';

/** A bulk message claimed for sending, with everything needed to build its OutgoingMessage. */
export interface ClaimedMessage {
  readonly id: string;
  /** It was already 'sending' under a lease that ran out: its sender died, a request may have left (window of doubt). */
  readonly stale: boolean;
  /** The lease, as stored: the outcome is recorded only while this row still carries it. */
  readonly heldUntil: Date;
  readonly chatExternalId: string;
  readonly chatKind: 'private' | 'group';
  readonly content: string | null;
  readonly contentAttributes: Record<string, unknown>;
  /** The platform id of the message replied to, when it has one. */
  readonly replySourceId: string | null;
  readonly attachments: Array<Pick<Attachment, 'id' | 'kind' | 'storageKey' | 'fileName' | 'mimeType'>>;
  /** Earlier retryable attempts (unavailable, rate limited): the retry limit counts them. */
  readonly priorRetries: number;
  /** Private chats: whether the identity is reachable (null when there is none). */
  readonly reachable: boolean | null;
  readonly lastError: string | null;
}

/** One attempt to write: a row of delivery_attempts, numbered after the message's earlier attempts in list order. */
export interface AttemptRow {
  readonly messageId: string;
  readonly outcome: AttemptOutcome;
  readonly errorCode: number | null;
  readonly description: string | null;
  readonly startedAt: Date;
}

/** How a claimed message ends: sent (with its ids per part), failed, re-queued after `retryMs`, or released untouched. */
export type FinalState =
  | { readonly status: 'sent'; readonly parts: string[][] }
  | { readonly status: 'failed'; readonly error: string }
  | { readonly status: 'queued'; readonly error: string; readonly retryMs: number }
  | { readonly status: 'released' };

export interface OutcomeRow {
  readonly messageId: string;
  readonly heldUntil: Date;
  readonly final: FinalState;
}

/**
 * The bulk path's SQL: one statement claims a batch of queued bulk messages of a channel, one statement records a batch of
 * outcomes. See docs/architecture.md, "Bulk sending".
 */
export class BulkDeliveriesRepository {
  constructor(private readonly db: DbOrTx) {}

  /**
   * Claims up to `limit` bulk messages of the channel, oldest first: queued ones whose retry time has come, and 'sending' ones
   * whose lease ran out (returned with `stale`, to be failed as interrupted, never resent). Locked rows are skipped, so two
   * senders never claim the same message; claimed rows become 'sending' with a lease of `leaseMs`.
   */
  async claim(channelId: string, limit: number, leaseMs: number): Promise<ClaimedMessage[]> {
    const { rows } = await sql<ClaimedMessage & { priorRetries: number }>`
      with picked as (
        select m.id, m.delivery_status as was
        from messages m join conversations c on c.id = m.conversation_id
        where m.priority = 'bulk' and m.delivery_status in ('queued', 'sending') and c.channel_id = ${channelId}::uuid
          and m.message_type = 'outgoing'
          and ((m.delivery_status = 'queued' and (m.held_until is null or m.held_until <= now()))
            or (m.delivery_status = 'sending' and m.held_until < now()))
        order by m.created_at, m.id
        limit ${limit}
        for update of m skip locked
      ), claimed as (
        update messages m set delivery_status = 'sending', updated_at = now(),
          -- Milliseconds, so the lease read back into a JS Date compares equal when the outcome is recorded.
          held_until = date_trunc('milliseconds', now() + make_interval(secs => ${leaseMs / 1000}::float8)),
          content_attributes = jsonb_set(m.content_attributes, '{delivery}',
            coalesce(m.content_attributes->'delivery', '{}') || '{"inFlight": 0}')
        from picked p where m.id = p.id
        returning m.id, m.conversation_id, m.content, m.content_attributes, m.reply_to_id, m.created_at, m.held_until,
          p.was = 'sending' as stale
      )
      select cl.id, cl.stale, cl.held_until, c.chat_external_id, c.chat_kind, cl.content, cl.content_attributes,
        (select r.source_id from messages r where r.id = cl.reply_to_id and r.conversation_id = cl.conversation_id)
          as reply_source_id,
        coalesce((select json_agg(json_build_object('id', a.id, 'kind', a.kind, 'storageKey', a.storage_key,
            'fileName', a.file_name, 'mimeType', a.mime_type) order by a.created_at, a.id)
          from attachments a where a.message_id = cl.id), '[]') as attachments,
        (select count(*) from delivery_attempts d
          where d.message_id = cl.id and d.outcome in ('unavailable', 'rate_limited'))::int as prior_retries,
        cc.reachable, cc.last_error
      from claimed cl join conversations c on c.id = cl.conversation_id
      left join contact_channels cc on c.chat_kind = 'private' and cc.channel_id = c.channel_id
        and cc.external_id = c.chat_external_id
      order by cl.created_at, cl.id`.execute(this.db);
    return rows;
  }

  /**
   * Records outcomes and attempts in one statement: each message's new state (only while it still carries the lease it was
   * claimed with), every attempt row, and the identities found unreachable (private chat ids of this channel). Returns how
   * many messages were updated.
   */
  async record(
    channelId: string,
    outcomes: OutcomeRow[],
    attempts: AttemptRow[],
    unreachable: Array<{ chatExternalId: string; error: string }>,
  ): Promise<number> {
    const col = <T>(f: (o: OutcomeRow) => T) => outcomes.map(f);
    const parts = (o: OutcomeRow) => (o.final.status === 'sent' ? o.final.parts : null);
    const { rows } = await sql<{ updated: number }>`
      with f as (
        select * from unnest(${col((o) => o.messageId)}::uuid[], ${col((o) => o.heldUntil)}::timestamptz[],
          ${col((o) => o.final.status)}::text[], ${col((o) => ('error' in o.final ? o.final.error : null))}::text[],
          ${col((o) => (o.final.status === 'queued' ? o.final.retryMs : 0))}::float8[],
          ${col((o) => JSON.stringify(parts(o)))}::jsonb[], ${col((o) => JSON.stringify(parts(o)?.flat() ?? null))}::jsonb[])
          as f(id, held, status, error, retry_ms, parts, ids)
      ), upd as (
        update messages m set
          delivery_status = case when f.status = 'released' then 'queued' else f.status end,
          delivery_error = case f.status when 'sent' then null when 'released' then m.delivery_error else f.error end,
          held_until = case when f.status = 'queued' then now() + make_interval(secs => f.retry_ms / 1000) end,
          sent_at = case when f.status = 'sent' then now() else m.sent_at end,
          source_id = case when f.status = 'sent' then f.ids->>0 else m.source_id end,
          updated_at = now(),
          content_attributes = case when f.status = 'sent'
            then m.content_attributes || jsonb_build_object('externalIds', f.ids, 'delivery',
              coalesce(m.content_attributes->'delivery', '{}') || jsonb_build_object('inFlight', null, 'parts', f.parts))
            else jsonb_set(m.content_attributes, '{delivery,inFlight}', 'null') end
        from f where m.id = f.id and m.delivery_status = 'sending' and m.held_until = f.held
        returning m.id
      ), a as (
        select * from unnest(${attempts.map((a) => a.messageId)}::uuid[], ${attempts.map((a) => a.outcome)}::text[],
          ${attempts.map((a) => a.errorCode)}::int[], ${attempts.map((a) => a.description)}::text[],
          ${attempts.map((a) => a.startedAt)}::timestamptz[]) with ordinality
          as a(message_id, outcome, error_code, description, started_at, ord)
      ), ins as (
        insert into delivery_attempts (message_id, attempt, outcome, error_code, description, started_at)
        select a.message_id,
          coalesce((select max(d.attempt) from delivery_attempts d where d.message_id = a.message_id), 0)
            + row_number() over (partition by a.message_id order by a.ord),
          a.outcome, a.error_code, a.description, a.started_at
        from a
      ), gone as (
        update contact_channels cc set reachable = false, last_error = u.error
        from unnest(${unreachable.map((u) => u.chatExternalId)}::text[], ${unreachable.map((u) => u.error)}::text[])
          as u(chat, error)
        where cc.channel_id = ${channelId}::uuid and cc.external_id = u.chat
      )
      select count(*)::int as updated from upd`.execute(this.db);
    return rows[0]?.updated ?? 0;
  }
}
