import { randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StorageStatus } from '../../src/db/schema.ts';
import { UPLOAD_MAX_BYTES } from '../../src/services/files.service.ts';
import { can, ROLES } from '../../src/services/permissions.ts';
import { bearer, startTestApp, type TestApp } from '../support/test-app.ts';

let app: TestApp;
let token: string;

beforeAll(async () => {
  app = await startTestApp({ role: 'api' });
  token = (await app.userWithRole('agent')).token;
});
afterAll(async () => {
  await app?.stop();
});

const BOUNDARY = '----switchboard-attachment-boundary';

function partHeader(fileName: string, contentType: string): Buffer {
  return Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\n` +
      `Content-Type: ${contentType}\r\n\r\n`,
  );
}
const trailer = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);

/** POSTs one file as multipart/form-data. */
function upload(bytes: Buffer, fileName: string, contentType: string, query = '', auth = token) {
  return app.http!.inject({
    method: 'POST',
    url: `/api/v1/attachments${query}`,
    headers: { ...bearer(auth), 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
    payload: Buffer.concat([partHeader(fileName, contentType), bytes, trailer]),
  });
}

const get = (url: string, auth: string | null = token) =>
  app.http!.inject({ method: 'GET', url, headers: auth ? bearer(auth) : {} });

/** Bytes that are not text, so any re-encoding on the way would show. */
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7) % 256)),
]);

const storageRoot = () => path.join(app.config.dataDir, 'files');

async function storedFiles(): Promise<string[]> {
  const entries = await readdir(storageRoot(), { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

/** An attachment row in a given state, as the receive path and the download job leave them. */
async function attachmentIn(status: StorageStatus, extra: { error?: string; storageKey?: string } = {}) {
  const row = await app.services.ctx.db
    .insertInto('attachments')
    .values({ kind: 'document', fileName: 'report.pdf', storageStatus: status, ...extra })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

describe('uploading a file to send', () => {
  it('stores it, describes it, and serves it back byte for byte with safe headers', async () => {
    const res = await upload(PNG, 'screen.png', 'image/png');
    expect(res.statusCode, res.body).toBe(201);
    const created = res.json();
    expect(created).toMatchObject({
      messageId: null,
      kind: 'photo',
      fileName: 'screen.png',
      mimeType: 'image/png',
      size: PNG.length,
      storageStatus: 'stored',
      error: null,
      url: `/api/v1/attachments/${created.id}/file`,
    });

    const meta = await get(`/api/v1/attachments/${created.id}`);
    expect(meta.statusCode).toBe(200);
    expect(meta.json()).toEqual(created);

    const file = await get(created.url);
    expect(file.statusCode).toBe(200);
    expect(file.rawPayload.equals(PNG)).toBe(true);
    expect(file.headers['content-type']).toBe('image/png');
    expect(file.headers['content-length']).toBe(String(PNG.length));
    expect(file.headers['content-disposition']).toBe(
      `inline; filename="screen.png"; filename*=UTF-8''screen.png`,
    );
    expect(file.headers['x-content-type-options']).toBe('nosniff');
    expect(file.headers['content-security-policy']).toContain('sandbox');

    const head = await app.http!.inject({ method: 'HEAD', url: created.url, headers: bearer(token) });
    expect(head.statusCode).toBe(200);
    expect(head.headers['content-length']).toBe(String(PNG.length));
    expect(head.rawPayload.length).toBe(0);
  });

  it('serves documents as downloads under their UTF-8 name', async () => {
    const res = await upload(Buffer.from('%PDF-1.4 test'), 'Счёт 5.pdf', 'application/pdf');
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ kind: 'document', fileName: 'Счёт 5.pdf' });
    const file = await get(res.json().url);
    expect(file.headers['content-type']).toBe('application/pdf');
    expect(file.headers['content-disposition']).toBe(
      `attachment; filename="____ 5.pdf"; filename*=UTF-8''%D0%A1%D1%87%D1%91%D1%82%205.pdf`,
    );
  });

  it('never serves HTML or SVG inline, whatever the uploader claims', async () => {
    for (const [name, type] of [
      ['page.html', 'text/html'],
      ['logo.svg', 'image/svg+xml'],
    ] as const) {
      const res = await upload(Buffer.from('<script>alert(1)</script>'), name, type);
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json().kind).toBe('document');
      const file = await get(res.json().url);
      expect(file.headers['content-type']).toBe(type);
      expect(file.headers['content-disposition']).toMatch(/^attachment;/);
      expect(file.headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it('takes the type from the extension when the client sends application/octet-stream', async () => {
    const res = await upload(Buffer.from('OggS fake opus'), 'note.ogg', 'application/octet-stream');
    expect(res.json()).toMatchObject({ mimeType: 'audio/ogg', kind: 'audio' });
  });

  it('makes a voice note only when asked, and refuses a kind that does not fit', async () => {
    const voice = await upload(Buffer.from('OggS fake opus'), 'voice.ogg', 'audio/ogg', '?kind=voice');
    expect(voice.json().kind).toBe('voice');
    const asDocument = await upload(PNG, 'raw.png', 'image/png', '?kind=document');
    expect(asDocument.json().kind).toBe('document');
    const wrong = await upload(Buffer.from('%PDF'), 'a.pdf', 'application/pdf', '?kind=photo');
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.details).toEqual([
      { path: '/kind', message: 'a application/pdf file cannot be sent as photo' },
    ]);
    const unknown = await upload(PNG, 'a.png', 'image/png', '?kind=hologram');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.details[0].path).toBe('querystring/kind');
  });

  it('refuses a request without a file and an empty file with 400, keeping nothing', async () => {
    const before = await storedFiles();
    const json = await app.http!.inject({
      method: 'POST',
      url: '/api/v1/attachments',
      headers: bearer(token),
      payload: { file: 'not a file' },
    });
    expect(json.statusCode).toBe(400);
    expect(json.json().error.details).toEqual([{ path: '/file', message: 'is required' }]);
    const empty = await upload(Buffer.alloc(0), 'empty.txt', 'text/plain');
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.message).toBe('The file is empty');
    expect(await storedFiles()).toEqual(before);
  });

  it('answers 413 above 50 MB and keeps neither a row nor a byte', async () => {
    const countRows = async () =>
      (
        await app.services.ctx.db
          .selectFrom('attachments')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n;
    const rowsBefore = await countRows();
    const filesBefore = await storedFiles();
    const mb = Buffer.alloc(1024 * 1024, 1);
    // Streamed without a Content-Length, so the limit is enforced while the bytes arrive.
    const body = Readable.from(
      (function* () {
        yield partHeader('huge.bin', 'application/octet-stream');
        for (let sent = 0; sent <= UPLOAD_MAX_BYTES; sent += mb.length) yield mb;
        yield trailer;
      })(),
    );
    const res = await app.http!.inject({
      method: 'POST',
      url: '/api/v1/attachments',
      headers: { ...bearer(token), 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
      payload: body,
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().error).toMatchObject({
      code: 'payload_too_large',
      message: 'The file is larger than 50 MB, the upload limit',
    });
    expect(await countRows()).toBe(rowsBefore);
    expect(await storedFiles()).toEqual(filesBefore);
  });

  it('refuses an announced oversize body before reading it', async () => {
    const res = await app.http!.inject({
      method: 'POST',
      url: '/api/v1/attachments',
      headers: {
        ...bearer(token),
        'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
        'content-length': String(UPLOAD_MAX_BYTES * 2),
      },
      payload: Buffer.concat([partHeader('a.bin', 'application/octet-stream'), Buffer.from('x'), trailer]),
    });
    expect(res.statusCode).toBe(413);
  });
});

describe('attachments without bytes', () => {
  it.each([
    ['pending', 'file_not_downloaded', /not downloaded yet/],
    ['too_big', 'file_too_big', /over the channel's download limit/],
    ['failed', 'file_download_failed', /could not be downloaded: getFile failed \(400\): invalid file_id/],
  ] as const)('answers 404 %s with code %s saying why', async (status, code, message) => {
    const id = await attachmentIn(
      status,
      status === 'failed' ? { error: 'getFile failed (400): invalid file_id' } : {},
    );
    const res = await get(`/api/v1/attachments/${id}/file`);
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe(code);
    expect(res.json().error.message).toMatch(message);
    const meta = await get(`/api/v1/attachments/${id}`);
    expect(meta.statusCode).toBe(200);
    expect(meta.json().storageStatus).toBe(status);
  });

  it('answers 404 file_missing when the stored file has gone from storage', async () => {
    const id = await attachmentIn('stored', { storageKey: `2026/11/${randomUUID()}` });
    const res = await get(`/api/v1/attachments/${id}/file`);
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('file_missing');
  });

  it('answers 404 not_found for an unknown attachment', async () => {
    for (const url of [`/api/v1/attachments/${randomUUID()}`, `/api/v1/attachments/${randomUUID()}/file`]) {
      const res = await get(url);
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('not_found');
    }
  });
});

describe('who may touch attachments', () => {
  it('needs a signed-in caller for every attachment route', async () => {
    const id = (await upload(PNG, 'a.png', 'image/png')).json().id as string;
    expect((await get(`/api/v1/attachments/${id}`, null)).statusCode).toBe(401);
    expect((await get(`/api/v1/attachments/${id}/file`, null)).statusCode).toBe(401);
    expect((await get(`/api/v1/attachments/${id}/file`, 'sbs_not-a-real-token')).statusCode).toBe(401);
    const anonymous = await app.http!.inject({
      method: 'POST',
      url: '/api/v1/attachments',
      headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
      payload: Buffer.concat([partHeader('a.png', 'image/png'), PNG, trailer]),
    });
    expect(anonymous.statusCode).toBe(401);
  });

  it('lets roles with conversations:read download and only those with conversations:write upload', async () => {
    const id = (await upload(PNG, 'a.png', 'image/png')).json().id as string;
    for (const role of ROLES) {
      const { token: t } = await app.userWithRole(role);
      const file = await get(`/api/v1/attachments/${id}/file`, t);
      expect(file.statusCode, role).toBe(can(role, 'conversations:read') ? 200 : 403);
      const up = await upload(PNG, 'b.png', 'image/png', '', t);
      expect(up.statusCode, role).toBe(can(role, 'conversations:write') ? 201 : 403);
    }
    // The matrix today: marketing and readonly see conversations but may not upload.
    expect(can('marketing', 'conversations:write')).toBe(false);
    expect(can('readonly', 'conversations:write')).toBe(false);
  });
});

describe('uploads never sent', () => {
  it('are deleted with their bytes after a day; recent uploads and attached files stay', async () => {
    const { db, repos } = app.services.ctx;
    const old = (await upload(PNG, 'old.png', 'image/png')).json().id as string;
    const recent = (await upload(PNG, 'recent.png', 'image/png')).json().id as string;
    const sent = (await upload(PNG, 'sent.png', 'image/png')).json().id as string;
    const channel = await db
      .insertInto('channels')
      .values({ type: 'telegram', name: 'Prune' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const conversation = await repos.conversations.create({
      channelId: channel.id,
      contactId: null,
      chatExternalId: '-42',
      chatKind: 'group',
      title: null,
      lastActivityAt: new Date(),
    });
    const message = await repos.messages.insert({
      conversationId: conversation.id,
      messageType: 'outgoing',
      senderType: 'user',
      sourceId: null,
      content: null,
      contentAttributes: {},
    });
    await db.updateTable('attachments').set({ messageId: message!.id }).where('id', '=', sent).execute();
    const dayAgo = new Date(Date.now() - 25 * 3_600_000);
    await db.updateTable('attachments').set({ createdAt: dayAgo }).where('id', 'in', [old, sent]).execute();
    const oldKey = (await repos.attachments.get(old))!.storageKey!;

    expect(await app.services.files.pruneUnsentUploads()).toBeGreaterThanOrEqual(1);
    expect(await repos.attachments.get(old)).toBeUndefined();
    expect(await app.services.ctx.storage!.stat(oldKey)).toBeNull();
    expect((await get(`/api/v1/attachments/${recent}/file`)).statusCode).toBe(200);
    expect((await get(`/api/v1/attachments/${sent}/file`)).statusCode).toBe(200);
  });
});
