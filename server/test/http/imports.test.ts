import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestApp, type TestApp } from '../support/test-app.ts';
import {
  createChannel,
  importCsv,
  importErrors,
  listContacts,
  uploadCsv,
  uploadMultipart,
  waitForImport,
} from './imports.helpers.ts';

let app: TestApp;
let token: string;
beforeAll(async () => {
  // A 1 MB upload limit lets the 413 test stay small.
  app = await startTestApp({ env: { IMPORT_MAX_MB: '1' } });
  token = (await app.userWithRole('agent')).token;
});
afterAll(async () => {
  await app.stop();
});

const contactCount = async () =>
  (
    await app.services.ctx.db
      .selectFrom('contacts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
  ).n;

describe('contact import', () => {
  it('imports the good rows and reports each bad one with its line number and reason', async () => {
    const csv = [
      'external_id,name,email,phone,birthday,tags',
      'good-1,Anna,anna@example.com,+7 916 000-00-01,1990-05-01,vip|new',
      'bad-1,Boris,not-an-email,,,',
      '',
      'bad-2,Vera,vera@example.com,12,,',
      // A quoted name spanning two lines, in a record with one field too many: reported at its first line.
      'bad-3,"Gleb',
      'Two-Lines",gleb@example.com,,,,extra',
      'good-2,"Dina',
      'Quoted",dina@example.com,,,',
    ].join('\n');
    const imp = await importCsv(app, token, csv, '?filename=people.csv');
    expect(imp).toMatchObject({
      status: 'completed',
      filename: 'people.csv',
      processedRows: 5,
      createdRows: 2,
      updatedRows: 0,
      rejectedRows: 3,
    });
    const errors = await importErrors(app, token, imp.id);
    expect(errors).toEqual([
      { line: 3, reason: 'email: not an email address: "not-an-email"' },
      { line: 5, reason: 'phone: not a phone number: "12"' },
      { line: 6, reason: 'has 7 fields, the header has 6' },
    ]);
    const found = await listContacts(app, token, '&q=good-');
    expect(found.map((c) => [c.externalId, c.name]).sort()).toEqual([
      ['good-1', 'Anna'],
      ['good-2', 'Dina\nQuoted'],
    ]);
    expect(found.find((c) => c.externalId === 'good-1')).toMatchObject({
      phone: '+79160000001',
      tags: ['new', 'vip'],
      birthday: '1990-05-01',
      source: 'import',
    });
  });

  it('reads a UTF-8 file with BOM, semicolons, CRLF and typed attr.<name> columns', async () => {
    const csv =
      '\uFEFFexternal_id;first_name;last_name;attr.city;attr.age;attr.vip;attr.zip\r\n' +
      'bom-1;Иван;Петров;Москва;42;true;007\r\n';
    const imp = await importCsv(app, token, csv);
    expect(imp).toMatchObject({ status: 'completed', createdRows: 1, rejectedRows: 0 });
    const [c] = await listContacts(app, token, '&q=bom-1');
    expect(c).toMatchObject({
      firstName: 'Иван',
      lastName: 'Петров',
      attributes: { city: 'Москва', age: 42, vip: true, zip: '007' },
    });
  });

  it('keeps tags and attribute text exactly, quotes, braces and backslashes included', async () => {
    const csv = 'external_id,tags,attr.note\nodd-1,"say ""hi""|back\\slash|{x}","{""a"": 1} \\ ok"\n';
    const imp = await importCsv(app, token, csv);
    expect(imp).toMatchObject({ createdRows: 1, rejectedRows: 0 });
    const [c] = await listContacts(app, token, '&q=odd-1');
    expect(c).toMatchObject({
      tags: ['back\\slash', 'say "hi"', '{x}'],
      attributes: { note: '{"a": 1} \\ ok' },
    });
  });

  it('accepts a multipart file upload and keeps its file name', async () => {
    const res = await uploadMultipart(app, token, 'email,name\nmulti@example.com,Multi\n', 'list.csv');
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toMatchObject({ status: 'queued', filename: 'list.csv' });
    const imp = await waitForImport(app, token, res.json().id);
    expect(imp).toMatchObject({ status: 'completed', createdRows: 1 });
    expect(await listContacts(app, token, '&q=multi@example.com')).toHaveLength(1);
  });

  it('updates contacts matched by external id, email, phone and Telegram id instead of duplicating', async () => {
    const channelId = await createChannel(app);
    const seed = await importCsv(
      app,
      token,
      [
        'external_id,name,email,phone,telegram_id,tags',
        'up-1,One,,,,a',
        ',Two,up2@example.com,,,a',
        ',Three,,+79160000303,,a',
        ',Four,,,40404,a',
        'up-5,Five,up5@example.com,,,a',
      ].join('\n'),
      `?channelId=${channelId}`,
    );
    expect(seed).toMatchObject({ createdRows: 5 });
    const before = await contactCount();
    const again = await importCsv(
      app,
      token,
      [
        'external_id,name,email,phone,telegram_id,tags',
        'up-1,One v2,,,,b',
        ',Two v2,UP2@example.com,,,b',
        ',Three v2,,8 916 000-03-03,,b',
        ',Four v2,,,40404,b',
        // Holds another external id than the contact with this email: a new contact, not a merge.
        'up-6,Six,up5@example.com,,,b',
      ].join('\n'),
      `?channelId=${channelId}`,
    );
    expect(again).toMatchObject({ status: 'completed', updatedRows: 4, createdRows: 1, rejectedRows: 0 });
    expect(await contactCount()).toBe(before + 1);
    const names = (await listContacts(app, token, '&tag=b')).map((c) => [c.name, c.tags]);
    expect(names.sort()).toEqual([
      ['Four v2', ['a', 'b']],
      ['One v2', ['a', 'b']],
      ['Six', ['b']],
      ['Three v2', ['a', 'b']],
      ['Two v2', ['a', 'b']],
    ]);
    const [five] = await listContacts(app, token, '&q=up-5');
    expect(five).toMatchObject({ name: 'Five', tags: ['a'] });
  });

  it('imports rows sharing a key in one file one after the other, ending with one contact', async () => {
    const imp = await importCsv(
      app,
      token,
      ['email,name,attr.step', 'same@example.com,First,1', 'same@example.com,Second,2'].join('\n'),
    );
    expect(imp).toMatchObject({ createdRows: 1, updatedRows: 1 });
    const found = await listContacts(app, token, '&q=same@example.com');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ name: 'Second', attributes: { step: 2 } });
  });
});

