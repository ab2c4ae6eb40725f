import { expect } from 'vitest';
import { bearer, type TestApp } from '../support/test-app.ts';

/** Helpers shared by the import/export HTTP tests. */

/** POSTs a CSV as a raw text/csv body. */
export function uploadCsv(app: TestApp, token: string, csv: string | Buffer, query = '') {
  return app.http!.inject({
    method: 'POST',
    url: `/api/v1/contacts/import${query}`,
    headers: { ...bearer(token), 'content-type': 'text/csv; charset=utf-8' },
    payload: csv,
  });
}

/** POSTs a CSV as a multipart/form-data file field. */
export function uploadMultipart(app: TestApp, token: string, csv: string, filename: string, query = '') {
  const boundary = '----switchboard-test-boundary';
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\n` +
        'Content-Type: text/csv\r\n\r\n',
    ),
    Buffer.from(csv),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return app.http!.inject({
    method: 'POST',
    url: `/api/v1/contacts/import${query}`,
    headers: { ...bearer(token), 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: body,
  });
}

/** Polls the import resource until it finishes (bounded: about 30 s), and returns it. */
export async function waitForImport(app: TestApp, token: string, id: string) {
  for (let i = 0; i < 600; i++) {
    const res = await app.http!.inject({
      method: 'GET',
      url: `/api/v1/contacts/imports/${id}`,
      headers: bearer(token),
    });
    expect(res.statusCode).toBe(200);
    const imp = res.json();
    if (imp.status === 'completed' || imp.status === 'failed') return imp;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`import ${id} did not finish`);
}

/** Uploads and waits for the job; fails the test when the upload is refused. */
export async function importCsv(app: TestApp, token: string, csv: string, query = '') {
  const res = await uploadCsv(app, token, csv, query);
  expect(res.statusCode, res.body).toBe(202);
  return waitForImport(app, token, res.json().id);
}

/** Rejected rows of an import (first page). */
export async function importErrors(app: TestApp, token: string, id: string) {
  const res = await app.http!.inject({
    method: 'GET',
    url: `/api/v1/contacts/imports/${id}/errors?limit=1000`,
    headers: bearer(token),
  });
  expect(res.statusCode).toBe(200);
  return res.json().data as Array<{ line: number; reason: string }>;
}

/** Every contact matching a query string (first 1000). */
export async function listContacts(app: TestApp, token: string, query = '') {
  const res = await app.http!.inject({
    method: 'GET',
    url: `/api/v1/contacts?limit=1000${query}`,
    headers: bearer(token),
  });
  expect(res.statusCode).toBe(200);
  return res.json().data as Array<Record<string, unknown>>;
}

/** A Telegram bot channel row (there is no channels API yet). */
export async function createChannel(app: TestApp, name = 'Support bot'): Promise<string> {
  const row = await app.services.ctx.db
    .insertInto('channels')
    .values({ type: 'telegram', name })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
