import type { Contact, Segment } from '../db/schema.ts';
import { ConflictError, type FieldProblem, NotFoundError, ValidationError } from '../lib/errors.ts';
import type { Actor } from '../repositories/audit.repository.ts';
import { inTransaction, type ServiceContext } from './context.ts';
import { type FilterGroup, parseFilter } from './segments/filter.ts';

export interface SegmentInput {
  name?: string;
  description?: string | null;
  filter?: unknown;
}

export const SAMPLE_SIZE = 20;
/** Past this, a preview answers the planner's estimate (countExact: false) instead of waiting for the exact count. */
export const PREVIEW_COUNT_BUDGET_MS = 2000;

/** Saved segments (filters over contacts). Built-in ones ship with the product and cannot be changed or deleted. */
export class SegmentsService {
  constructor(private readonly ctx: ServiceContext) {}

  list(): Promise<Segment[]> {
    return this.ctx.repos.segments.list();
  }

  async get(id: string): Promise<Segment> {
    const s = await this.ctx.repos.segments.get(id);
    if (!s) throw new NotFoundError('Segment', id);
    return s;
  }

  async create(actor: Actor, input: SegmentInput): Promise<Segment> {
    const fields = validate(input, true);
    return inTransaction(this.ctx, async (r) => {
      const s = await r.segments.create(
        fields as Required<Pick<typeof fields, 'name' | 'filter'>>,
        actor.type === 'user' ? actor.id : null,
      );
      await r.audit.record(actor, {
        action: 'segment.created',
        entityType: 'segment',
        entityId: s.id,
        after: input,
      });
      return s;
    });
  }

  async update(actor: Actor, id: string, input: SegmentInput): Promise<Segment> {
    const fields = validate(input, false);
    return inTransaction(this.ctx, async (r) => {
      const before = await r.segments.get(id, true);
      if (!before) throw new NotFoundError('Segment', id);
      if (before.builtIn) throw builtInError('changed');
      const after = (await r.segments.update(id, fields))!;
      await r.audit.record(actor, {
        action: 'segment.updated',
        entityType: 'segment',
        entityId: id,
        before: { name: before.name, description: before.description, filter: before.filter },
        after: input,
      });
      return after;
    });
  }

  async delete(actor: Actor, id: string): Promise<void> {
    await inTransaction(this.ctx, async (r) => {
      const before = await r.segments.get(id, true);
      if (!before) throw new NotFoundError('Segment', id);
      if (before.builtIn) throw builtInError('deleted');
      await r.segments.delete(id);
      await r.audit.record(actor, {
        action: 'segment.deleted',
        entityType: 'segment',
        entityId: id,
        before: { name: before.name, filter: before.filter },
      });
    });
  }

  /** Contacts in a saved segment now. */
  async count(id: string): Promise<number> {
    const segment = await this.get(id);
    return this.ctx.repos.segments.count(storedFilter(segment));
  }

  /**
   * The count and the newest 20 contacts for a filter being edited. Both run at once on two connections;
   * the filter is validated first, so a bad node is a 400 naming it and never reaches the database.
   */
  async preview(
    rawFilter: unknown,
    budgetMs = PREVIEW_COUNT_BUDGET_MS,
  ): Promise<{ count: number; countExact: boolean; sample: Contact[] }> {
    const filter = parse(rawFilter);
    const [counted, sample] = await Promise.all([
      this.ctx.repos.segments.countWithin(filter, budgetMs),
      this.ctx.repos.segments.sample(filter, SAMPLE_SIZE),
    ]);
    return { count: counted.count, countExact: counted.exact, sample };
  }

  /** The parsed filter of a saved segment, for other services (broadcast snapshots) to hand to segmentWhere. */
  async filterOf(id: string): Promise<FilterGroup> {
    return storedFilter(await this.get(id));
  }
}

function parse(raw: unknown): FilterGroup {
  const { filter, problems } = parseFilter(raw, 'filter');
  if (!filter) throw new ValidationError('Invalid filter', problems);
  return filter;
}

/** Stored filters were validated on save, but the grammar may have changed since: re-parse rather than trust. */
function storedFilter(segment: Segment): FilterGroup {
  const { filter, problems } = parseFilter(segment.filter, 'filter');
  if (!filter)
    throw new ConflictError(`Segment ${segment.id} has a filter this version cannot read; edit it`, problems);
  return filter;
}

function validate(input: SegmentInput, creating: boolean) {
  const problems: FieldProblem[] = [];
  const out: { name?: string; description?: string | null; filter?: FilterGroup } = {};
  if (input.name !== undefined || creating) {
    const name = typeof input.name === 'string' ? input.name.trim() : '';
    if (name.length < 1 || name.length > 200)
      problems.push({ path: '/name', message: 'must be 1 to 200 characters' });
    else out.name = name;
  }
  if (input.description !== undefined) {
    const d = input.description === null ? null : input.description.trim();
    out.description = d === '' ? null : d;
  }
  if (input.filter !== undefined || creating) {
    const { filter, problems: fp } = parseFilter(input.filter, 'filter');
    problems.push(...fp);
    out.filter = filter;
  }
  if (problems.length) throw new ValidationError('Invalid segment', problems);
  return out;
}

const builtInError = (what: string) =>
  new ConflictError(`Built-in segments cannot be ${what}; duplicate it to make your own`, [
    { path: '/id', message: 'built-in segment' },
  ]);
