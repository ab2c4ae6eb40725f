import { sql } from 'kysely';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/support/test-db.ts';
import { createDatabase, type Db } from '../../db/database.ts';
import { EventsRepository } from '../../repositories/events.repository.ts';
import { SegmentsRepository } from '../../repositories/segments.repository.ts';
import { LIMITS, parseFilter } from './filter.ts';
import { type CompileOptions, segmentWhere } from './filter-compiler.ts';

/** Every node type compiled and run against real rows: four contacts whose differences each condition picks apart. */

let db: Db;
let pool: pg.Pool;
const id: Record<string, string> = {};
let ch1 = '';
let ch2 = '';
const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY);

beforeAll(async () => {
  ({ db, pool } = createDatabase(await createTestDatabase(), 4));
  const rows = [
    {
      name: 'a',
      language: 'ru',
      timezone: 'Europe/Moscow',
      tags: ['moscow', 'vip'],
      source: 'import',
      createdAt: ago(100),
      lastActivityAt: ago(2),
      birthday: '1990-03-15',
      attributes: JSON.stringify({ plan: 'pro', seats: 5, trial: true, score: '42' }),
    },
    {
      name: 'b',
      language: 'en',
      tags: ['new'],
      subscribed: false,
      source: 'api',
      createdAt: ago(10),
      birthday: '1985-12-01',
      attributes: JSON.stringify({
        plan: 'free',
        seats: 1,
        trial: false,
        score: 'n/a',
        renewedAt: ago(5).toISOString(),
      }),
    },
    {
      name: 'c',
      language: 'ru-RU',
      blocked: true,
      createdAt: ago(1),
      lastActivityAt: ago(40),
      attributes: JSON.stringify({ plan: 'Pro Max', nested: { x: 1 }, badDate: 'not a date', seats: null }),
    },
    { name: 'd', attributes: '{}' },
  ];
  for (const r of rows) {
    const { id: cid } = await db.insertInto('contacts').values(r).returning('id').executeTakeFirstOrThrow();
    id[r.name] = cid;
  }
  const channel = async (type: string) =>
    (await db.insertInto('channels').values({ type, name: type }).returning('id').executeTakeFirstOrThrow())
      .id;
  ch1 = await channel('telegram');
  ch2 = await channel('webchat');
  await db
    .insertInto('contactChannels')
    .values([
      { contactId: id.a!, channelId: ch1, externalId: '1' },
      { contactId: id.b!, channelId: ch1, externalId: '2', reachable: false },
      { contactId: id.c!, channelId: ch2, externalId: '3' },
    ])
    .execute();
  await db
    .insertInto('conversations')
    .values([
      { channelId: ch1, contactId: id.a!, chatExternalId: '1', chatKind: 'private', status: 'open' },
      { channelId: ch1, contactId: id.b!, chatExternalId: '2', chatKind: 'private', status: 'resolved' },
      { channelId: ch2, contactId: id.c!, chatExternalId: '3', chatKind: 'private', status: 'pending' },
    ])
    .execute();
  const names = await db
    .insertInto('eventNames')
    .values([{ name: 'purchase' }, { name: 'lesson_completed' }])
    .returning(['id', 'name'])
    .execute();
  const nameId = (n: string) => names.find((x) => x.name === n)!.id;
  const event = (contact: string, name: string, days: number, properties?: Record<string, unknown>) => ({
    contactId: id[contact]!,
    nameId: nameId(name),
    occurredAt: ago(days),
    properties: properties ?? null,
    idempotencyKey: null,
  });
  // Through the repository, which also keeps the per-contact summary (contact_event_stats) the compiler reads.
  await new EventsRepository(db).insertMany([
    event('a', 'purchase', 1, { plan: 'pro', amount: 10 }),
    event('a', 'purchase', 5),
    event('a', 'purchase', 9),
    event('a', 'purchase', 60),
    event('b', 'purchase', 45, { plan: 'free' }),
    event('c', 'lesson_completed', 0),
  ]);
});
afterAll(async () => {
  await db.destroy();
  await pool.end().catch(() => undefined);
});

/**
 * Names of the contacts a filter selects, sorted; compiled every way (OR groups row by row, merged into one semi-join
 * as counts use them, and as the preview sample uses them), which must agree.
 */
