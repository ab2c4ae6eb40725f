import type { Contact } from '../db/schema.ts';
import { type CursorPosition, decodeCursor, encodeCursor, invalidCursor, type Page } from '../lib/cursor.ts';
import { ConflictError, NotFoundError, ValidationError } from '../lib/errors.ts';
import type { Actor } from '../repositories/audit.repository.ts';
import type { ContactFields, ContactFilter, ContactSort } from '../repositories/contacts.repository.ts';
import type { Repos } from '../repositories/index.ts';
import { normalizeContactFields, type RawContactFields } from './contact-fields.ts';
import { inTransaction, type ServiceContext } from './context.ts';

/** What a client may write on a contact. */
export interface ContactInput extends RawContactFields {
  attributes?: Record<string, unknown>;
  subscribed?: boolean;
  blocked?: boolean;
  source?: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type BulkAction = 'addTags' | 'removeTags' | 'subscribe' | 'unsubscribe' | 'delete';

/** The one customer record shared by inbox, broadcasts and notifications. */
export class ContactsService {
  constructor(private readonly ctx: ServiceContext) {}

  async list(opts: {
    filter: ContactFilter;
    sort: ContactSort;
    order: 'asc' | 'desc';
    limit: number;
    cursor?: string;
    withTotal: boolean;
  }): Promise<Page<Contact>> {
    // A cursor only makes sense in the ordering it was taken in.
    const k = `${opts.sort}:${opts.order}`;
    const after: CursorPosition | undefined = opts.cursor
      ? decodeCursor(opts.cursor, (p) => p.k === k && typeof p.v === 'string' && UUID.test(p.id))
      : undefined;
    // One extra row tells whether another page exists without counting.
    const rows = await this.ctx.repos.contacts
      .search({ ...opts, limit: opts.limit + 1, after })
      .catch((err: { code?: string }) => {
        // The cursor's value is the only client text the query casts: a data exception there means it was forged.
        if (after && /^22/.test(err.code ?? '')) throw invalidCursor();
        throw err;
      });
    const more = rows.length > opts.limit;
    const page = rows.slice(0, opts.limit);
    const last = page.at(-1);
    const nextCursor = more && last ? encodeCursor({ v: last.sortValue, id: last.id, k }) : null;
    const data = page.map(({ sortValue: _s, ...c }) => c as Contact);
    return {
      data,
      nextCursor,
      ...(opts.withTotal ? { total: await this.ctx.repos.contacts.count(opts.filter) } : {}),
    };
  }

  async get(id: string) {
    const contact = await this.ctx.repos.contacts.get(id);
    if (!contact) throw new NotFoundError('Contact', id);
    return { ...contact, channels: await this.ctx.repos.contacts.identities(id) };
  }

  async create(actor: Actor, input: ContactInput): Promise<Contact> {
    const fields = validate(input);
    return inTransaction(this.ctx, async (r) => {
      await assertExternalIdFree(r, fields.externalId);
      const contact = await r.contacts.create(fields);
      await r.audit.record(actor, { action: 'contact.created', entityType: 'contact', entityId: contact.id });
      await r.realtime.publish('contacts', 'contact.created', { contact: contact as never });
      return contact;
    }).catch(rethrowExternalIdConflict);
  }

  async update(actor: Actor, id: string, input: ContactInput): Promise<Contact> {
    const fields = validate(input);
    return inTransaction(this.ctx, async (r) => {
      const before = await r.contacts.get(id, true);
      if (!before) throw new NotFoundError('Contact', id);
      if (fields.externalId && fields.externalId !== before.externalId)
        await assertExternalIdFree(r, fields.externalId);
      const after = (await r.contacts.update(id, fields))!;
      await r.audit.record(actor, {
        action: 'contact.updated',
        entityType: 'contact',
        entityId: id,
        after: Object.keys(input),
      });
      await r.realtime.publish('contacts', 'contact.updated', { contact: after as never });
      return after;
    }).catch(rethrowExternalIdConflict);
  }

  async delete(actor: Actor, id: string): Promise<void> {
    await inTransaction(this.ctx, async (r) => {
      if (!(await r.contacts.delete(id))) throw new NotFoundError('Contact', id);
      await r.audit.record(actor, { action: 'contact.deleted', entityType: 'contact', entityId: id });
      await r.realtime.publish('contacts', 'contact.deleted', { id });
    });
  }

