import { decodeCursor, encodeCursor, invalidCursor, type Page } from '../lib/cursor.ts';
import { DomainError, type FieldProblem, NotFoundError } from '../lib/errors.ts';
import type { EventRow, NewEvent } from '../repositories/events.repository.ts';
import { queueEventMatch } from './automations/triggers.ts';
import { isEmail } from './contact-fields.ts';
import { inTransaction, type ServiceContext } from './context.ts';
import { EVENT_NAME } from './segments/filter.ts';

/** How an event names its contact: exactly one of these. */
export type ContactRef = { id: string } | { externalId: string } | { telegramId: string } | { email: string };

export interface EventInput {
  contact: ContactRef;
  name: string;
  properties?: Record<string, unknown>;
  occurredAt?: string;
  idempotencyKey?: string;
}

/** The outcome for one event of a call. */
export type EventResult =
  | { status: 'created' | 'duplicate'; event: EventRow; contactCreated: boolean }
  | { status: 'failed'; error: { code: string; message: string; details: FieldProblem[] } };

export const MAX_BATCH = 1000;
const MAX_PROPERTIES_BYTES = 16 * 1024;
// Senders' clocks drift; an event further in the future than this is a bug on their side, not a time to keep.
const FUTURE_SLACK_MS = 5 * 60 * 1000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CREATE_SETTING = 'events_create_unknown_contacts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

interface Parsed {
  ref: { kind: 'id' | 'externalId' | 'telegramId' | 'email'; value: string };
  name: string;
  properties: Record<string, unknown> | null;
  occurredAt: Date;
  idempotencyKey: string | null;
}

/**
 * Contact events: what customers do in the business's own systems. Events are data, not edits, so they are not
 * audited one by one. A batch is not one transaction: every event is checked and resolved on its own, valid ones
 * are stored and each gets its own result (like Segment's and Customer.io's batch APIs); a retried batch with
 * idempotency keys stores nothing twice.
 */
export class EventsService {
  constructor(private readonly ctx: ServiceContext) {}

  /** One event: 404 for an unknown contact, 409 when the reference matches several contacts, 400 on bad input. */
  async recordOne(raw: unknown): Promise<Extract<EventResult, { status: 'created' | 'duplicate' }>> {
    const [result] = await this.record([raw]);
    if (result!.status !== 'failed') return result!;
    const { code, message, details } = result!.error;
    // The same code as a batch item's error, so one client handles both forms alike.
    throw new DomainError(code, message, details);
  }

  /** Many events; results in input order. */
  async record(raws: unknown[]): Promise<EventResult[]> {
    const now = this.ctx.clock.now();
    const results: Array<EventResult | undefined> = new Array(raws.length);
    const parsed = raws.map((raw, i) => {
      const { value, problems } = parseEvent(raw, now);
      if (problems.length) results[i] = failed('validation_failed', 'Invalid event', problems);
      return value;
    });

    const contactIds = await this.resolveContacts(parsed, results);
    const todo = parsed
      .map((p, i) => ({ p, i, contactId: contactIds[i] }))
      .filter((x): x is { p: Parsed; i: number; contactId: { id: string; created: boolean } } =>
        Boolean(x.p && x.contactId && !results[x.i]),
      );
    if (todo.length === 0) return results as EventResult[];

    const repo = this.ctx.repos.events;
    const nameIds = await repo.nameIds(todo.map((t) => t.p.name));
    // Keyed rows sorted by key: concurrent batches then wait on the unique index in one order and never deadlock.
    const keyed = todo.filter((t) => t.p.idempotencyKey !== null);
    keyed.sort((a, b) =>
      a.p.idempotencyKey! < b.p.idempotencyKey! ? -1 : a.p.idempotencyKey! > b.p.idempotencyKey! ? 1 : 0,
    );
    const unkeyed = todo.filter((t) => t.p.idempotencyKey === null);
    const ordered = [...unkeyed, ...keyed];
    const toRow = (t: (typeof todo)[number]): NewEvent => ({
      contactId: t.contactId.id,
      nameId: nameIds.get(t.p.name)!,
      occurredAt: t.p.occurredAt,
      properties: t.p.properties,
      idempotencyKey: t.p.idempotencyKey,
    });
    // Events and the automations' matching job commit together (services/automations/triggers.ts).
    const inserted = await inTransaction(this.ctx, async (r) => {
      const rows = await r.events.insertMany(ordered.map(toRow));
      await queueEventMatch(
        r,
        todo.map((t) => t.p.name),
        rows.map((row) => String(row.id)),
      );
      return rows;
    });

    const newByKey = new Map<string, (typeof inserted)[number]>();
    const newUnkeyed = inserted.filter((r) => r.idempotencyKey === null);
    for (const r of inserted) if (r.idempotencyKey !== null) newByKey.set(r.idempotencyKey, r);
    const firstWithKey = new Map<string, number>();
    const latest = new Map<string, Date>();
    const created: Array<{ t: (typeof todo)[number]; id: string; createdAt: Date }> = [];
    for (const [k, t] of unkeyed.entries())
      created.push({ t, id: String(newUnkeyed[k]!.id), createdAt: newUnkeyed[k]!.createdAt });
    const duplicates: Array<(typeof todo)[number]> = [];
    for (const t of keyed) {
      const key = t.p.idempotencyKey!;
      const row = newByKey.get(key);
      // The same key twice in one batch: the first (in input order, the sort is stable) is stored.
      if (row && !firstWithKey.has(key)) {
        firstWithKey.set(key, t.i);
        created.push({ t, id: String(row.id), createdAt: row.createdAt });
      } else duplicates.push(t);
    }
    for (const { t, id, createdAt } of created) {
      results[t.i] = {
        status: 'created',
        contactCreated: t.contactId.created,
        event: {
          id: String(id),
          contactId: t.contactId.id,
          name: t.p.name,
          occurredAt: t.p.occurredAt,
          properties: t.p.properties && Object.keys(t.p.properties).length ? t.p.properties : null,
          idempotencyKey: t.p.idempotencyKey,
          createdAt,
        },
      };
      const prev = latest.get(t.contactId.id);
      if (!prev || prev < t.p.occurredAt) latest.set(t.contactId.id, t.p.occurredAt);
    }
    if (duplicates.length) {
      const stored = new Map(
        (await repo.byIdempotencyKeys(duplicates.map((t) => t.p.idempotencyKey!))).map((e) => [
          e.idempotencyKey!,
          e,
        ]),
      );
      for (const t of duplicates) {
        const event = stored.get(t.p.idempotencyKey!);
        // Only possible if the first event's contact was deleted between the insert and this read.
        results[t.i] = event
          ? { status: 'duplicate', event, contactCreated: t.contactId.created }
          : failed('conflict', 'An event with this idempotency key was stored and then deleted', [
              { path: '/idempotencyKey', message: 'already used' },
            ]);
      }
    }
    // An event is activity: the contact's last_activity_at moves to its newest event (never backwards).
    await repo.touchActivity(latest);
    return results as EventResult[];
  }

