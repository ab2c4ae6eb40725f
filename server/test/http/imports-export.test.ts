import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestApp, type TestApp } from '../support/test-app.ts';
import { createChannel, importCsv, listContacts } from './imports.helpers.ts';

let app: TestApp;
let token: string;
let channelId: string;
beforeAll(async () => {
  app = await startTestApp();
  token = (await app.userWithRole('marketing')).token;
  channelId = await createChannel(app);
  const seeded = await importCsv(
    app,
    token,
    [
      'external_id,name,email,phone,language,birthday,tags,telegram_id,attr.plan,attr.seats,attr.trial',
      'e-1,"Smith, ""Jr""",e1@example.com,+79160000001,ru,1980-01-31,exp|vip,1001,gold,5,true',
      'e-2,Пётр Иванов,e2@example.com,,en,,exp,,silver,,false',
      ',No Id,e3@example.com,,,,exp,1003,,2.5,',
      'other-1,Other,other@example.com,,,,other,,,,',
    ].join('\n'),
    `?channelId=${channelId}`,
  );
  expect(seeded).toMatchObject({ createdRows: 4, rejectedRows: 0 });
  await app.services.ctx.db
    .updateTable('contacts')
    .set({ attributes: JSON.stringify({ onlyOther: 1 }) })
    .where('externalId', '=', 'other-1')
    .execute();
});
afterAll(async () => {
  await app.stop();
});

async function exportCsv(query: string, who = token) {
  const res = await app.http!.inject({
    method: 'GET',
    url: `/api/v1/contacts/export${query}`,
    headers: bearer(who),
  });
  expect(res.statusCode, res.body).toBe(200);
  return res;
}

const sortedLines = (csv: string) => {
  const [header, ...rows] = csv.trimEnd().split('\n');
  return [header, ...rows.sort()];
};

describe('contact export', () => {
  it('streams the filtered contacts as CSV with the import columns and the attribute keys present', async () => {
    // channelId filters to contacts reachable on that channel (as the list does) and adds their telegram_id.
    const res = await exportCsv(`?tag=exp&channelId=${channelId}`);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="contacts-.*\.csv"$/);
    const [header, ...rows] = sortedLines(res.body);
    expect(header).toBe(
      'external_id,name,first_name,last_name,username,phone,email,language,timezone,birthday,tags,telegram_id,' +
        'attr.plan,attr.seats,attr.trial',
    );
    expect(rows).toEqual([
      ',No Id,,,,,e3@example.com,,,,exp,1003,,2.5,',
      'e-1,"Smith, ""Jr""",,,,+79160000001,e1@example.com,ru,,1980-01-31,exp|vip,1001,gold,5,true',
    ]);
    const all = sortedLines((await exportCsv('?tag=exp')).body);
    expect(all[0]).toBe(
      'external_id,name,first_name,last_name,username,phone,email,language,timezone,birthday,tags,' +
        'attr.plan,attr.seats,attr.trial',
    );
    expect(all.slice(1)).toContain('e-2,Пётр Иванов,,,,,e2@example.com,en,,,exp,silver,,false');
    expect(all).toHaveLength(4);
  });

  it('round-trips: deleting the exported contacts and importing the export restores the same export', async () => {
    const first = (await exportCsv(`?tag=exp&channelId=${channelId}`)).body;
    const del = await app.http!.inject({
      method: 'POST',
      url: '/api/v1/contacts/bulk',
      headers: bearer(token),
      payload: { action: 'delete', filter: { tag: ['exp'], channelId } },
    });
    expect(del.json()).toEqual({ affected: 2 });
    expect(await listContacts(app, token, `&tag=exp&channelId=${channelId}`)).toHaveLength(0);

    const imp = await importCsv(app, token, first, `?channelId=${channelId}`);
    expect(imp).toMatchObject({ status: 'completed', createdRows: 2, rejectedRows: 0 });
    const second = (await exportCsv(`?tag=exp&channelId=${channelId}`)).body;
    expect(sortedLines(second)).toEqual(sortedLines(first));
  });

  it('writes semicolons and a BOM on request, and that file imports too', async () => {
    const res = await exportCsv('?q=other-1&delimiter=%3B&bom=true');
    expect(res.body.startsWith('\uFEFFexternal_id;name;')).toBe(true);
    expect(res.body).not.toContain('telegram_id');
    expect(res.body.trimEnd().split('\n')[1]).toBe('other-1;Other;;;;;other@example.com;;;;other;1');
    const imp = await importCsv(app, token, res.body);
    expect(imp).toMatchObject({ status: 'completed', updatedRows: 1, createdRows: 0 });
  });

  it('exports every contact in batches when there is no filter', async () => {
    const rows = Array.from({ length: 2500 }, (_, i) => `bulk-${i},Bulk ${i},,bulk`);
    const imp = await importCsv(app, token, ['external_id,name,email,tags', ...rows].join('\n'));
    expect(imp).toMatchObject({ createdRows: 2500 });
    const body = (await exportCsv('')).body;
    const ids = body
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',')[0]);
    expect(ids.filter((id) => id?.startsWith('bulk-')).length).toBe(2500);
    expect(new Set(ids.filter((id) => id !== '')).size).toBe(ids.filter((id) => id !== '').length);
  });

  it('checks the filter like the list endpoint and is open to contacts:read', async () => {
    const bad = await app.http!.inject({
      method: 'GET',
      url: '/api/v1/contacts/export?delimiter=%7C',
      headers: bearer(token),
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0].path).toMatch(/delimiter/);
    const { token: readonly } = await app.userWithRole('readonly');
    await exportCsv('?tag=vip', readonly);
    const anonymous = await app.http!.inject({ method: 'GET', url: '/api/v1/contacts/export' });
    expect(anonymous.statusCode).toBe(401);
  });
});
