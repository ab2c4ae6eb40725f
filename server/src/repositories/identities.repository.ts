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
