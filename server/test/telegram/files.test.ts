import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TELEGRAM_MAX_DOWNLOAD_BYTES } from '../../src/channels/telegram/telegram.files.ts';
import { REALTIME_CHANNEL } from '../../src/realtime/event-map.ts';
import { newStorageKey } from '../../src/storage/storage-key.ts';
import type { FakeBot, FakeTelegram as FakeTelegramType } from '../fakes/telegram/index.ts';
import { FakeTelegram } from '../fakes/telegram/index.ts';
import { bearer, startTestApp, type TestApp } from '../support/test-app.ts';
import { connectBot, eventually, newBot, tgUser } from './receiving.helpers.ts';

let tg: FakeTelegramType;
let app: TestApp;
let bot: FakeBot;
let token: string;
let channelId: string;
let agent: string;
let listener: pg.Client;
type Presented = { id: string; attachments: Array<Record<string, unknown>> };
const notifications: Array<{
  room: string;
  event: string;
  data: { conversationId?: string; message?: Presented };
}> = [];

beforeAll(async () => {
  tg = await FakeTelegram.start();
  // A `start` process: the job runner downloads, the API serves.
  app = await startTestApp({ env: { TELEGRAM_API_ROOT: tg.apiRoot } });
  ({ bot, token } = newBot(tg));
  channelId = await connectBot(app, token);
  agent = (await app.userWithRole('agent')).token;
  listener = new pg.Client({ connectionString: app.databaseUrl });
  await listener.connect();
  listener.on('notification', (n) => notifications.push(JSON.parse(n.payload!)));
  await listener.query(`listen ${REALTIME_CHANNEL}`);
});
afterAll(async () => {
  await listener?.end();
  await app?.stop();
  await tg?.stop();
});

let nextSource = 1;
/**
 * An incoming message with one attachment, written through the repositories as the receive path would (so these
 * tests do not depend on the receive path), without queueing the download: each test decides how it runs.
 */
async function receivedAttachment(
  file: { fileId: string; size?: number | null; mimeType?: string | null },
  onChannel = channelId,
) {
  const { repos } = app.services.ctx;
  const conversation = await repos.conversations.create({
    channelId: onChannel,
    contactId: null,
    chatExternalId: String(-100_000 - nextSource),
    chatKind: 'group',
    title: 'Files',
    lastActivityAt: new Date(),
  });
  const message = await repos.messages.insert({
    conversationId: conversation.id,
    messageType: 'incoming',
    senderType: 'contact',
    sourceId: String(nextSource++),
    content: null,
    contentAttributes: {},
  });
  const attachment = await repos.attachments.insert({
    messageId: message!.id,
    kind: 'photo',
    mimeType: file.mimeType ?? null,
    size: file.size ?? null,
    externalFileId: file.fileId,
    externalUniqueId: `u${file.fileId}`,
  });
  return { attachment, conversationId: conversation.id, messageId: message!.id };
}

const queueDownload = (attachmentId: string) =>
  app.services.ctx.repos.jobs.add('files.download', { attachmentId });

/** The attachment once the job has left `pending`. */
const settled = (id: string) =>
  eventually(
    async () => {
      const row = await app.services.ctx.repos.attachments.get(id);
      return row && row.storageStatus !== 'pending' ? row : undefined;
    },
    20_000,
    `attachment ${id} settled`,
  );

/** getFile requests the bot has answered so far (tests run one after another, so a difference is one test's). */
const getFileCalls = (b: FakeBot = bot) => b.calls.filter((c) => c.method === 'getFile').length;