async function match(filter: unknown): Promise<string> {
  const { filter: parsed, problems } = parseFilter(filter);
  if (!parsed) throw new Error(`invalid filter: ${JSON.stringify(problems)}`);
  const names = async (options: CompileOptions) =>
    (
      await db
        .selectFrom('contacts')
        .select('name')
        .where(segmentWhere(parsed, options))
        .orderBy('name')
        .execute()
    )
      .map((r) => r.name)
      .join(',');
  const rowWise = await names({});
  expect(await names({ mergeOrSets: true })).toBe(rowWise);
  expect(await names({ stopsEarly: true })).toBe(rowWise);
  // The count takes its own shapes (count-query.ts: from the event set, or everyone minus those who did): same answer.
  expect(await new SegmentsRepository(db).count(parsed)).toBe(rowWise ? rowWise.split(',').length : 0);
  return rowWise;
}
const one = (condition: object) => match({ op: 'and', conditions: [condition] });
const field = (f: string, op: string, value?: unknown) =>
  one(value === undefined ? { type: 'field', field: f, op } : { type: 'field', field: f, op, value });
const attr = (key: string, valueType: string | undefined, op: string, value?: unknown) =>
  one({
    type: 'attribute',
    key,
    op,
    ...(valueType ? { valueType } : {}),
    ...(value === undefined ? {} : { value }),
  });

describe('contact field conditions', () => {
  it('compares language, including regional variants, and treats missing values as "not equal"', async () => {
    expect(await field('language', 'eq', 'ru')).toBe('a,c');
    expect(await field('language', 'eq', 'RU')).toBe('a,c');
    expect(await field('language', 'neq', 'ru')).toBe('b,d');
    expect(await field('language', 'in', ['en', 'de'])).toBe('b');
    expect(await field('language', 'not_in', ['ru'])).toBe('b,d');
    expect(await field('language', 'exists')).toBe('a,b,c');
    expect(await field('language', 'not_exists')).toBe('d');
  });

  it('matches a regional tag exactly and a bare tag by its primary subtag, alone or mixed in one list', async () => {
    expect(await field('language', 'eq', 'ru-RU')).toBe('c');
    expect(await field('language', 'eq', 'ru-UA')).toBe('');
    expect(await field('language', 'in', ['en', 'ru-RU'])).toBe('b,c');
    expect(await field('language', 'in', ['ru', 'ru-RU'])).toBe('a,c');
    expect(await field('language', 'not_in', ['en', 'ru-RU'])).toBe('a,d');
    expect(await field('language', 'neq', 'ru-RU')).toBe('a,b,d');
  });

  it('compares timezone and source', async () => {
    expect(await field('timezone', 'eq', 'Europe/Moscow')).toBe('a');
    expect(await field('source', 'eq', 'import')).toBe('a');
    expect(await field('source', 'neq', 'import')).toBe('b,c,d');
    expect(await field('source', 'in', ['import', 'api'])).toBe('a,b');
  });

  it('matches tags any/all/none, normalised like stored tags', async () => {
    expect(await field('tags', 'has_any', ['VIP', 'new'])).toBe('a,b');
    expect(await field('tags', 'has_all', ['vip', 'moscow'])).toBe('a');
    expect(await field('tags', 'has_all', ['vip', 'new'])).toBe('');
    expect(await field('tags', 'has_none', ['vip'])).toBe('b,c,d');
  });

  it('matches subscribed and blocked', async () => {
    expect(await field('subscribed', 'eq', false)).toBe('b');
    expect(await field('subscribed', 'eq', true)).toBe('a,c,d');
    expect(await field('blocked', 'eq', true)).toBe('c');
  });

  it('compares createdAt and lastActivityAt by date and by days ago', async () => {
    expect(await field('createdAt', 'within_last_days', 30)).toBe('b,c,d');
    expect(await field('createdAt', 'before', ago(50).toISOString())).toBe('a');
    expect(await field('createdAt', 'after', ago(50).toISOString().slice(0, 10))).toBe('b,c,d');
    expect(await field('lastActivityAt', 'within_last_days', 7)).toBe('a');
    expect(await field('lastActivityAt', 'not_within_last_days', 7)).toBe('b,c,d');
    expect(await field('lastActivityAt', 'exists')).toBe('a,c');
  });

  it('compares birthday month and day', async () => {
    expect(await field('birthdayMonth', 'eq', 3)).toBe('a');
    expect(await field('birthdayMonth', 'between', [3, 12])).toBe('a,b');
    expect(await field('birthdayMonth', 'neq', 3)).toBe('b,c,d');
    expect(await field('birthdayDay', 'gt', 10)).toBe('a');
    expect(await field('birthdayDay', 'lte', 1)).toBe('b');
    expect(await field('birthday', 'exists')).toBe('a,b');
  });
});

