import type { Insertable } from 'kysely';
import type { ContactsTable } from '../../src/db/schema.ts';
import { bearer, type TestApp } from '../support/test-app.ts';

/** Shared by the contacts*.test.ts files: HTTP shorthands and direct inserts for states the API cannot make. */

// biome-ignore lint/suspicious/noExplicitAny: assertions read JSON answers of every shape.
export type Body = any;

/** An HTTP answer as tests read it. */
export interface Res {
  statusCode: number;
  json(): Body;
}

export interface Api {
  get(url: string): Promise<Res>;
  post(url: string, payload?: unknown): Promise<Res>;
  patch(url: string, payload: unknown): Promise<Res>;
  delete(url: string): Promise<Res>;
}

/** HTTP calls as one admin. */
export async function adminApi(app: TestApp): Promise<Api> {
  const { token } = await app.userWithRole('admin');
  const headers = bearer(token);
  const http = app.http!;
  return {
    get: (url) => http.inject({ method: 'GET', url, headers }),
    post: (url, payload) => http.inject({ method: 'POST', url, headers, payload: payload as object }),
    patch: (url, payload) => http.inject({ method: 'PATCH', url, headers, payload: payload as object }),
    delete: (url) => http.inject({ method: 'DELETE', url, headers }),
  };
}

/** Inserts contacts straight into the table (fixed timestamps, ties, nulls). Returns their ids in insert order. */
export async function insertContacts(
  app: TestApp,
  rows: Array<Partial<Insertable<ContactsTable>> & { attributes?: string }>,
): Promise<string[]> {
  if (rows.length === 0) return [];
  const inserted = await app.services.ctx.db.insertInto('contacts').values(rows).returning('id').execute();
  return inserted.map((r) => r.id);
}

/** A channel row plus identities linking contacts to it. */
export async function insertChannel(app: TestApp, name: string, contactIds: string[] = []): Promise<string> {
  const db = app.services.ctx.db;
  const { id } = await db
    .insertInto('channels')
    .values({ type: 'telegram', name })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const [i, contactId] of contactIds.entries()) {
    await db
      .insertInto('contactChannels')
      .values({ contactId, channelId: id, externalId: `${name}-${i}-${contactId}` })
      .execute();
  }
  return id;
}

/** Every contact id on every page of a list query; fails loudly on a page that does not answer 200. */
export async function walk(
  api: Api,
  query: string,
  between?: (page: number) => Promise<void>,
): Promise<{ ids: string[]; rows: Body[] }> {
  const rows: Body[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 1000; page += 1) {
    const url = `/api/v1/contacts?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res = await api.get(url);
    if (res.statusCode !== 200)
      throw new Error(`${url} answered ${res.statusCode}: ${JSON.stringify(res.json())}`);
    const body = res.json();
    rows.push(...body.data);
    cursor = body.nextCursor;
    if (!cursor) return { ids: rows.map((r) => r.id), rows };
    await between?.(page);
  }
  throw new Error('pagination did not end');
}

/** The `path`s of an error answer's details. */
export const paths = (res: Res): string[] => res.json().error.details.map((d: { path: string }) => d.path);
