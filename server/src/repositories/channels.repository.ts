import { type Insertable, sql, type Updateable } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type { Channel, ChannelsTable } from '../db/schema.ts';

/** Fields a service may write; `settings` as an object (serialised here). */
export type ChannelWrite = Omit<Updateable<ChannelsTable>, 'id' | 'settings' | 'createdAt' | 'updatedAt'> & {
  settings?: Record<string, unknown>;
};

/** Channels (Telegram bots today). Sealed secrets pass through untouched: sealing is the service's job. */
export class ChannelsRepository {
  constructor(private readonly db: DbOrTx) {}

  create(row: ChannelWrite & { type: string; name: string }): Promise<Channel> {
    const { settings, ...rest } = row;
    return this.db
      .insertInto('channels')
      .values({ ...rest, settings: JSON.stringify(settings ?? {}) } as Insertable<ChannelsTable>)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  get(id: string): Promise<Channel | undefined> {
    return this.db.selectFrom('channels').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** The row, locked until the transaction ends (token rotation and pausing must not interleave). */
  getForUpdate(id: string): Promise<Channel | undefined> {
    return this.db.selectFrom('channels').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  }

  /** The channel of one bot, if it is already connected. */
  findByExternalId(type: string, externalId: string): Promise<Channel | undefined> {
    return this.db
      .selectFrom('channels')
      .selectAll()
      .where('type', '=', type)
      .where('externalId', '=', externalId)
      .executeTakeFirst();
  }

  /** Oldest first, keyset-paginated by id. */
  list(opts: { limit: number; after?: string; type?: string }): Promise<Channel[]> {
    let q = this.db.selectFrom('channels').selectAll().orderBy('id').limit(opts.limit);
    if (opts.after) q = q.where('id', '>', opts.after);
    if (opts.type) q = q.where('type', '=', opts.type);
    return q.execute();
  }

  count(type?: string): Promise<number> {
    let q = this.db.selectFrom('channels').select((eb) => eb.fn.countAll<number>().as('n'));
    if (type) q = q.where('type', '=', type);
    return q.executeTakeFirstOrThrow().then((r) => Number(r.n));
  }

  update(id: string, patch: ChannelWrite): Promise<Channel> {
    const { settings, ...rest } = patch;
    const values: Record<string, unknown> = { ...rest, updatedAt: sql`now()` };
    if (settings !== undefined) values.settings = JSON.stringify(settings);
    return this.db
      .updateTable('channels')
      .set(values as Updateable<ChannelsTable>)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** Active Telegram channels in polling mode with a token: the bots some worker process must poll. */
  listPolling(): Promise<Array<Pick<Channel, 'id'>>> {
    return this.db
      .selectFrom('channels')
      .select('id')
      .where('type', '=', 'telegram')
      .where('status', '=', 'active')
      .where('mode', '=', 'polling')
      .where('secretSealed', 'is not', null)
      .execute();
  }

  /** The oldest active channel of a type (the email channel that sends mail outside conversations). */
  firstActive(type: string): Promise<Channel | undefined> {
    return this.db
      .selectFrom('channels')
      .selectAll()
      .where('type', '=', type)
      .where('status', '=', 'active')
      .orderBy('createdAt')
      .orderBy('id')
      .limit(1)
      .executeTakeFirst();
  }

  /** Moves the getUpdates offset forward only, so a late writer can never make updates come again. */
  async advancePollOffset(id: string, offset: number): Promise<void> {
    await this.db
      .updateTable('channels')
      .set({
        pollOffset: sql`greatest(coalesce(poll_offset, 0), ${offset}::bigint)`,
        lastUpdateAt: sql`now()`,
      })
      .where('id', '=', id)
      .execute();
  }

  /**
   * Stamps "last update received" for the health view. At most once a second per channel, so a busy bot's webhook
   * transactions do not all queue on the channel row's lock.
   */
  async markUpdateReceived(id: string): Promise<void> {
    await this.db
      .updateTable('channels')
      .set({ lastUpdateAt: sql`now()` })
      .where('id', '=', id)
      .where((eb) =>
        eb.or([
          eb('lastUpdateAt', 'is', null),
          eb('lastUpdateAt', '<', sql<Date>`now() - interval '1 second'`),
        ]),
      )
      .execute();
  }

  /** Records a receive failure for the health view. */
  async recordError(id: string, message: string): Promise<void> {
    await this.db
      .updateTable('channels')
      .set({ lastError: message, lastErrorAt: sql`now()` })
      .where('id', '=', id)
      .execute();
  }

  /** Deletes the channel; its contact identities go with it (foreign key cascade). */
  async delete(id: string): Promise<boolean> {
    const res = await this.db.deleteFrom('channels').where('id', '=', id).executeTakeFirst();
    return res.numDeletedRows > 0n;
  }
}