  /** The contact's events, newest first. */
  async timeline(
    contactId: string,
    opts: { limit: number; cursor?: string; name?: string },
  ): Promise<Page<EventRow>> {
    if (!(await this.ctx.repos.contacts.get(contactId))) throw new NotFoundError('Contact', contactId);
    const after = opts.cursor
      ? decodeCursor(opts.cursor, (p) => p.k === 'events' && typeof p.v === 'string' && /^\d+$/.test(p.id))
      : undefined;
    const rows = await this.ctx.repos.events
      .timeline(contactId, {
        limit: opts.limit + 1,
        name: opts.name,
        after: after ? { occurredAt: after.v as string, id: after.id } : undefined,
      })
      .catch((err: { code?: string }) => {
        if (after && /^22/.test(err.code ?? '')) throw invalidCursor();
        throw err;
      });
    const page = rows.slice(0, opts.limit);
    const last = page.at(-1);
    return {
      data: page,
      nextCursor:
        rows.length > opts.limit && last
          ? encodeCursor({ v: new Date(last.occurredAt).toISOString(), id: last.id, k: 'events' })
          : null,
    };
  }

  /** Contact id per parsed event (or a failed result): by id, externalId (creating it when allowed), telegramId, email. */
  private async resolveContacts(
    parsed: Array<Parsed | undefined>,
    results: Array<EventResult | undefined>,
  ): Promise<Array<{ id: string; created: boolean } | undefined>> {
    const repo = this.ctx.repos.events;
    const of = (kind: Parsed['ref']['kind']) =>
      parsed.flatMap((p, i) => (p && !results[i] && p.ref.kind === kind ? [p.ref.value] : []));
    const ids = await repo.existingIds(of('id'));
    let byExternal = await repo.byExternalIds(of('externalId'));
    const missing = of('externalId').filter((x) => !byExternal.has(x));
    let createdSet = new Set<string>();
    if (missing.length > 0 && (await this.createUnknownAllowed())) {
      createdSet = await repo.createByExternalIds(missing);
      byExternal = await repo.byExternalIds(of('externalId'));
    }
    const byEmail = await repo.byEmails(of('email'));
    const byTelegram = await repo.byTelegramIds(of('telegramId'));

    return parsed.map((p, i) => {
      if (!p || results[i]) return undefined;
      const { kind, value } = p.ref;
      const path = `/contact/${kind}`;
      let found: string[] = [];
      if (kind === 'id') found = ids.has(value) ? [value] : [];
      else if (kind === 'externalId') found = byExternal.has(value) ? [byExternal.get(value)!] : [];
      else if (kind === 'email') found = byEmail.get(value) ?? [];
      else found = byTelegram.get(value) ?? [];
      if (found.length === 1)
        return { id: found[0]!, created: kind === 'externalId' && createdSet.has(value) };
      results[i] =
        found.length === 0
          ? failed('not_found', `No contact with this ${kind}`, [
              {
                path,
                message:
                  kind === 'externalId' ? `unknown contact (${CREATE_SETTING} is off)` : 'unknown contact',
              },
            ])
          : failed(
              'conflict',
              `${found.length} contacts have this ${kind}; name the contact by id or externalId`,
              [{ path, message: 'matches several contacts' }],
            );
      return undefined;
    });
  }

