import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Db, Tx } from '../db/database.ts';
import type { Clock } from '../lib/clock.ts';
import type { SecretBox } from '../lib/secret-box.ts';
import type { SendMetrics } from '../lib/send-metrics.ts';
import { type Repos, repositories } from '../repositories/index.ts';
import type { FileStorage } from '../storage/file-storage.ts';
import type { LoginThrottle } from './auth.service.ts';

/** What every service needs; built once in app.ts. */
export interface ServiceContext {
  db: Db;
  repos: Repos;
  log: Logger;
  config: Config;
  clock: Clock;
  secretBox: SecretBox;
  /** Overrides of the failed-login throttle (tests make it fast). */
  loginThrottle?: Partial<LoginThrottle>;
  /** Delivery-attempt and 429-pause counters (lib/metrics.ts); absent outside the app (use `noSendMetrics`). */
  sendMetrics?: SendMetrics;
  /** Where attachment bytes live (storage/); the send path uploads from it. Absent: attachments cannot be sent. */
  storage?: FileStorage;
  /**
   * A few connections of their own for the sending path's short statements (Telegram grants, notification claims and
   * outcomes), so they never queue for a connection behind the API's requests: with one shared pool, 200 notification
   * calls a second held every connection and a bot's grant waited ~500 ms for one. Absent (tests, tools): `db`.
   */
  deliveryDb?: Db;
}

/** The context whose `db` and `repos` are the sending path's own pool (ServiceContext.deliveryDb), when there is one. */
export function deliveryContext(ctx: ServiceContext): ServiceContext {
  return ctx.deliveryDb ? { ...ctx, db: ctx.deliveryDb, repos: repositories(ctx.deliveryDb) } : ctx;
}

/** Runs `fn` in one transaction with repositories bound to it; jobs and realtime events queued inside commit with it. */
export function inTransaction<T>(ctx: ServiceContext, fn: (r: Repos, tx: Tx) => Promise<T>): Promise<T> {
  return ctx.db.transaction().execute((tx) => fn(repositories(tx), tx));
}
