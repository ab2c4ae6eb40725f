import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCursor } from '../../src/lib/cursor.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { type Api, adminApi, insertContacts, paths, walk } from './contacts.helpers.ts';

/** Pagination: every sort and order, ties, nulls, inserts between pages, bad cursors. */

let app: TestApp;
let api: Api;
let all: string[];
const T0 = new Date('2024-03-01T10:00:00.123456Z');

beforeAll(async () => {
  app = await startTestApp();
  api = await adminApi(app);
  // 30 contacts tied on every sort key: same created/updated time, same name, no activity.
  const tied = await insertContacts(
    app,
    Array.from({ length: 30 }, () => ({
      name: 'Same Name',
      createdAt: T0,
      updatedAt: T0,
      lastActivityAt: null,
    })),
  );
  // 12 more with distinct and null values, some tying with the group above on one key only.
  const varied = await insertContacts(
    app,
    Array.from({ length: 12 }, (_, i) => ({
      name: i % 4 === 0 ? null : `Person ${String.fromCharCode(97 + i)}`,
      createdAt: new Date(T0.getTime() + (i % 3) * 60_000),
      updatedAt: new Date(T0.getTime() - i * 1000),
      lastActivityAt: i % 2 === 0 ? null : new Date(T0.getTime() + i * 3_600_000),
    })),
  );
  all = [...tied, ...varied];
});
afterAll(async () => {
  await app.stop();
});

const SORTS = ['createdAt', 'updatedAt', 'lastActivityAt', 'name'] as const;
const ORDERS = ['asc', 'desc'] as const;

describe('contacts pagination', () => {
  for (const sort of SORTS) {
    for (const order of ORDERS) {
      it(`walks every contact exactly once sorted by ${sort} ${order}, in the order of a single page`, async () => {
        const { ids, rows } = await walk(api, `sort=${sort}&order=${order}&limit=4`);
        expect(ids.length).toBe(all.length);
        expect(new Set(ids)).toEqual(new Set(all));
        const single = (await api.get(`/api/v1/contacts?sort=${sort}&order=${order}&limit=1000`)).json();
        expect(single.nextCursor).toBeNull();
        expect(ids).toEqual(single.data.map((r: { id: string }) => r.id));
        if (sort !== 'name') {
          // Timestamps never go backwards along the walk (nulls count as oldest).
          const t = rows.map((r) => (r[sort] === null ? Number.NEGATIVE_INFINITY : Date.parse(r[sort])));
          const sorted = [...t].sort((a, b) => (order === 'asc' ? a - b : b - a));
          expect(t).toEqual(sorted);
        }
      });
    }
  }

  it('defaults to 50 per page, newest first', async () => {
    await insertContacts(
      app,
      Array.from({ length: 10 }, (_, i) => ({ name: `Filler ${i}`, createdAt: new Date('2020-01-01') })),
    );
    const res = (await api.get('/api/v1/contacts')).json();
    expect(res.data).toHaveLength(50);
    expect(res.nextCursor).toEqual(expect.any(String));
    expect(res.total).toBeUndefined();
    const first = Date.parse(res.data[0].createdAt);
    expect(res.data.every((r: { createdAt: string }) => Date.parse(r.createdAt) <= first)).toBe(true);
    await app.services.ctx.db.deleteFrom('contacts').where('name', 'like', 'Filler %').execute();
  });

  it('adds the total only when asked', async () => {
    const res = (await api.get('/api/v1/contacts?limit=2&withTotal=true')).json();
    expect(res.data).toHaveLength(2);
    expect(res.total).toBe(all.length);
  });

  it('refuses limits outside 1..1000 naming limit', async () => {
    for (const limit of ['0', '1001', 'ten']) {
      const res = await api.get(`/api/v1/contacts?limit=${limit}`);
      expect(res.statusCode).toBe(400);
      expect(paths(res)).toContain('querystring/limit');
    }
  });

  it('refuses an unknown sort or order naming it', async () => {
    expect(paths(await api.get('/api/v1/contacts?sort=email'))).toContain('querystring/sort');
    expect(paths(await api.get('/api/v1/contacts?order=up'))).toContain('querystring/order');
  });
});

describe('contacts pagination while contacts are added', () => {
  for (const [sort, order] of [
    ['createdAt', 'desc'],
    ['createdAt', 'asc'],
    ['name', 'asc'],
    ['lastActivityAt', 'desc'],
  ] as const) {
    it(`sees every earlier contact exactly once by ${sort} ${order} though new ones arrive between pages`, async () => {
      const before = new Set((await walk(api, 'limit=1000')).ids);
      const added: string[] = [];
      const { ids } = await walk(api, `sort=${sort}&order=${order}&limit=5`, async (page) => {
        // New rows land before, inside and after the walked range.
        const made = await insertContacts(app, [
          { name: `Same Name`, createdAt: T0, updatedAt: T0 },
          { name: `Aaa ${page}` },
          { name: `Zzz ${page}`, createdAt: new Date('2000-01-01'), lastActivityAt: new Date() },
        ]);
        added.push(...made);
      });
      expect(new Set(ids).size).toBe(ids.length);
      for (const id of before) expect(ids).toContain(id);
      for (const id of ids) expect(before.has(id) || added.includes(id)).toBe(true);
      await app.services.ctx.db.deleteFrom('contacts').where('id', 'in', added).execute();
    });
  }
});

describe('contacts cursors', () => {
  const bad = async (cursor: string, query = '') => {
    const res = await api.get(`/api/v1/contacts?cursor=${encodeURIComponent(cursor)}${query}`);
    expect(res.statusCode).toBe(400);
    expect(paths(res).some((p) => p.endsWith('cursor'))).toBe(true);
  };

  it('refuses a cursor that is not ours with 400 naming cursor', async () => {
    await bad('not a cursor at all');
    await bad(Buffer.from('[1,2]').toString('base64url'));
    await bad(Buffer.from('null').toString('base64url'));
    await bad(Buffer.from('{"v":"x"}').toString('base64url'));
  });

  it('refuses a well-formed cursor whose values were tampered with', async () => {
    const real = (await api.get('/api/v1/contacts?limit=1')).json().nextCursor as string;
    const pos = JSON.parse(Buffer.from(real, 'base64url').toString());
    await bad(encodeCursor({ ...pos, id: 'not-a-uuid' }));
    await bad(encodeCursor({ ...pos, v: 'yesterday-ish' }));
    await bad(encodeCursor({ ...pos, v: '2024-13-45 99:99:99+00' }));
    await bad(encodeCursor({ ...pos, v: 42 }));
  });

  it('refuses a cursor taken under another sort or order', async () => {
    const byName = (await api.get('/api/v1/contacts?limit=1&sort=name&order=asc')).json()
      .nextCursor as string;
    await bad(byName);
    await bad(byName, '&sort=name&order=desc');
    await bad(byName, '&sort=updatedAt&order=asc');
    expect((await api.get(`/api/v1/contacts?limit=1&sort=name&order=asc&cursor=${byName}`)).statusCode).toBe(
      200,
    );
  });
});