describe('custom attribute conditions', () => {
  it('compares strings exactly, by substring and prefix (case-insensitive), and in a list', async () => {
    expect(await attr('plan', 'string', 'eq', 'pro')).toBe('a');
    expect(await attr('plan', 'string', 'neq', 'pro')).toBe('b,c,d');
    expect(await attr('plan', 'string', 'contains', 'PRO')).toBe('a,c');
    expect(await attr('plan', 'string', 'not_contains', 'pro')).toBe('b,d');
    expect(await attr('plan', 'string', 'starts_with', 'pro m')).toBe('c');
    expect(await attr('plan', 'string', 'in', ['free', 'pro'])).toBe('a,b');
  });

  it('compares numbers stored as JSON numbers or numeric text, skipping anything else', async () => {
    expect(await attr('seats', 'number', 'gt', 2)).toBe('a');
    expect(await attr('seats', 'number', 'between', [1, 5])).toBe('a,b');
    expect(await attr('seats', 'number', 'neq', 5)).toBe('b,c,d');
    expect(await attr('score', 'number', 'gte', 40)).toBe('a');
    expect(await attr('score', 'number', 'lt', 1000)).toBe('a');
  });

  it('compiles a number comparison to the expression an index on that key is declared on (migration 0035)', async () => {
    const { filter } = parseFilter({
      op: 'and',
      conditions: [{ type: 'attribute', key: 'seats', valueType: 'number', op: 'gt', value: 2 }],
    });
    await sql`create index contacts_attr_seats_test_idx on contacts (sb_attr_number(attributes, 'seats'))`.execute(
      db,
    );
    try {
      const plan = await db.transaction().execute(async (tx) => {
        // Four rows: without this the planner would rightly scan the table; the question is whether it could use the index.
        await sql`set local enable_seqscan = off`.execute(tx);
        return tx.selectFrom('contacts').select('name').where(segmentWhere(filter!)).explain('json');
      });
      expect(JSON.stringify(plan)).toContain('contacts_attr_seats_test_idx');
    } finally {
      await sql`drop index contacts_attr_seats_test_idx`.execute(db);
    }
  });

  it('compares booleans and dates; an unreadable date is no match, not an error', async () => {
    expect(await attr('trial', 'boolean', 'eq', true)).toBe('a');
    expect(await attr('trial', 'boolean', 'eq', false)).toBe('b');
    expect(await attr('renewedAt', 'date', 'within_last_days', 7)).toBe('b');
    expect(await attr('renewedAt', 'date', 'before', ago(1).toISOString())).toBe('b');
    expect(await attr('renewedAt', 'date', 'after', ago(1).toISOString())).toBe('');
    expect(await attr('badDate', 'date', 'before', '2100-01-01')).toBe('');
    expect(await attr('plan', 'date', 'after', '2000-01-01')).toBe('');
  });

  it('tests presence; a JSON null counts as absent', async () => {
    expect(await attr('nested', undefined, 'exists')).toBe('c');
    expect(await attr('seats', undefined, 'exists')).toBe('a,b');
    expect(await attr('plan', undefined, 'not_exists')).toBe('d');
  });
});

