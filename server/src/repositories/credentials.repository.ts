import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type { ApiKey, Role, User } from '../db/schema.ts';

/** Sessions, single-use login tokens, API keys and failed-login counters. */
export class CredentialsRepository {
  constructor(private readonly db: DbOrTx) {}

  async createSession(s: {
    userId: string;
    tokenHash: Buffer;
    expiresAt: Date;
    ip?: string;
    userAgent?: string;
  }) {
    return this.db
      .insertInto('sessions')
      .values({ ...s, ip: s.ip ?? null, userAgent: s.userAgent ?? null })
      .returning(['id', 'expiresAt'])
      .executeTakeFirstOrThrow();
  }

  /** The live session and its user for a token hash: one indexed read, no write on the request path. */
  async getSessionUser(
    tokenHash: Buffer,
  ): Promise<{ sessionId: string; sessionLastUsedAt: Date; user: User } | undefined> {
    const row = await this.db
      .selectFrom('sessions as s')
      .innerJoin('users as u', 'u.id', 's.userId')
      .selectAll('u')
      .select(['s.id as sessionId', 's.lastUsedAt as sessionLastUsedAt'])
      .where('s.tokenHash', '=', tokenHash)
      .where('s.expiresAt', '>', sql<Date>`now()`)
      .executeTakeFirst();
    if (!row) return undefined;
    const { sessionId, sessionLastUsedAt, ...user } = row;
    return { sessionId, sessionLastUsedAt, user };
  }

  /** Marks a session used and its user seen, in one statement (callers do it at most once a minute). */
  async touchSession(sessionId: string, userId: string): Promise<void> {
    await sql`
      with s as (update sessions set last_used_at = now() where id = ${sessionId})
      update users set last_seen_at = now() where id = ${userId}`.execute(this.db);
  }

  async deleteSession(id: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id', '=', id).execute();
  }

  async deleteSessionsOfUser(userId: string, exceptId?: string): Promise<void> {
    let q = this.db.deleteFrom('sessions').where('userId', '=', userId);
    if (exceptId) q = q.where('id', '!=', exceptId);
    await q.execute();
  }

  async createLoginToken(t: {
    purpose: 'login' | 'setup';
    userId: string | null;
    tokenHash: Buffer;
    expiresAt: Date;
    createdBy: string | null;
  }) {
    return this.db
      .insertInto('loginTokens')
      .values(t)
      .returning(['id', 'expiresAt'])
      .executeTakeFirstOrThrow();
  }

  /**
   * Marks a token used and returns it, in one statement, so two concurrent exchanges cannot both win.
   * `now` is the service clock, the same one that set `expiresAt`.
   */
  consumeLoginToken(tokenHash: Buffer, purpose: 'login' | 'setup', now: Date) {
    return this.db
      .updateTable('loginTokens')
      .set({ usedAt: now })
      .where('tokenHash', '=', tokenHash)
      .where('purpose', '=', purpose)
      .where('usedAt', 'is', null)
      .where('expiresAt', '>', now)
      .returning(['id', 'userId'])
      .executeTakeFirst();
  }

  async hasUnusedSetupToken(): Promise<boolean> {
    const row = await this.db
      .selectFrom('loginTokens')
      .select('id')
      .where('purpose', '=', 'setup')
      .where('usedAt', 'is', null)
      .where('expiresAt', '>', sql<Date>`now()`)
      .executeTakeFirst();
    return row !== undefined;
  }

  createApiKey(k: {
    name: string;
    role: Role;
    keyHash: Buffer;
    prefix: string;
    rateLimitPerMinute: number | null;
    createdBy: string | null;
  }) {
    return this.db.insertInto('apiKeys').values(k).returningAll().executeTakeFirstOrThrow();
  }

  getApiKey(id: string): Promise<ApiKey | undefined> {
    return this.db.selectFrom('apiKeys').selectAll().where('id', '=', id).executeTakeFirst();
  }

  listApiKeys(opts: { limit: number; after?: string; includeRevoked: boolean }): Promise<ApiKey[]> {
    let q = this.db.selectFrom('apiKeys').selectAll().orderBy('id').limit(opts.limit);
    if (opts.after) q = q.where('id', '>', opts.after);
    if (!opts.includeRevoked) q = q.where('revokedAt', 'is', null);
    return q.execute();
  }

  /** A live (not revoked) key by hash. */
  getLiveApiKey(keyHash: Buffer): Promise<ApiKey | undefined> {
    return this.db
      .selectFrom('apiKeys')
      .selectAll()
      .where('keyHash', '=', keyHash)
      .where('revokedAt', 'is', null)
      .executeTakeFirst();
  }

  /** Last-used is informative: at most one write per minute per key. */
  async touchApiKey(id: string): Promise<void> {
    await this.db
      .updateTable('apiKeys')
      .set({ lastUsedAt: sql`now()` })
      .where('id', '=', id)
      .where((eb) =>
        eb.or([eb('lastUsedAt', 'is', null), eb('lastUsedAt', '<', sql<Date>`now() - interval '1 minute'`)]),
      )
      .execute();
  }

  revokeApiKey(id: string) {
    return this.db
      .updateTable('apiKeys')
      .set({ revokedAt: sql`now()` })
      .where('id', '=', id)
      .where('revokedAt', 'is', null)
      .returningAll()
      .executeTakeFirst();
  }

  getLoginFailure(key: string) {
    return this.db.selectFrom('loginFailures').selectAll().where('key', '=', key).executeTakeFirst();
  }

  /**
   * Counts one failure at `now` in a rolling window (a window older than `windowSeconds` restarts at 1),
   * and sets a lock once `lockAfter` is reached. One upsert: concurrent failures all count.
   * Times come from the service clock, not the database's, so the lock and its check agree.
   */
  async recordLoginFailure(
    key: string,
    now: Date,
    t: { windowSeconds: number; lockAfter: number; lockSeconds: number },
  ) {
    const windowStart = new Date(now.getTime() - t.windowSeconds * 1000);
    const lockUntil = new Date(now.getTime() + t.lockSeconds * 1000);
    const r = await sql<{ failures: number; lockedUntil: Date | null }>`
      insert into login_failures as f (key, failures, first_failed_at)
      values (${key}, 1, ${now})
      on conflict (key) do update set
        failures = case when f.first_failed_at < ${windowStart} then 1 else f.failures + 1 end,
        first_failed_at = case when f.first_failed_at < ${windowStart} then ${now} else f.first_failed_at end,
        locked_until = case
          when f.first_failed_at >= ${windowStart} and f.failures + 1 >= ${t.lockAfter}
          then ${lockUntil}::timestamptz else f.locked_until end
      returning failures, locked_until`.execute(this.db);
    return r.rows[0]!;
  }

  async clearLoginFailures(keys: string[]): Promise<void> {
    await this.db.deleteFrom('loginFailures').where('key', 'in', keys).execute();
  }
}
