import type { AuditFilter } from '../repositories/audit.repository.ts';
import type { ServiceContext } from './context.ts';

/** Reading the audit log (writes happen inside each service's own transaction). */
export class AuditService {
  constructor(private readonly ctx: ServiceContext) {}

  /** Newest first; the cursor is the last id seen. */
  async list(f: Omit<AuditFilter, 'limit' | 'beforeId'> & { limit: number; cursor?: string }) {
    const rows = await this.ctx.repos.audit.search({ ...f, beforeId: f.cursor, limit: f.limit + 1 });
    const page = rows.slice(0, f.limit);
    return { data: page, nextCursor: rows.length > f.limit ? String(page.at(-1)!.id) : null };
  }
}