describe('channel, conversation and event conditions', () => {
  it('finds contacts reachable on any channel, a given channel, or a channel type', async () => {
    expect(await one({ type: 'channel', op: 'reachable' })).toBe('a,c');
    expect(await one({ type: 'channel', op: 'reachable', channelId: ch1 })).toBe('a');
    expect(await one({ type: 'channel', op: 'not_reachable', channelId: ch1 })).toBe('b,c,d');
    expect(await one({ type: 'channel', op: 'reachable', channelType: 'telegram' })).toBe('a');
  });

  it('finds contacts by conversation state (default: open)', async () => {
    expect(await one({ type: 'conversation', op: 'exists' })).toBe('a');
    expect(await one({ type: 'conversation', op: 'exists', status: ['open', 'pending'] })).toBe('a,c');
    expect(await one({ type: 'conversation', op: 'not_exists' })).toBe('b,c,d');
    expect(await one({ type: 'conversation', op: 'exists', status: ['pending'], channelId: ch1 })).toBe('');
    expect(await one({ type: 'conversation', op: 'exists', status: ['resolved'], channelId: ch1 })).toBe('b');
  });

  it('counts events within a window, with property equality, and finds those who never did', async () => {
    const ev = (extra: object) => one({ type: 'event', name: 'purchase', ...extra });
    expect(await ev({ op: 'did' })).toBe('a,b');
    expect(await ev({ op: 'did', withinDays: 30 })).toBe('a');
    expect(await ev({ op: 'did', withinDays: 30, atLeast: 3 })).toBe('a');
    expect(await ev({ op: 'did', withinDays: 30, atLeast: 4 })).toBe('');
    expect(await ev({ op: 'did', atLeast: 4 })).toBe('a');
    expect(await ev({ op: 'did', atLeast: 2 })).toBe('a');
    expect(await ev({ op: 'did_not' })).toBe('c,d');
    expect(await ev({ op: 'did_not', withinDays: 30 })).toBe('b,c,d');
    expect(await ev({ op: 'did', properties: { plan: 'pro' } })).toBe('a');
    expect(await ev({ op: 'did', properties: { plan: 'free' }, withinDays: 30 })).toBe('');
    expect(await ev({ op: 'did', properties: { amount: 10 } })).toBe('a');
    expect(await one({ type: 'event', name: 'never_sent', op: 'did' })).toBe('');
    expect(await one({ type: 'event', name: 'never_sent', op: 'did_not' })).toBe('a,b,c,d');
  });

  it('counts an event condition beside others from the event set, and "never did" as everyone minus those who did', async () => {
    const ru = { type: 'field', field: 'language', op: 'eq', value: 'ru' };
    const purchase = (extra: object) => ({ type: 'event', name: 'purchase', ...extra });
    const and = (...conditions: object[]) => match({ op: 'and', conditions });
    expect(await and(purchase({ op: 'did' }), ru)).toBe('a');
    expect(await and(ru, purchase({ op: 'did', withinDays: 30, atLeast: 2 }))).toBe('a');
    expect(
      await and(purchase({ op: 'did', properties: { plan: 'free' } }), { op: 'or', conditions: [ru] }),
    ).toBe('');
    expect(await and(purchase({ op: 'did', atLeast: 2 }), purchase({ op: 'did_not', withinDays: 30 }))).toBe(
      '',
    );
    // "At least N in D days" (or with properties) beside others: the set is looked up by id, not joined.
    expect(await and(purchase({ op: 'did', withinDays: 10, atLeast: 3 }), ru)).toBe('a');
    expect(
      await and(purchase({ op: 'did', withinDays: 10, atLeast: 3 }), ru, { op: 'or', conditions: [] }),
    ).toBe('');
    expect(await and(purchase({ op: 'did', withinDays: 8, atLeast: 3 }), ru)).toBe('');
    expect(await and(purchase({ op: 'did', properties: { plan: 'pro' }, atLeast: 2 }), ru)).toBe('');
    expect(
      await and(purchase({ op: 'did', properties: { plan: 'free' }, atLeast: 1 }), {
        op: 'and',
        conditions: [],
      }),
    ).toBe('b');
    expect(await and(purchase({ op: 'did_not', withinDays: 2 }))).toBe('b,c,d');
    expect(await and(purchase({ op: 'did_not', properties: { plan: 'pro' } }))).toBe('b,c,d');
  });
});

