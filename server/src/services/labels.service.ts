import { ConflictError, NotFoundError } from '../lib/errors.ts';
import type { Actor } from '../repositories/audit.repository.ts';
import type { Label } from '../repositories/labels.repository.ts';
import { inTransaction, type ServiceContext } from './context.ts';

export interface LabelInput {
  name: string;
  color?: string;
  description?: string | null;
}

const taken = (name: string) =>
  new ConflictError(`A label named "${name}" already exists`, [{ path: '/name', message: 'already taken' }]);

/**
 * Conversation labels. Conversations hold label names (conversations.labels), so a rename is carried onto every
 * conversation and a deletion removes the name from them; PATCH /conversations/:id accepts only existing labels.
 */
export class LabelsService {
  constructor(private readonly ctx: ServiceContext) {}

  list(): Promise<Label[]> {
    return this.ctx.repos.labels.list();
  }

  async create(actor: Actor, input: LabelInput): Promise<Label> {
    return inTransaction(this.ctx, async (r) => {
      const label = await r.labels.create({ ...input, name: input.name.trim() });
      if (!label) throw taken(input.name);
      await r.audit.record(actor, {
        action: 'label.created',
        entityType: 'label',
        entityId: label.id,
        after: label,
      });
      return label;
    });
  }

  async update(actor: Actor, id: string, patch: Partial<LabelInput>): Promise<Label> {
    return inTransaction(this.ctx, async (r) => {
      const before = await r.labels.get(id);
      if (!before) throw new NotFoundError('Label', id);
      const name = patch.name?.trim();
      const label = await r.labels
        .update(id, { ...patch, ...(name !== undefined ? { name } : {}) })
        .catch((err: { code?: string }) => {
          if (err.code === '23505') throw taken(name ?? '');
          throw err;
        });
      if (!label) throw new NotFoundError('Label', id);
      if (name !== undefined && name !== before.name) await r.labels.renameOnConversations(before.name, name);
      await r.audit.record(actor, {
        action: 'label.updated',
        entityType: 'label',
        entityId: id,
        before,
        after: label,
      });
      return label;
    });
  }

  async delete(actor: Actor, id: string): Promise<void> {
    await inTransaction(this.ctx, async (r) => {
      const label = await r.labels.delete(id);
      if (!label) throw new NotFoundError('Label', id);
      await r.labels.removeFromConversations(label.name);
      await r.audit.record(actor, {
        action: 'label.deleted',
        entityType: 'label',
        entityId: id,
        before: label,
      });
    });
  }
}