describe('downloading incoming files', () => {
  it('stores a small file through getFile and serves it byte for byte, announcing the change', async () => {
    const bytes = randomBytes(150_000);
    const file = bot.files.add({ bytes, filePath: 'photos/file_7.jpg' });
    const before = getFileCalls();
    const { attachment, conversationId, messageId } = await receivedAttachment({ fileId: file.fileId });
    await queueDownload(attachment.id);

    const row = await settled(attachment.id);
    expect(row).toMatchObject({
      storageStatus: 'stored',
      size: bytes.length,
      mimeType: 'image/jpeg',
      error: null,
    });
    expect(row.storageKey).toMatch(new RegExp(`^\\d{4}/\\d{2}/${attachment.id}$`));
    expect(getFileCalls() - before).toBe(1);

    const res = await app.http!.inject({
      method: 'GET',
      url: `/api/v1/attachments/${attachment.id}/file`,
      headers: bearer(agent),
    });
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.equals(bytes)).toBe(true);
    expect(res.headers['content-type']).toBe('image/jpeg');
    expect(res.headers['content-disposition']).toMatch(/^inline; filename="photo-[0-9a-f]{8}\.jpg"/);

    const event = await eventually(async () =>
      notifications.find((n) => n.event === 'message.updated' && n.data.message?.id === messageId),
    );
    expect(event.room).toBe('conversations');
    expect(event.data.conversationId).toBe(conversationId);
    expect(event.data.message?.attachments).toEqual([
      expect.objectContaining({ id: attachment.id, storageStatus: 'stored', size: bytes.length }),
    ]);

    // Done once: running the job again asks Telegram nothing.
    await app.services.files.download(attachment.id);
    expect(getFileCalls() - before).toBe(1);
  });

  it('marks a file known to be over 20 MB too_big without calling getFile', async () => {
    const file = bot.files.add({ bytes: 'x', size: 25 * 1024 * 1024 });
    const before = getFileCalls();
    const { attachment } = await receivedAttachment({ fileId: file.fileId, size: 25 * 1024 * 1024 });
    await queueDownload(attachment.id);
    const row = await settled(attachment.id);
    expect(row.storageStatus).toBe('too_big');
    expect(row.error).toBe('Larger than the 20 MB the platform lets bots download');
    expect(row.storageKey).toBeNull();
    expect(getFileCalls() - before).toBe(0);
    expect(TELEGRAM_MAX_DOWNLOAD_BYTES).toBe(20 * 1024 * 1024);
  });

  it('marks a file too_big when getFile answers "file is too big" for a size it did not announce', async () => {
    const file = bot.files.add({ bytes: 'x', size: 21 * 1024 * 1024 });
    const before = getFileCalls();
    const { attachment } = await receivedAttachment({ fileId: file.fileId });
    await queueDownload(attachment.id);
    const row = await settled(attachment.id);
    expect(row.storageStatus).toBe('too_big');
    expect(getFileCalls() - before).toBe(1);
  });

  it('cuts a download that streams past 20 MB whatever size getFile announced, keeping no file', async () => {
    const file = bot.files.add({ bytes: Buffer.alloc(TELEGRAM_MAX_DOWNLOAD_BYTES + 1), size: 1000 });
    const { attachment } = await receivedAttachment({ fileId: file.fileId });
    await queueDownload(attachment.id);
    const row = await settled(attachment.id);
    expect(row.storageStatus).toBe('too_big');
    const key = newStorageKey(new Date(row.createdAt), row.id);
    expect(await app.services.ctx.storage!.stat(key)).toBeNull();
  });

  it('retries a transient getFile failure and then stores the file', async () => {
    const bytes = randomBytes(10_000);
    const file = bot.files.add({ bytes, filePath: 'documents/retry.pdf' });
    const before = getFileCalls();
    bot.failNext('getFile', { error_code: 502, description: 'Bad Gateway' });
    const { attachment } = await receivedAttachment({ fileId: file.fileId, mimeType: 'application/pdf' });
    await queueDownload(attachment.id);
    const row = await settled(attachment.id);
    expect(row).toMatchObject({ storageStatus: 'stored', size: bytes.length, mimeType: 'application/pdf' });
    const statuses = bot.calls.filter((c) => c.method === 'getFile').map((c) => c.status);
    expect(statuses.slice(before)).toEqual([502, 200]);
    const stored = await app.services.files.open(attachment.id);
    expect(Buffer.concat(await stored.body.toArray()).equals(bytes)).toBe(true);
  });

  it('records a permanent refusal as failed with Telegram’s reason and no token', async () => {
    const { attachment } = await receivedAttachment({ fileId: 'no-such-file-id' });
    await queueDownload(attachment.id);
    const row = await settled(attachment.id);
    expect(row.storageStatus).toBe('failed');
    expect(row.error).toBe('getFile failed (400): Bad Request: invalid file_id');
    expect(row.error).not.toContain(token.split(':')[1]!);
    const res = await app.http!.inject({
      method: 'GET',
      url: `/api/v1/attachments/${attachment.id}/file`,
      headers: bearer(agent),
    });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('file_download_failed');
  });

  it('still tries a big file on a channel with its own Bot API server (the 20 MB limit is api.telegram.org’s)', async () => {
    const local = newBot(tg);
    const localChannel = await connectBot(app, local.token, { apiRoot: tg.apiRoot });
    const file = local.bot.files.add({ bytes: 'x', size: 25 * 1024 * 1024 });
    const before = getFileCalls(local.bot);
    const { attachment } = await receivedAttachment(
      { fileId: file.fileId, size: 25 * 1024 * 1024 },
      localChannel,
    );
    await queueDownload(attachment.id);
    const row = await settled(attachment.id);
    // The fake behaves like api.telegram.org and refuses: the point is that it was asked.
    expect(row.storageStatus).toBe('too_big');
    expect(getFileCalls(local.bot) - before).toBe(1);
  });

  it('gives up as failed on the last attempt of a transient failure, with the token redacted', async () => {
    const other = newBot(tg);
    const unreachable = await connectBot(app, other.token);
    // Nothing listens on the discard port: every call is a connection error, whose text would carry the URL.
    await app.services.ctx.db
      .updateTable('channels')
      .set({ apiRoot: 'http://127.0.0.1:9' })
      .where('id', '=', unreachable)
      .execute();
    const { attachment } = await receivedAttachment({ fileId: 'any' }, unreachable);
    await expect(app.services.files.download(attachment.id)).rejects.toThrow(
      /Could not reach the Telegram Bot API/,
    );
    expect((await app.services.ctx.repos.attachments.get(attachment.id))?.storageStatus).toBe('pending');
    await app.services.files.download(attachment.id, { lastAttempt: true });
    const row = await app.services.ctx.repos.attachments.get(attachment.id);
    expect(row?.storageStatus).toBe('failed');
    expect(row?.error).toMatch(/^Gave up after retries: Could not reach the Telegram Bot API/);
    expect(row?.error).toContain('/bot<token>/getFile');
    expect(row?.error).not.toContain(other.token.split(':')[1]!);
  });
});