describe('groups', () => {
  it('combines with and/or at any depth; an empty and is everyone, an empty or is no one', async () => {
    const en = { type: 'field', field: 'language', op: 'eq', value: 'en' };
    const blocked = { type: 'field', field: 'blocked', op: 'eq', value: true };
    const subscribed = { type: 'field', field: 'subscribed', op: 'eq', value: true };
    expect(await match({ op: 'or', conditions: [en, blocked] })).toBe('b,c');
    expect(
      await match({ op: 'and', conditions: [{ op: 'or', conditions: [en, blocked] }, subscribed] }),
    ).toBe('c');
    expect(await match({ op: 'and', conditions: [] })).toBe('a,b,c,d');
    expect(await match({ op: 'or', conditions: [] })).toBe('');
  });

  it('merges an or of event, conversation and channel conditions into one id set, beside the other alternatives', async () => {
    const conversation = (status: string[]) => ({ type: 'conversation', op: 'exists', status });
    const did = (name: string, extra: object = {}) => ({ type: 'event', name, op: 'did', ...extra });
    const or = (...conditions: object[]) => match({ op: 'or', conditions });
    expect(await or(conversation(['resolved']), did('lesson_completed'))).toBe('b,c');
    expect(await or(conversation(['pending']), did('purchase', { withinDays: 30 }))).toBe('a,c');
    expect(
      await or(
        { type: 'channel', op: 'reachable', channelType: 'telegram' },
        did('purchase', { atLeast: 2, withinDays: 50 }),
        { type: 'field', field: 'language', op: 'eq', value: 'en' },
      ),
    ).toBe('a,b');
    expect(
      await or({ type: 'channel', op: 'reachable', channelId: ch2 }, did('purchase', { withinDays: 2 })),
    ).toBe('a,c');
    // Negative alternatives are not id sets: they stay row conditions next to the merged semi-join.
    expect(
      await or(
        { type: 'event', name: 'purchase', op: 'did_not' },
        conversation(['open']),
        did('lesson_completed'),
      ),
    ).toBe('a,c,d');
    expect(
      await match({
        op: 'and',
        conditions: [
          { op: 'or', conditions: [conversation(['open', 'pending']), did('purchase', { withinDays: 50 })] },
          { type: 'field', field: 'language', op: 'eq', value: 'ru' },
        ],
      }),
    ).toBe('a,c');
    // A contact matching several alternatives is counted once.
    const { filter } = parseFilter({ op: 'or', conditions: [conversation(['open']), did('purchase')] });
    const n = await db
      .selectFrom('contacts')
      .select(sql<string>`count(*)`.as('n'))
      .where(segmentWhere(filter!, { mergeOrSets: true }))
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(2);
    const shape = (mergeOrSets: boolean) =>
      db.selectFrom('contacts').select('id').where(segmentWhere(filter!, { mergeOrSets })).compile().sql;
    expect(shape(true)).toContain('union all');
    expect(shape(false)).not.toContain('union all');
  });

  it('is usable inside a set-based insert … select, as the broadcast snapshot will use it', async () => {
    const { filter } = parseFilter({
      op: 'and',
      conditions: [{ type: 'event', name: 'purchase', op: 'did', withinDays: 30 }],
    });
    const n = await db.connection().execute(async (conn) => {
      await sql`create temporary table picked (contact_id uuid)`.execute(conn);
      const q = conn.selectFrom('contacts').select('contacts.id').where(segmentWhere(filter!));
      await sql`insert into picked (contact_id) ${q}`.execute(conn);
      const { rows } = await sql<{ n: number; a: number }>`select count(*)::int as n,
        count(*) filter (where contact_id = ${id.a}::uuid)::int as a from picked`.execute(conn);
      return rows[0]!;
    });
    expect(n).toEqual({ n: 1, a: 1 });
  });
});

