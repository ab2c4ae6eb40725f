import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type { EmailInbound, EmailInboundOutcome } from '../db/schema.ts';
import { ChannelsRepository } from './channels.repository.ts';

/** What processing needs of a stored mail besides its bytes. */
export type ClaimedEmail = Pick<EmailInbound, 'id' | 'channelId' | 'messageId' | 'via' | 'envelopeTo'>;

/** Where IMAP reading of one mailbox stands. */
export interface ImapPosition {
  mailbox: string;
  uidValidity: number;
  lastUid: number;
}

/**
 * Incoming mail as received (email_inbound), the IMAP reading position per channel (email_imap_state), and the two
 * lookups receiving mail needs: a thread's conversation by Message-ID and a contact by address.
 */
export class EmailInboundRepository {
  constructor(private readonly db: DbOrTx) {}

  /** Stores the mail unless this channel already has its Message-ID; returns the new row id, or null for a redelivery. */
  async insert(row: {
    channelId: string;
    messageId: string;
    raw: Buffer;
    via: 'imap' | 'smtp';
    envelopeTo?: string[];
  }): Promise<number | null> {
    const inserted = await this.db
      .insertInto('emailInbound')
      .values({ ...row, envelopeTo: row.envelopeTo ?? [] })
      .onConflict((oc) => oc.columns(['channelId', 'messageId']).doNothing())
      .returning('id')
      .executeTakeFirst();
    return inserted?.id ?? null;
  }

  /** The raw bytes of an unprocessed mail (read before the processing transaction: parsing is slow), or undefined. */
  rawOfUnprocessed(id: number): Promise<{ raw: Buffer; receivedAt: Date } | undefined> {
    return this.db
      .selectFrom('emailInbound')
      .select(['raw', 'receivedAt'])
      .where('id', '=', id)
      .where('processedAt', 'is', null)
      .executeTakeFirst();
  }

  /**
   * Marks an unprocessed mail processed and returns it, locked until the transaction ends: processing runs in the
   * same transaction, so a failure rolls the mark back, and a second run finds nothing to do (one statement).
   */
  claimForProcessing(id: number): Promise<ClaimedEmail | undefined> {
    return this.db
      .updateTable('emailInbound')
      .set({ processedAt: sql`now()`, error: null })
      .where('id', '=', id)
      .where('processedAt', 'is', null)
      .returning(['id', 'channelId', 'messageId', 'via', 'envelopeTo'])
      .executeTakeFirst();
  }

  /** What the mail became (in the processing transaction). */
  async recordOutcome(
    id: number,
    outcome: EmailInboundOutcome,
    detail: Record<string, unknown>,
    messageRowId: string | null = null,
  ): Promise<void> {
    await this.db
      .updateTable('emailInbound')
      .set({ outcome, detail: JSON.stringify(detail), messageRowId })
      .where('id', '=', id)
      .execute();
  }

  /** Keeps why processing gave up, on the mail and in its channel's health view. */
  async recordError(id: number, error: string): Promise<void> {
    const row = await this.db
      .updateTable('emailInbound')
      .set({ error })
      .where('id', '=', id)
      .returning('channelId')
      .executeTakeFirst();
    if (row)
      await new ChannelsRepository(this.db).recordError(row.channelId, `processing mail ${id}: ${error}`);
  }

  /** Every stored mail of a channel, oldest first, without the bytes (tests and diagnostics). */
  listByChannel(channelId: string) {
    return this.db
      .selectFrom('emailInbound')
      .select([
        'id',
        'messageId',
        'via',
        'receivedAt',
        'processedAt',
        'outcome',
        'detail',
        'messageRowId',
        'error',
      ])
      .where('channelId', '=', channelId)
      .orderBy('id')
      .execute();
  }

  /**
   * The conversation of the latest message on this channel whose Message-ID (source_id) is one of `messageIds`:
   * the thread a reply belongs to. Uses messages_email_source_idx (partial on `<…>` ids, hence the repeated predicate).
   */
  async conversationOfMessageIds(channelId: string, messageIds: string[]): Promise<string | undefined> {
    const ids = messageIds.filter((m) => /^<.+>$/.test(m));
    if (ids.length === 0) return undefined;
    const row = await this.db
      .selectFrom('messages as m')
      .innerJoin('conversations as c', 'c.id', 'm.conversationId')
      .select('c.id')
      .where('m.sourceId', 'in', ids)
      .where(sql<boolean>`m.source_id like '<%>'`)
      .where('c.channelId', '=', channelId)
      .orderBy('m.createdAt', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row?.id;
  }

  /**
   * The contact known by this email address (contacts.email, case-insensitive; contacts_email_idx): the one active
   * most recently when several share it, so mail joins the person an agent last talked to.
   */
  async contactIdByEmail(address: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('contacts')
      .select('id')
      .where(sql<string>`lower(email)`, '=', address.toLowerCase())
      .where('email', 'is not', null)
      .orderBy(sql`last_activity_at desc nulls last`)
      .orderBy('createdAt')
      .limit(1)
      .executeTakeFirst();
    return row?.id;
  }

  imapPosition(channelId: string): Promise<ImapPosition | undefined> {
    return this.db
      .selectFrom('emailImapState')
      .select(['mailbox', 'uidValidity', 'lastUid'])
      .where('channelId', '=', channelId)
      .executeTakeFirst();
  }

  /**
   * Records how far reading got. Within one UIDVALIDITY the position never moves back (two holders briefly overlapping
   * after a takeover cannot rewind it); a new UIDVALIDITY or mailbox replaces it.
   */
  async saveImapPosition(channelId: string, p: ImapPosition): Promise<void> {
    await this.db
      .insertInto('emailImapState')
      .values({ channelId, ...p })
      .onConflict((oc) =>
        oc.column('channelId').doUpdateSet({
          mailbox: p.mailbox,
          uidValidity: p.uidValidity,
          lastUid: sql`case when email_imap_state.uid_validity = ${p.uidValidity}
            and email_imap_state.mailbox = ${p.mailbox}
            then greatest(email_imap_state.last_uid, ${p.lastUid}) else ${p.lastUid} end`,
          updatedAt: sql`now()`,
        }),
      )
      .execute();
  }
}
