import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';

/** A contact's identity on one channel (a row of contact_channels). */
export interface Identity {
  id: string;
  contactId: string;
  channelId: string;
  externalId: string;
  reachable: boolean;
  /** When the person was last heard from on this channel. */
  lastSeenAt: Date | null;
  /** The flood guard's counter (services/flood-guard.ts), read with the row lock so it needs no query of its own. */
  floodWindowStart: Date | null;
  floodCount: number;
}

const IDENTITY_COLUMNS = [
  'id',
  'contactId',
  'channelId',
  'externalId',
  'reachable',
  'lastSeenAt',
  'floodWindowStart',
  'floodCount',
] as const;

/** Contact identities as the receive path needs them: found by the platform's id, created, marked reachable. */
export class IdentitiesRepository {
  constructor(private readonly db: DbOrTx) {}

  /** The identity of a platform user on a channel, locked until the transaction ends. */
  findForUpdate(channelId: string, externalId: string): Promise<Identity | undefined> {
    return this.db
      .selectFrom('contactChannels')
      .select(IDENTITY_COLUMNS)
      .where('channelId', '=', channelId)
      .where('externalId', '=', externalId)
      .forUpdate()
      .executeTakeFirst();
  }

  /**
   * The identities of several platform users on a channel, locked until the transaction ends, keyed by external id: the
   * set-based receive reads a whole batch's senders in one statement. Locked in id order, so two batches sharing people
   * cannot deadlock on each other.
   */
  async findManyForUpdate(channelId: string, externalIds: string[]): Promise<Map<string, Identity>> {
    if (externalIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('contactChannels')
      .select(IDENTITY_COLUMNS)
      .where('channelId', '=', channelId)
      .where('externalId', 'in', externalIds)
      .orderBy('id')
      .forUpdate()
      .execute();
    return new Map(rows.map((row) => [row.externalId, row]));
  }

  /** Inserts several identities in one statement, in input order; a concurrent insert of one raises a unique violation. */
  async createMany(
    rows: { contactId: string; channelId: string; externalId: string; lastSeenAt: Date }[],
  ): Promise<Identity[]> {
    if (rows.length === 0) return [];
    const created = await this.db
      .insertInto('contactChannels')
      .values(rows)
      .returning(IDENTITY_COLUMNS)
      .execute();
    const byExternal = new Map(created.map((row) => [`${row.channelId}:${row.externalId}`, row]));
    return rows.map((row) => byExternal.get(`${row.channelId}:${row.externalId}`)!);
  }

  /**
   * The set-based form of touch and setFloodState for a batch of messages, one statement: per identity an optional
   * last-seen time (never moved backwards), an optional new flood-guard state, and whether to flag it now.
   */
  async recordMany(
    changes: {
      id: string;
      seenAt: Date | null;
      flood: { windowStart: Date; count: number } | null;
      flag: boolean;
    }[],
  ): Promise<void> {
    if (changes.length === 0) return;
    await sql`
      update contact_channels cc
      set last_seen_at = case when v.seen_at is null then cc.last_seen_at else greatest(cc.last_seen_at, v.seen_at) end,
          flood_window_start = coalesce(v.window_start, cc.flood_window_start),
          flood_count = coalesce(v.count, cc.flood_count),
          flagged_at = case when v.flag then now() else cc.flagged_at end
      from unnest(
        ${sql.val(changes.map((c) => c.id))}::uuid[],
        ${sql.val(changes.map((c) => c.seenAt))}::timestamptz[],
        ${sql.val(changes.map((c) => c.flood?.windowStart ?? null))}::timestamptz[],
        ${sql.val(changes.map((c) => c.flood?.count ?? null))}::int[],
        ${sql.val(changes.map((c) => c.flag))}::boolean[]
      ) as v(id, seen_at, window_start, count, flag)
      where cc.id = v.id`.execute(this.db);
  }

  /** Inserts an identity; a concurrent insert of the same one raises a unique violation (the caller retries). */
  create(contactId: string, channelId: string, externalId: string, seenAt: Date): Promise<Identity> {
    return this.db
      .insertInto('contactChannels')
      .values({ contactId, channelId, externalId, lastSeenAt: seenAt })
      .returning(IDENTITY_COLUMNS)
      .executeTakeFirstOrThrow();
  }

  /** Records that the person was heard from; never moves last_seen_at backwards (updates may be processed late). */
  touch(id: string, seenAt: Date): Promise<unknown> {
    return this.db
      .updateTable('contactChannels')
      .set({ lastSeenAt: sql`greatest(last_seen_at, ${seenAt}::timestamptz)` })
      .where('id', '=', id)
      .execute();
  }

  /** Marks whether sends through this identity can reach the person (blocked bot → false). */
  setReachable(id: string, reachable: boolean, lastError: string | null): Promise<unknown> {
    return this.db
      .updateTable('contactChannels')
      .set({ reachable, lastError })
      .where('id', '=', id)
      .execute();
  }

  /** Stores the flood-guard counter; `flag` also records when the identity was flagged for flooding. */
  setFloodState(id: string, state: { windowStart: Date; count: number }, flag: boolean): Promise<unknown> {
    return this.db
      .updateTable('contactChannels')
      .set({
        floodWindowStart: state.windowStart,
        floodCount: state.count,
        ...(flag ? { flaggedAt: sql`now()` } : {}),
      })
      .where('id', '=', id)
      .execute();
  }
}
