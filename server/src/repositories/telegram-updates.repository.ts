import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type { TelegramUpdate } from '../db/schema.ts';
import { ChannelsRepository } from './channels.repository.ts';

/** Raw Telegram updates, stored once per (channel, update_id) however often Telegram delivers them. */
export class TelegramUpdatesRepository {
  constructor(private readonly db: DbOrTx) {}

  /** Stores the update unless it is already there; returns the new row id, or null for a redelivery. */
  async insert(channelId: string, updateId: number, payload: unknown): Promise<number | null> {
    const row = await this.db
      .insertInto('telegramUpdates')
      .values({ channelId, updateId, payload: JSON.stringify(payload) })
      .onConflict((oc) => oc.columns(['channelId', 'updateId']).doNothing())
      .returning('id')
      .executeTakeFirst();
    return row?.id ?? null;
  }

  /**
   * Marks an unprocessed update processed and returns it, locked until the transaction ends: the processing job's first
   * statement. Processing runs in the same transaction, so a failure rolls the mark back; a second run of the same job
   * (or a redelivered job) finds nothing to do. One statement instead of a read and a closing write.
   */
  async claimForProcessing(id: number): Promise<TelegramUpdate | undefined> {
    const row = await this.db
      .updateTable('telegramUpdates')
      .set({ processedAt: sql`now()`, error: null })
      .where('id', '=', id)
      .where('processedAt', 'is', null)
      .returning(['id', 'channelId', 'updateId', 'receivedAt', 'processedAt', 'error'])
      .returning(sql<string>`payload::text`.as('payloadText'))
      .executeTakeFirst();
    return row && parsed(row);
  }

  /** Keeps why processing gave up, on the update and in its channel's health view. */
  async recordError(id: number, error: string): Promise<void> {
    const row = await this.db
      .updateTable('telegramUpdates')
      .set({ error })
      .where('id', '=', id)
      .returning('channelId')
      .executeTakeFirst();
    if (row)
      await new ChannelsRepository(this.db).recordError(row.channelId, `processing update ${id}: ${error}`);
  }

  /** Every stored update of a channel, oldest first (tests and diagnostics). */
  async listByChannel(channelId: string): Promise<TelegramUpdate[]> {
    const rows = await this.select().where('channelId', '=', channelId).orderBy('updateId').execute();
    return rows.map(parsed);
  }

  // The payload travels as text: CamelCasePlugin would rename Telegram's snake_case keys inside a jsonb value.
  private select() {
    return this.db
      .selectFrom('telegramUpdates')
      .select(['id', 'channelId', 'updateId', 'receivedAt', 'processedAt', 'error'])
      .select(sql<string>`payload::text`.as('payloadText'));
  }
}

function parsed({
  payloadText,
  ...row
}: Omit<TelegramUpdate, 'payload'> & { payloadText: string }): TelegramUpdate {
  return { ...row, payload: JSON.parse(payloadText) };
}
