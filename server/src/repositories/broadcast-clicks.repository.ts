import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';

/** Clicks and taps of one button of a broadcast. */
export interface ButtonClickCounts {
  button: number;
  kind: 'url' | 'callback';
  total: number;
  unique: number;
}

/** One contact's clicks on a broadcast. */
export interface ContactClicks {
  contactId: string;
  total: number;
  /** Distinct buttons clicked, ascending. */
  buttons: number[];
  firstClickedAt: Date;
  lastClickedAt: Date;
}

/** Clicks on broadcast URL buttons (through the redirect) and taps on its callback buttons. */
export class BroadcastClicksRepository {
  constructor(private readonly db: DbOrTx) {}

  /** What a click needs of its broadcast: its bot, its own buttons and its template's (undefined when it is gone). */
  buttonsOf(
    broadcastId: string,
  ): Promise<{ channelId: string; buttons: unknown; templateButtons: unknown | null } | undefined> {
    return this.db
      .selectFrom('broadcasts as b')
      .leftJoin('templates as t', 't.id', 'b.templateId')
      .select(['b.channelId', 'b.buttons', 't.buttons as templateButtons'])
      .where('b.id', '=', broadcastId)
      .executeTakeFirst();
  }

  /** Whether the contact is one of the broadcast's recipients (the unique (broadcast, contact) index answers it). */
  async isRecipient(broadcastId: string, contactId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('broadcastDeliveries')
      .select('id')
      .where('broadcastId', '=', broadcastId)
      .where('contactId', '=', contactId)
      .executeTakeFirst();
    return row !== undefined;
  }

  /**
   * Records one click. A contact deleted since the message went out is recorded as null (the click still counts in the
   * total); a broadcast deleted meanwhile records nothing (false).
   */
  async record(c: {
    broadcastId: string;
    contactId: string;
    button: number;
    kind: 'url' | 'callback';
    at: Date;
  }): Promise<boolean> {
    const res = await sql`
      insert into broadcast_clicks (broadcast_id, contact_id, button, kind, clicked_at)
      select b.id, (select id from contacts where id = ${c.contactId}), ${c.button}, ${c.kind}, ${c.at}
      from broadcasts b where b.id = ${c.broadcastId}`.execute(this.db);
    return Number(res.numAffectedRows ?? 0) > 0;
  }

  /**
   * Totals and distinct contacts per button, in one pass over broadcast_clicks_idx (broadcast_id, button, contact_id).
   * A button clicked by contacts since deleted counts them in total only.
   */
  async countsByButton(broadcastId: string): Promise<ButtonClickCounts[]> {
    const rows = await this.db
      .selectFrom('broadcastClicks')
      .select((eb) => [
        'button',
        'kind',
        eb.fn.countAll<string>().as('total'),
        eb.fn.count<string>('contactId').distinct().as('unique'),
      ])
      .where('broadcastId', '=', broadcastId)
      .groupBy(['button', 'kind'])
      .orderBy('button')
      .execute();
    return rows.map((r) => ({
      button: r.button,
      kind: r.kind,
      total: Number(r.total),
      unique: Number(r.unique),
    }));
  }

  /** Distinct contacts who clicked anything (a contact clicking two buttons counts once). */
  async uniqueContacts(broadcastId: string, kind?: 'url' | 'callback'): Promise<number> {
    let q = this.db
      .selectFrom('broadcastClicks')
      .select((eb) => eb.fn.count<string>('contactId').distinct().as('n'))
      .where('broadcastId', '=', broadcastId);
    if (kind) q = q.where('kind', '=', kind);
    return Number((await q.executeTakeFirstOrThrow()).n);
  }

  /** Clicks per contact, ordered by contact id after `afterContactId`; contacts since deleted are left out. */
  async byContact(
    broadcastId: string,
    opts: { afterContactId?: string; contactId?: string; limit: number },
  ): Promise<ContactClicks[]> {
    let q = this.db
      .selectFrom('broadcastClicks')
      .select((eb) => [
        'contactId',
        eb.fn.countAll<string>().as('total'),
        sql<number[]>`array_agg(distinct button order by button)`.as('buttons'),
        eb.fn.min('clickedAt').as('firstClickedAt'),
        eb.fn.max('clickedAt').as('lastClickedAt'),
      ])
      .where('broadcastId', '=', broadcastId)
      .where('contactId', 'is not', null)
      .groupBy('contactId')
      .orderBy('contactId')
      .limit(opts.limit);
    if (opts.afterContactId) q = q.where('contactId', '>', opts.afterContactId);
    if (opts.contactId) q = q.where('contactId', '=', opts.contactId);
    const rows = await q.execute();
    return rows.map((r) => ({
      contactId: r.contactId!,
      total: Number(r.total),
      buttons: r.buttons.map(Number),
      firstClickedAt: r.firstClickedAt,
      lastClickedAt: r.lastClickedAt,
    }));
  }
}
