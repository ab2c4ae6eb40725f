import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFilter } from '../../src/services/segments/filter.ts';
import { segmentWhere } from '../../src/services/segments/filter-compiler.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { insertContacts } from './contacts.helpers.ts';

/**
 * contact_event_stats (count, first and last occurrence per contact and event name) must always equal what the raw
 * events say: segment conditions read it instead of the events. Each test compares it with an aggregate of the raw rows.
 */

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app.stop();
});

const db = () => app.services.ctx.db;
const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();

interface StatRow {
  contactId: string;
  name: string;
  count: number;
  firstAt: string;
  lastAt: string;
}

/** The summary rows of these contacts, and the same figures aggregated from the raw events. */
async function statsAndRaw(contactIds: string[]): Promise<{ stats: StatRow[]; raw: StatRow[] }> {
  const read = async (q: ReturnType<typeof sql<StatRow>>) => (await q.execute(db())).rows;
  const stats = await read(sql<StatRow>`select s.contact_id, n.name, s.count, s.first_at::text as first_at,
      s.last_at::text as last_at
    from contact_event_stats s join event_names n on n.id = s.name_id
    where s.contact_id = any(${contactIds}::uuid[]) order by 1, 2`);
  const raw = await read(sql<StatRow>`select e.contact_id, n.name, count(*)::int as count,
      min(e.occurred_at)::text as first_at, max(e.occurred_at)::text as last_at
    from contact_events e join event_names n on n.id = e.name_id
    where e.contact_id = any(${contactIds}::uuid[]) group by 1, 2 order by 1, 2`);
  return { stats, raw };
}

describe('contact event summary', () => {
  it('counts an event once when one idempotency key arrives concurrently, in retries and twice in a batch', async () => {
    const [c1, c2] = await insertContacts(app, [{ externalId: 'st-1' }, { externalId: 'st-2' }]);
    const ev = (key: string, contact = c1!, days = 3) => ({
      contact: { id: contact },
      name: 'purchase',
      occurredAt: ago(days),
      idempotencyKey: key,
    });
    // Ten concurrent single calls with one key, and concurrent batches holding overlapping keys in different orders.
    const keys = ['st-k1', 'st-k2', 'st-k3', 'st-k4'];
    await Promise.all([
      ...Array.from({ length: 10 }, () => app.services.events.record([ev('st-k0')])),
      app.services.events.record(keys.map((k, i) => ev(k, i % 2 ? c1! : c2!, i + 1))),
      app.services.events.record([...keys].reverse().map((k, i) => ev(k, i % 2 ? c2! : c1!, i + 10))),
      app.services.events.record([ev('st-k5'), ev('st-k5', c2!), ev('st-k1')]),
    ]);
    // A retried batch changes nothing.
    const retry = await app.services.events.record([ev('st-k0'), ev('st-k5'), ev('st-k2', c2!, 1)]);
    expect(retry.map((r) => r.status)).toEqual(['duplicate', 'duplicate', 'duplicate']);

    const { stats, raw } = await statsAndRaw([c1!, c2!]);
    const total = stats.reduce((n, s) => n + s.count, 0);
    expect(total).toBe(6); // st-k0 … st-k5, once each
    expect(stats).toEqual(raw);
  });

  it('keeps count, first and last exact over batches of several contacts and names, in any time order', async () => {
    const ids = await insertContacts(app, [{ externalId: 'st-b1' }, { externalId: 'st-b2' }, {}]);
    const names = ['purchase', 'lesson_completed', 'cart_abandoned'];
    const batch = (offset: number) =>
      Array.from({ length: 60 }, (_, i) => ({
        contact: { id: ids[(i * 7 + offset) % 3]! },
        name: names[(i + offset) % 3]!,
        // Out of order on purpose: a later batch holds both older and newer events than an earlier one.
        occurredAt: ago(((i * 37 + offset * 11) % 90) + 0.5),
      }));
    await Promise.all([app.services.events.record(batch(0)), app.services.events.record(batch(1))]);
    await app.services.events.record(batch(2));
    const { stats, raw } = await statsAndRaw(ids);
    expect(stats.reduce((n, s) => n + s.count, 0)).toBe(180);
    expect(stats).toEqual(raw);
  });

  it('backfills from raw events so that every event condition selects what the raw events select', async () => {
    const ids = await insertContacts(
      app,
      Array.from({ length: 12 }, (_, i) => ({ externalId: `st-f${i}`, name: `st-f${i}` })),
    );
    const nameIds = await app.services.ctx.repos.events.nameIds(['purchase', 'page_view']);
    // Events stored the way they were before the summary existed: straight into contact_events.
    const rows = ids.flatMap((contactId, i) =>
      Array.from({ length: i % 5 }, (_, k) => ({
        contactId,
        nameId: nameIds.get(k % 3 === 2 ? 'page_view' : 'purchase')!,
        occurredAt: ago(i * 4 + k * 9 + 1.5),
      })),
    );
    await db().insertInto('contactEvents').values(rows).execute();
    await db().deleteFrom('contactEventStats').execute();
    await sql.raw(await backfillStatement()).execute(db());

    const { stats, raw } = await statsAndRaw(ids);
    expect(stats.length).toBeGreaterThan(5);
    expect(stats).toEqual(raw);

    const conditions = [
      { op: 'did' },
      { op: 'did', withinDays: 20 },
      { op: 'did', atLeast: 2 },
      { op: 'did', atLeast: 2, withinDays: 30 },
      { op: 'did', atLeast: 3 },
      { op: 'did_not' },
      { op: 'did_not', withinDays: 15 },
    ];
    for (const c of conditions) {
      const condition = { type: 'event', name: 'purchase', ...c };
      expect({ condition, ids: await compiled(condition, ids) }).toEqual({
        condition,
        ids: await rawReference(c, ids),
      });
    }
  });
});

/** The backfill statement exactly as migration 0030 runs it. */
async function backfillStatement(): Promise<string> {
  const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/db/migrations');
  const text = await readFile(path.join(dir, '0030_contact_event_stats.sql'), 'utf8');
  const start = text.indexOf('insert into contact_event_stats');
  return text.slice(start, text.indexOf(';', start) + 1);
}

/** Ids among `scope` that the compiled segment condition selects. */
async function compiled(condition: object, scope: string[]): Promise<string[]> {
  const { filter } = parseFilter({ op: 'and', conditions: [condition] });
  const rows = await db()
    .selectFrom('contacts')
    .select('id')
    .where('id', 'in', scope)
    .where(segmentWhere(filter!))
    .orderBy('id')
    .execute();
  return rows.map((r) => r.id);
}

/** The same condition answered by counting raw purchase events per contact. */
async function rawReference(
  c: { op: string; atLeast?: number; withinDays?: number },
  scope: string[],
): Promise<string[]> {
  const since = c.withinDays ? new Date(Date.now() - c.withinDays * DAY) : new Date(0);
  const { rows } = await sql<{
    id: string;
    n: number;
  }>`select c.id, (select count(*)::int from contact_events e
      join event_names n on n.id = e.name_id
      where e.contact_id = c.id and n.name = 'purchase' and e.occurred_at >= ${since}) as n
    from contacts c where c.id = any(${scope}::uuid[]) order by c.id`.execute(db());
  return rows.filter((r) => (c.op === 'did' ? r.n >= (c.atLeast ?? 1) : r.n === 0)).map((r) => r.id);
}