  /** One action on a list of ids or on everyone matching a filter, in one transaction. */
  async bulk(actor: Actor, action: BulkAction, target: ContactFilter, tags: string[] = []): Promise<number> {
    // Checked after normalising: blank tags would otherwise turn the action into a silent no-op.
    const normalized = normalizeContactFields({ tags }).value.tags ?? [];
    if ((action === 'addTags' || action === 'removeTags') && normalized.length === 0) {
      throw new ValidationError('Tags are required for this action', [
        { path: '/tags', message: 'give at least one tag' },
      ]);
    }
    return inTransaction(this.ctx, async (r) => {
      const ids =
        action === 'delete'
          ? await r.contacts.bulkDelete(target)
          : await r.contacts.bulkUpdate(target, action, normalized);
      await r.audit.record(actor, {
        action: `contact.bulk_${action}`,
        entityType: 'contact',
        after: { count: ids.length, filter: target, tags: normalized.length ? normalized : undefined },
      });
      // One event per contact would flood sockets on a 1M-row action; small batches get them, large ones one refetch hint.
      if (ids.length <= 100) {
        for (const id of ids) {
          if (action === 'delete') await r.realtime.publish('contacts', 'contact.deleted', { id });
          else await r.realtime.publish('contacts', 'contact.updated', { contact: { id } });
        }
      } else {
        await r.realtime.publish('contacts', 'contact.updated', { contact: { id: null, bulk: ids.length } });
      }
      return ids.length;
    });
  }

  /**
   * Merges `sourceId` into `targetId`: the target keeps its values, gains what it lacks, the union of tags,
   * the source's attributes under its own, and every channel identity; the source is deleted.
   */
  async merge(actor: Actor, targetId: string, sourceId: string): Promise<Contact> {
    if (targetId === sourceId)
      throw new ValidationError('Cannot merge a contact into itself', [
        { path: '/sourceId', message: 'same as the target' },
      ]);
    return inTransaction(this.ctx, async (r) => {
      // Lock in id order so two opposite merges cannot deadlock.
      const [a, b] = [targetId, sourceId].sort();
      const locked = [await r.contacts.get(a!, true), await r.contacts.get(b!, true)];
      const target = locked.find((c) => c?.id === targetId);
      const source = locked.find((c) => c?.id === sourceId);
      if (!target) throw new NotFoundError('Contact', targetId);
      if (!source) throw new NotFoundError('Contact', sourceId);
      const fill = <K extends keyof Contact>(k: K) => (target[k] ?? source[k]) as Contact[K];
      const externalId = fill('externalId');
      await r.contacts.moveIdentitiesAndDelete(source.id, target.id);
      const merged = (await r.contacts.update(target.id, {
        externalId,
        name: fill('name'),
        firstName: fill('firstName'),
        lastName: fill('lastName'),
        username: fill('username'),
        phone: fill('phone'),
        email: fill('email'),
        language: fill('language'),
        timezone: fill('timezone'),
        birthday: fill('birthday'),
        source: fill('source'),
        lastActivityAt: fill('lastActivityAt'),
        tags: [...new Set([...target.tags, ...source.tags])].sort(),
        attributes: { ...source.attributes, ...target.attributes },
        subscribed: target.subscribed && source.subscribed,
        blocked: target.blocked || source.blocked,
      }))!;
      await r.audit.record(actor, {
        action: 'contact.merged',
        entityType: 'contact',
        entityId: target.id,
        before: { sourceId },
      });
      await r.realtime.publish('contacts', 'contact.deleted', { id: source.id });
      await r.realtime.publish('contacts', 'contact.updated', { contact: merged as never });
      return merged;
    });
  }
}

/** Validates and maps client input; every field problem is reported at once. */
function validate(input: ContactInput): ContactFields {
  const { value, problems } = normalizeContactFields(input);
  if (problems.length) throw new ValidationError('Invalid contact', problems);
  return value as ContactFields;
}

const externalIdTaken = () =>
  new ConflictError('Another contact has this externalId', [
    { path: '/externalId', message: 'already taken' },
  ]);

async function assertExternalIdFree(r: Repos, externalId: string | null | undefined) {
  if (externalId && (await r.contacts.getByExternalId(externalId))) throw externalIdTaken();
}

/** Two concurrent writes can both pass the pre-check; the unique index decides, and the answer must still name the field. */
function rethrowExternalIdConflict(err: unknown): never {
  const pg = err as { code?: string; constraint?: string };
  if (pg.code === '23505' && pg.constraint === 'contacts_external_id_key') throw externalIdTaken();
  throw err;
}
