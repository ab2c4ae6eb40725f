import type { Role } from '../db/schema.ts';
import { ForbiddenError, NotFoundError } from '../lib/errors.ts';
import { hashToken, newToken } from '../lib/tokens.ts';
import type { Actor } from '../repositories/audit.repository.ts';
import { API_KEY_PREFIX, type Principal } from './auth.service.ts';
import { inTransaction, type ServiceContext } from './context.ts';

/** Server-to-server keys: shown once, stored hashed, revocable. */
export class ApiKeysService {
  constructor(private readonly ctx: ServiceContext) {}

  async create(
    by: Principal,
    actor: Actor,
    input: { name: string; role: Role; rateLimitPerMinute?: number },
  ) {
    // A key never holds more power than the person who made it.
    if (input.role === 'owner' && by.role !== 'owner')
      throw new ForbiddenError('Only an owner can create an owner key');
    const key = newToken(API_KEY_PREFIX);
    const row = await inTransaction(this.ctx, async (r) => {
      const created = await r.credentials.createApiKey({
        name: input.name,
        role: input.role,
        keyHash: hashToken(key),
        prefix: key.slice(0, 12),
        rateLimitPerMinute: input.rateLimitPerMinute ?? null,
        createdBy: by.kind === 'user' ? by.id : null,
      });
      await r.audit.record(actor, {
        action: 'api_key.created',
        entityType: 'api_key',
        entityId: created.id,
        after: { name: input.name, role: input.role, rateLimitPerMinute: input.rateLimitPerMinute ?? null },
      });
      return created;
    });
    return { ...row, key };
  }

  list(opts: { limit: number; after?: string; includeRevoked: boolean }) {
    return this.ctx.repos.credentials.listApiKeys(opts);
  }

  async revoke(by: Principal, actor: Actor, id: string): Promise<void> {
    await inTransaction(this.ctx, async (r) => {
      const existing = await r.credentials.getApiKey(id);
      if (!existing || existing.revokedAt) throw new NotFoundError('API key', id);
      if (existing.role === 'owner' && by.role !== 'owner')
        throw new ForbiddenError('Only an owner can revoke an owner key');
      await r.credentials.revokeApiKey(id);
      await r.audit.record(actor, {
        action: 'api_key.revoked',
        entityType: 'api_key',
        entityId: id,
        before: { name: existing.name, role: existing.role },
      });
    });
  }
}