describe('injection attempts', () => {
  it('treats SQL in values and attribute keys as plain data', async () => {
    const evil = "x'); drop table contacts; --";
    expect(await field('language', 'eq', "ru' or '1'='1")).toBe('');
    expect(await field('source', 'in', [evil])).toBe('');
    expect(await attr(evil, 'string', 'eq', 'pro')).toBe('');
    expect(await attr(evil, 'number', 'gt', 1)).toBe('');
    expect(await attr('plan', 'string', 'contains', "%' or 1=1 --")).toBe('');
    expect(await attr('plan', 'string', 'in', [evil, "' or ''='"])).toBe('');
    expect(await field('tags', 'has_any', [evil])).toBe('');
    expect(await one({ type: 'event', name: 'purchase', op: 'did', properties: { [evil]: evil } })).toBe('');
    const left = await db
      .selectFrom('contacts')
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow();
    expect(left.n).toBe(4);
  });

  it('refuses field names, operators, event names and channel types outside the whitelist', () => {
    const { problems } = parseFilter({
      op: 'and',
      conditions: [
        { type: 'field', field: 'language; drop table contacts', op: 'eq', value: 'ru' },
        { type: 'field', field: 'language', op: '= any', value: 'ru' },
        { type: 'event', name: "purchase' or 1=1", op: 'did' },
        { type: 'channel', op: 'reachable', channelType: "telegram' --" },
        { type: 'channel', op: 'reachable', channelId: 'not-a-uuid' },
        { type: 'field', field: 'search_text', op: 'eq', value: 'x' },
        { type: 'sql', text: 'true' },
      ],
    });
    expect(problems.map((p) => p.path)).toEqual([
      'filter.conditions[0].field',
      'filter.conditions[1].op',
      'filter.conditions[2].name',
      'filter.conditions[3].channelType',
      'filter.conditions[4].channelId',
      'filter.conditions[5].field',
      'filter.conditions[6].type',
    ]);
  });
});

describe('validation', () => {
  const paths = (f: unknown) => parseFilter(f).problems.map((p) => `${p.path}: ${p.message}`);

  it('names the node and the reason', () => {
    const problems = paths({
      op: 'and',
      conditions: [
        { type: 'field', field: 'language', op: 'eq', value: 'ru' },
        { op: 'or', conditions: [{ type: 'field', field: 'tags', op: 'has_any', value: [] }] },
        { type: 'attribute', key: 'seats', valueType: 'number', op: 'between', value: [5, 1] },
        { type: 'event', name: 'purchase', op: 'did_not', atLeast: 2 },
        { type: 'field', field: 'createdAt', op: 'before', value: 'yesterday' },
        { type: 'field', field: 'birthdayMonth', op: 'eq', value: 13 },
        { type: 'field', field: 'subscribed', op: 'eq', value: 'yes', extra: 1 },
        'and',
      ],
    });
    expect(problems).toEqual([
      'filter.conditions[1].conditions[0].value: must be an array of 1 to 500 strings',
      'filter.conditions[2].value: low must not be greater than high',
      'filter.conditions[3].atLeast: only with "did"',
      'filter.conditions[4].value: must be an ISO 8601 date or date-time (2026-01-31 or 2026-01-31T10:00:00Z)',
      'filter.conditions[5].value: must be a whole number from 1 to 12',
      'filter.conditions[6].extra: unknown field',
      'filter.conditions[6].value: must be true or false',
      'filter.conditions[7]: must be an object (a condition or a group)',
    ]);
  });

  it('requires a group at the root with a known op', () => {
    expect(paths([])).toEqual(['filter: must be a group: {"op": "and", "conditions": [...]}']);
    expect(paths({ op: 'xor', conditions: [] })).toEqual(['filter.op: must be "and" or "or"']);
    expect(paths({ op: 'and' })).toEqual(['filter.conditions: must be an array of conditions or groups']);
  });

  it('limits nesting depth and the number of nodes', () => {
    let deep: object = { type: 'field', field: 'blocked', op: 'eq', value: false };
    for (let i = 0; i < LIMITS.depth; i++) deep = { op: 'and', conditions: [deep] };
    expect(paths(deep)).toEqual([]);
    expect(paths({ op: 'and', conditions: [deep] })[0]).toMatch(/nest at most 5 levels/);
    const many = Array.from({ length: LIMITS.nodes + 1 }, () => ({
      type: 'field',
      field: 'blocked',
      op: 'eq',
      value: false,
    }));
    expect(paths({ op: 'or', conditions: many })).toEqual([
      'filter: a filter has at most 100 conditions and groups',
    ]);
    expect(paths({ op: 'or', conditions: many.slice(1) })).toEqual([]);
  });
});
