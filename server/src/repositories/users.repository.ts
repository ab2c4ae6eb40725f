import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.ts';
import type { NewUser, Role, User, UserUpdate } from '../db/schema.ts';

/** Users: all SQL about accounts. */
export class UsersRepository {
  constructor(private readonly db: DbOrTx) {}

  get(id: string): Promise<User | undefined> {
    return this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Case-insensitive lookup (uses users_email_key). */
  getByEmail(email: string): Promise<User | undefined> {
    return this.db
      .selectFrom('users')
      .selectAll()
      .where(sql`lower(email)`, '=', email.toLowerCase())
      .executeTakeFirst();
  }

  getMany(opts: { limit: number; after?: string; role?: Role; active?: boolean }): Promise<User[]> {
    let q = this.db.selectFrom('users').selectAll().orderBy('id').limit(opts.limit);
    if (opts.after) q = q.where('id', '>', opts.after);
    if (opts.role) q = q.where('role', '=', opts.role);
    if (opts.active !== undefined) q = q.where('active', '=', opts.active);
    return q.execute();
  }

  async count(opts: { role?: Role; active?: boolean } = {}): Promise<number> {
    let q = this.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n'));
    if (opts.role) q = q.where('role', '=', opts.role);
    if (opts.active !== undefined) q = q.where('active', '=', opts.active);
    return (await q.executeTakeFirstOrThrow()).n;
  }

  create(user: NewUser): Promise<User> {
    return this.db.insertInto('users').values(user).returningAll().executeTakeFirstOrThrow();
  }

  update(id: string, patch: UserUpdate): Promise<User | undefined> {
    return this.db
      .updateTable('users')
      .set({ ...patch, updatedAt: sql`now()` })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  async delete(id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('users').where('id', '=', id).executeTakeFirst();
    return r.numDeletedRows > 0n;
  }

  /** Locks every active owner row so "last owner" checks cannot race each other. */
  async lockActiveOwners(): Promise<string[]> {
    const rows = await this.db
      .selectFrom('users')
      .select('id')
      .where('role', '=', 'owner')
      .where('active', '=', true)
      .forUpdate()
      .execute();
    return rows.map((r) => r.id);
  }

  /** Serialises first-owner creation (bootstrap and setup) across processes until the transaction ends. */
  async lockFirstOwnerCreation(): Promise<void> {
    await sql`select pg_advisory_xact_lock(7246118302)`.execute(this.db);
  }
}