describe('end to end', () => {
  it('downloads the photo of a received update and serves it', async () => {
    const bytes = randomBytes(98_120);
    const file = bot.files.add({ bytes, filePath: 'photos/file_42.jpg' });
    const user = tgUser();
    bot.queueUpdate({
      message: {
        message_id: 4242,
        from: { is_bot: false, ...user },
        chat: { id: user.id, first_name: user.first_name, type: 'private' },
        date: 1_763_785_200,
        photo: [
          {
            file_id: 'small-size-not-downloaded',
            file_unique_id: 'AQADsmall',
            file_size: 1428,
            width: 90,
            height: 67,
          },
          {
            file_id: file.fileId,
            file_unique_id: file.fileUniqueId,
            file_size: bytes.length,
            width: 1280,
            height: 960,
          },
        ],
        caption: 'Broken box on arrival',
      },
    });
    // Polling receives the update, the receive path records the message and queues the download.
    const row = await eventually(
      () =>
        app.services.ctx.db
          .selectFrom('attachments')
          .selectAll()
          .where('externalFileId', '=', file.fileId)
          .where('storageStatus', '=', 'stored')
          .executeTakeFirst(),
      30_000,
      'photo stored',
    );
    expect(row).toMatchObject({ kind: 'photo', width: 1280, height: 960, mimeType: 'image/jpeg' });
    const res = await app.http!.inject({
      method: 'GET',
      url: `/api/v1/attachments/${row.id}/file`,
      headers: bearer(agent),
    });
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.equals(bytes)).toBe(true);
  });
});