  private async createUnknownAllowed(): Promise<boolean> {
    const v = await this.ctx.repos.settings.get(CREATE_SETTING);
    return v === undefined ? true : v === true;
  }
}

function failed(code: string, message: string, details: FieldProblem[]): EventResult {
  return { status: 'failed', error: { code, message, details } };
}

/** Checks one event as sent; problems are relative to the event (`/name`, `/contact/email`). */
export function parseEvent(raw: unknown, now: Date): { value?: Parsed; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  if (!isObj(raw)) return { problems: [{ path: '', message: 'must be an object' }] };
  for (const k of Object.keys(raw))
    if (!['contact', 'name', 'properties', 'occurredAt', 'idempotencyKey'].includes(k))
      problems.push({ path: `/${k}`, message: 'unknown field' });

  let ref: Parsed['ref'] | undefined;
  const c = raw.contact;
  if (!isObj(c))
    problems.push({ path: '/contact', message: 'is required: {id | externalId | telegramId | email}' });
  else {
    const given = Object.keys(c);
    const known = given.filter((k) => ['id', 'externalId', 'telegramId', 'email'].includes(k));
    for (const k of given.filter((k) => !known.includes(k)))
      problems.push({ path: `/contact/${k}`, message: 'unknown field' });
    if (known.length !== 1)
      problems.push({ path: '/contact', message: 'give exactly one of id, externalId, telegramId, email' });
    else {
      const kind = known[0] as Parsed['ref']['kind'];
      const v = c[kind];
      const path = `/contact/${kind}`;
      if (kind === 'id') {
        if (typeof v === 'string' && UUID.test(v)) ref = { kind, value: v.toLowerCase() };
        else problems.push({ path, message: 'must be a contact id (uuid)' });
      } else if (kind === 'externalId') {
        const s = typeof v === 'string' ? v.trim() : '';
        if (s.length >= 1 && s.length <= 200) ref = { kind, value: s };
        else problems.push({ path, message: 'must be a string of 1 to 200 characters' });
      } else if (kind === 'telegramId') {
        const s =
          typeof v === 'number' && Number.isSafeInteger(v)
            ? String(v)
            : typeof v === 'string'
              ? v.trim()
              : '';
        if (/^-?\d{1,20}$/.test(s)) ref = { kind, value: s };
        else problems.push({ path, message: 'must be a Telegram user id (digits)' });
      } else {
        const s = typeof v === 'string' ? v.trim().toLowerCase() : '';
        if (isEmail(s)) ref = { kind, value: s };
        else problems.push({ path, message: 'must be an email address' });
      }
    }
  }

  if (!(typeof raw.name === 'string' && EVENT_NAME.test(raw.name)))
    problems.push({
      path: '/name',
      message: 'must be 1 to 100 letters, digits, "_", ".", ":" or "-" (e.g. purchase)',
    });

  let properties: Record<string, unknown> | null = null;
  if (raw.properties !== undefined && raw.properties !== null) {
    if (!isObj(raw.properties)) problems.push({ path: '/properties', message: 'must be an object' });
    else if (Buffer.byteLength(JSON.stringify(raw.properties)) > MAX_PROPERTIES_BYTES)
      problems.push({
        path: '/properties',
        message: `must be at most ${MAX_PROPERTIES_BYTES / 1024} KB as JSON`,
      });
    else properties = raw.properties;
  }

  let occurredAt = now;
  if (raw.occurredAt !== undefined) {
    const t = typeof raw.occurredAt === 'string' ? Date.parse(raw.occurredAt) : Number.NaN;
    if (typeof raw.occurredAt !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(raw.occurredAt) || Number.isNaN(t))
      problems.push({ path: '/occurredAt', message: 'must be an ISO 8601 date-time (2026-01-31T10:00:00Z)' });
    else if (t > now.getTime() + FUTURE_SLACK_MS)
      problems.push({ path: '/occurredAt', message: 'is in the future' });
    else if (t < Date.UTC(2000, 0, 1)) problems.push({ path: '/occurredAt', message: 'is before 2000' });
    else occurredAt = new Date(t);
  }

  let idempotencyKey: string | null = null;
  if (raw.idempotencyKey !== undefined && raw.idempotencyKey !== null) {
    if (
      typeof raw.idempotencyKey === 'string' &&
      raw.idempotencyKey.length >= 1 &&
      raw.idempotencyKey.length <= 200
    )
      idempotencyKey = raw.idempotencyKey;
    else problems.push({ path: '/idempotencyKey', message: 'must be a string of 1 to 200 characters' });
  }

  if (problems.length || !ref) return { problems };
  return { value: { ref, name: raw.name as string, properties, occurredAt, idempotencyKey }, problems };
}
