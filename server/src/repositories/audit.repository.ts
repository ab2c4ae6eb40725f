import type { DbOrTx } from '../db/database.ts';
import type { AuditEntry } from '../db/schema.ts';

/** Who did something: a signed-in user, an API key, or Switchboard itself. */
export interface Actor {
  type: 'user' | 'api_key' | 'system';
  id: string | null;
  name: string | null;
  ip?: string | null;
  requestId?: string | null;
}

/** One change to record. `before`/`after` are kept for settings, permissions and other small records. */
export interface AuditRecord {
  action: string;
  entityType: string;
  entityId?: string | null;
  before?: unknown;
  after?: unknown;
}

export interface AuditFilter {
  actorId?: string;
  entityType?: string;
  entityId?: string;
  action?: string;
  from?: Date;
  to?: Date;
  beforeId?: string;
  limit: number;
}

/** The audit log is append-only: no update or delete here. */
export class AuditRepository {
  constructor(private readonly db: DbOrTx) {}

  async record(actor: Actor, rec: AuditRecord): Promise<void> {
    await this.db
      .insertInto('auditLog')
      .values({
        actorType: actor.type,
        actorId: actor.id,
        actorName: actor.name,
        action: rec.action,
        entityType: rec.entityType,
        entityId: rec.entityId ?? null,
        before: rec.before === undefined ? null : JSON.stringify(rec.before),
        after: rec.after === undefined ? null : JSON.stringify(rec.after),
        ip: actor.ip ?? null,
        requestId: actor.requestId ?? null,
      })
      .execute();
  }

  /** Newest first, keyset-paginated by id (the identity column is monotonic). */
  search(f: AuditFilter): Promise<AuditEntry[]> {
    let q = this.db.selectFrom('auditLog').selectAll().orderBy('id', 'desc').limit(f.limit);
    if (f.beforeId) q = q.where('id', '<', f.beforeId);
    if (f.actorId) q = q.where('actorId', '=', f.actorId);
    if (f.entityType) q = q.where('entityType', '=', f.entityType);
    if (f.entityId) q = q.where('entityId', '=', f.entityId);
    if (f.action) q = q.where('action', '=', f.action);
    if (f.from) q = q.where('createdAt', '>=', f.from);
    if (f.to) q = q.where('createdAt', '<', f.to);
    return q.execute();
  }
}