describe('refused uploads', () => {
  it('refuses a telegram_id column without channelId, or with an unknown one, naming channelId', async () => {
    const csv = 'name,telegram_id\nAnn,123\n';
    const missing = await uploadCsv(app, token, csv);
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.details).toEqual([
      { path: '/channelId', message: 'required when the file has a telegram_id column' },
    ]);
    const unknown = await uploadCsv(app, token, csv, '?channelId=00000000-0000-4000-8000-000000000000');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.details[0].path).toBe('/channelId');
  });

  it('refuses unknown columns, listing each, and writes nothing', async () => {
    const before = (await app.services.imports.list(1000)).data.length;
    const res = await uploadCsv(app, token, 'name,e-mail,Phone,surname\nAnn,a@b.co,,\n');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/unknown column "e-mail".*unknown column "surname"/);
    expect(res.json().error.details.map((d: { path: string }) => d.path)).toEqual([
      '/columns/e-mail',
      '/columns/surname',
    ]);
    expect((await app.services.imports.list(1000)).data.length).toBe(before);
  });

  it('refuses an empty body and a body that is not CSV', async () => {
    expect((await uploadCsv(app, token, '')).statusCode).toBe(400);
    const json = await app.http!.inject({
      method: 'POST',
      url: '/api/v1/contacts/import',
      headers: bearer(token),
      payload: { name: 'x' },
    });
    expect(json.statusCode).toBe(400);
  });

  it('answers 413 above IMPORT_MAX_MB and keeps no partial upload', async () => {
    const before = (await app.services.imports.list(1000)).data.length;
    const row = 'big@example.com,Someone with a long enough name\n';
    const csv = `email,name\n${row.repeat(Math.ceil((1.2 * 1024 * 1024) / row.length))}`;
    const res = await uploadCsv(app, token, csv);
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('payload_too_large');
    expect((await app.services.imports.list(1000)).data.length).toBe(before);
    const chunks = await app.services.ctx.db
      .selectFrom('contactImportChunks')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .innerJoin('contactImports', 'contactImports.id', 'contactImportChunks.importId')
      .where('contactImports.status', '=', 'uploading')
      .executeTakeFirstOrThrow();
    expect(chunks.n).toBe(0);
  });

  it('needs contacts:write to import and contacts:read to follow imports', async () => {
    const { token: readonly } = await app.userWithRole('readonly');
    expect((await uploadCsv(app, readonly, 'name\nAnn\n')).statusCode).toBe(403);
    const list = await app.http!.inject({
      method: 'GET',
      url: '/api/v1/contacts/imports',
      headers: bearer(readonly),
    });
    expect(list.statusCode).toBe(200);
    expect(list.json().data.length).toBeGreaterThan(0);
  });
});

describe('import resources', () => {
  it('pages the list of imports and the rejected rows with cursors', async () => {
    const csv = ['email', 'bad1', 'bad2', 'bad3', 'ok@example.com'].join('\n');
    const imp = await importCsv(app, token, csv);
    const page1 = await app.http!.inject({
      method: 'GET',
      url: `/api/v1/contacts/imports/${imp.id}/errors?limit=2`,
      headers: bearer(token),
    });
    expect(page1.json().data.map((e: { line: number }) => e.line)).toEqual([2, 3]);
    const page2 = await app.http!.inject({
      method: 'GET',
      url: `/api/v1/contacts/imports/${imp.id}/errors?limit=2&cursor=${page1.json().nextCursor}`,
      headers: bearer(token),
    });
    expect(page2.json()).toMatchObject({ data: [{ line: 4 }], nextCursor: null });

    const first = await app.http!.inject({
      method: 'GET',
      url: '/api/v1/contacts/imports?limit=1',
      headers: bearer(token),
    });
    expect(first.json().data[0].id).toBe(imp.id);
    const second = await app.http!.inject({
      method: 'GET',
      url: `/api/v1/contacts/imports?limit=1&cursor=${first.json().nextCursor}`,
      headers: bearer(token),
    });
    expect(second.json().data[0].id).not.toBe(imp.id);
  });

  it('answers 404 for an unknown import', async () => {
    const res = await app.http!.inject({
      method: 'GET',
      url: '/api/v1/contacts/imports/00000000-0000-4000-8000-000000000000',
      headers: bearer(token),
    });
    expect(res.statusCode).toBe(404);
  });
});
