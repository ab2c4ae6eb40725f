import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import { REALTIME_CHANNEL, type RealtimeEventMap, type RealtimeEventName } from '../realtime/event-map.ts';

// NOTIFY payloads must stay under 8000 bytes; bigger events go out with only their ids.
const MAX_PAYLOAD = 7500;

/**
 * Publishes a realtime event with pg_notify. Inside a transaction Postgres delivers it only at commit,
 * which is exactly "after commit", and every process LISTENing (any api process) receives it.
 */
export class RealtimeRepository {
  constructor(private readonly db: DbOrTx) {}

  async publish<K extends RealtimeEventName>(
    room: string,
    event: K,
    data: RealtimeEventMap[K],
  ): Promise<void> {
    let payload = JSON.stringify({ room, event, data });
    if (Buffer.byteLength(payload) > MAX_PAYLOAD)
      payload = JSON.stringify({ room, event, data: shrink(data), truncated: true });
    await sql`select pg_notify(${REALTIME_CHANNEL}, ${payload})`.execute(this.db);
  }
}

/** Keeps only `id` fields: the client refetches the rest. */
function shrink(data: object): object {
  return Object.fromEntries(
    Object.entries(data).map(([k, v]) => [
      k,
      v && typeof v === 'object' && 'id' in v ? { id: (v as { id: unknown }).id } : v,
    ]),
  );
}
