import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TelegramAdapter } from '../../src/channels/telegram/telegram.adapter.ts';
import { telegramApi } from '../../src/channels/telegram/telegram.client.ts';
import { visibleText } from '../../src/channels/telegram/telegram.html.ts';
import type { Message } from '../../src/db/schema.ts';
import { REALTIME_CHANNEL } from '../../src/realtime/event-map.ts';
import type { FileStorage } from '../../src/storage/file-storage.ts';
import { LocalFileStorage } from '../../src/storage/local-file-storage.ts';
import { type FakeBot, FakeTelegram } from '../fakes/telegram/index.ts';
import type { UploadedFile } from '../fakes/telegram/types.ts';
import { bearer, startTestApp, type TestApp } from '../support/test-app.ts';
import { connectBot, eventually, newBot } from './receiving.helpers.ts';
import { conversationFor, uploadedAttachment } from './sending.helpers.ts';

// biome-ignore lint/suspicious/noExplicitAny: request params and API bodies are free-form JSON here
type Json = Record<string, any>;

let tg: FakeTelegram;
let app: TestApp;
let bot: FakeBot;
let token: string;
let channelId: string;
let agent: string;
let storage: FileStorage;
let filesDir: string;

beforeAll(async () => {
  tg = await FakeTelegram.start({ enforceLimits: true });
  app = await startTestApp({ env: { TELEGRAM_API_ROOT: tg.apiRoot, TELEGRAM_RATE_HEADROOM_PERCENT: '5' } });
  const created = newBot(tg);
  bot = created.bot;
  token = created.token;
  channelId = await connectBot(app, token);
  const agentUser = await app.userWithRole('agent');
  agent = agentUser.token;
  // Agents see (and answer) conversations only of channels they are members of.
  await app.services.ctx.db
    .insertInto('channelMembers')
    .values({ channelId, userId: agentUser.user.id })
    .execute();
  filesDir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-send-'));
  // The send path reads ctx.storage when it sends; give this app one if the composition root has none.
  app.services.ctx.storage ??= new LocalFileStorage(filesDir);
  storage = app.services.ctx.storage;
});

afterAll(async () => {
  await app?.stop();
  await tg?.stop();
  if (filesDir) await rm(filesDir, { recursive: true, force: true });
});

/** Posts a reply through the API as an agent. */
function post(conversationId: string, payload: Json, as = agent) {
  return app.http!.inject({
    method: 'POST',
    url: `/api/v1/conversations/${conversationId}/messages`,
    headers: bearer(as),
    payload,
  });
}

/** Posts a reply and waits until the job has settled it (sent or failed). */
async function sendAndSettle(conversationId: string, payload: Json): Promise<Message> {
  const res = await post(conversationId, payload);
  expect(res.statusCode, res.body).toBe(201);
  const id = res.json().id as string;
  return eventually(
    async () => {
      const m = await app.services.ctx.repos.messages.get(id);
      return m && (m.deliveryStatus === 'sent' || m.deliveryStatus === 'failed') ? m : undefined;
    },
    30_000,
    `message ${id} settled`,
  );
}

const attempts = (id: string) => app.services.ctx.repos.deliveries.listAttempts(id);
const outcomes = async (id: string) => (await attempts(id)).map((a) => a.outcome);
const identity = (chatId: number) =>
  app.services.ctx.repos.deliveries.identityOfChat(channelId, String(chatId));

describe('sending replies through the API', () => {
  it('queues a reply (201) and sends it as HTML, recording the Telegram id and the attempt', async () => {
    const { conversationId, chatId } = await conversationFor(app.services.ctx.db, channelId);
    const res = await post(conversationId, { content: '<b>Hello</b> &amp; welcome' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      messageType: 'outgoing',
      senderType: 'user',
      deliveryStatus: 'queued',
    });
    const sent = await sendAndSettle(conversationId, { content: 'second' });
    expect(sent.deliveryStatus).toBe('sent');
    const calls = bot.sentTo(chatId);
    expect(calls.map((c) => [c.method, c.params.text, c.params.parse_mode])).toEqual([
      ['sendMessage', '<b>Hello</b> &amp; welcome', 'HTML'],
      ['sendMessage', 'second', 'HTML'],
    ]);
    expect(sent.sourceId).toBe(String(bot.findMessage(chatId, 2)?.message_id));
    expect(sent.contentAttributes).toMatchObject({ externalIds: [sent.sourceId] });
    expect(sent.sentAt).not.toBeNull();
    expect(await outcomes(sent.id)).toEqual(['sent']);
  });

  it('publishes message.created when queued and message.updated when sent, in the conversations room', async () => {
    const { conversationId } = await conversationFor(app.services.ctx.db, channelId);
    const listener = new pg.Client({ connectionString: app.databaseUrl });
    await listener.connect();
    const events: Json[] = [];
    listener.on('notification', (n) => events.push(JSON.parse(n.payload!)));
    await listener.query(`listen ${REALTIME_CHANNEL}`);
    try {
      const sent = await sendAndSettle(conversationId, { content: 'live' });
      const mine = await eventually(async () => {
        const list = events.filter((e) => e.data?.message?.id === sent.id);
        return list.length >= 2 ? list : undefined;
      });
      expect(mine.map((e) => [e.room, e.event, e.data.message.deliveryStatus])).toEqual([
        ['conversations', 'message.created', 'queued'],
        ['conversations', 'message.updated', 'sent'],
      ]);
      expect(mine[1]!.data.conversationId).toBe(conversationId);
    } finally {
      await listener.end();
    }
  });

  it('splits long text into messages Telegram parses, in order, keeping every word', async () => {
    const { conversationId, chatId } = await conversationFor(app.services.ctx.db, channelId);
    const paragraph = (n: number) =>
      `<b>Part ${n}</b> <i>${'слово word '.repeat(120)}</i><a href="https://x.test/${n}">link</a>`;
    const html = Array.from({ length: 12 }, (_, i) => paragraph(i)).join('\n\n');
    const sent = await sendAndSettle(conversationId, { content: html });
    expect(sent.deliveryStatus, sent.deliveryError ?? '').toBe('sent');
    const texts = bot.sentTo(chatId).map((c) => c.params.text as string);
    expect(texts.length).toBeGreaterThan(1);
    // The fake parses each part as Telegram does (400 on a broken tag), so acceptance proves each part is valid HTML.
    const words = (s: string) => s.split(/\s+/).filter(Boolean);
    expect(words(texts.map((t) => visibleText(t)).join(' '))).toEqual(words(visibleText(html)));
    expect((sent.contentAttributes as Json).externalIds).toHaveLength(texts.length);
    expect(await outcomes(sent.id)).toEqual(['sent']);
  });

  it('refuses an unsupported HTML tag with a 400 that names it, and queues nothing', async () => {
    const { conversationId, chatId } = await conversationFor(app.services.ctx.db, channelId);
    const res = await post(conversationId, { content: 'Hi <div>there</div>' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toContain('<div>');
    expect(res.json().error.details).toEqual([{ path: '/content', message: 'unsupported tag <div>' }]);
    const ok = await post(conversationId, { content: 'fine' });
    expect(ok.statusCode).toBe(201);
    await eventually(async () => bot.sentTo(chatId).length === 1);
  });

  it('refuses callback data over 64 bytes, an unknown attachment and a reader', async () => {
    const { conversationId } = await conversationFor(app.services.ctx.db, channelId);
    const data = 'я'.repeat(33);
    const tooLong = await post(conversationId, {
      content: 'x',
      buttons: { kind: 'inline', rows: [[{ kind: 'callback', text: 'Go', data }]] },
    });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().error.details[0].path).toBe('/buttons/rows/0/0/data');
    const missing = await post(conversationId, { attachmentIds: ['00000000-0000-4000-8000-000000000000'] });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.details[0]).toEqual({
      path: '/attachmentIds/0',
      message: 'no such attachment',
    });
    const reader = (await app.userWithRole('readonly')).token;
    expect((await post(conversationId, { content: 'x' }, reader)).statusCode).toBe(403);
  });

  it('sends inline and reply keyboards, removes the keyboard, replies to a message and sends silently', async () => {
    const { conversationId, chatId } = await conversationFor(app.services.ctx.db, channelId);
    const inline = {
      kind: 'inline',
      rows: [
        [
          { kind: 'url', text: 'Site', url: 'https://example.com' },
          { kind: 'callback', text: 'Yes', data: 'csat:5' },
        ],
      ],
    };
    const first = await sendAndSettle(conversationId, { content: 'Rate us', buttons: inline });
    await sendAndSettle(conversationId, {
      content: 'Share your phone',
      buttons: { kind: 'reply', rows: [[{ text: 'Send phone', requestContact: true }]], oneTime: true },
      replyToMessageId: first.id,
      silent: true,
    });
    await sendAndSettle(conversationId, { content: 'Thanks', buttons: { kind: 'remove' } });
    const [a, b, c] = bot.sentTo(chatId).map((s) => s.params);
    expect(a!.reply_markup).toEqual({
      inline_keyboard: [
        [
          { text: 'Site', url: 'https://example.com' },
          { text: 'Yes', callback_data: 'csat:5' },
        ],
      ],
    });
    expect(b!.reply_markup).toEqual({
      keyboard: [[{ text: 'Send phone', request_contact: true }]],
      one_time_keyboard: true,
      resize_keyboard: true,
    });
    expect(b!.reply_parameters).toEqual({
      message_id: Number(first.sourceId),
      allow_sending_without_reply: true,
    });
    expect(b!.disable_notification).toBe(true);
    expect(a!.disable_notification).toBeUndefined();
    expect(c!.reply_markup).toEqual({ remove_keyboard: true });
  });

  it('uploads a photo as multipart with its bytes, and moves a caption over 1024 characters into a text message', async () => {
    const { conversationId, chatId } = await conversationFor(app.services.ctx.db, channelId);
    const bytes = Buffer.from(Array.from({ length: 3000 }, (_, i) => i % 251));
    const photo = await uploadedAttachment(
      app.services.ctx.db,
      storage,
      'photo',
      bytes,
      'cat.jpg',
      'image/jpeg',
    );
    const caption = `<b>Caption</b> ${'long caption text '.repeat(80)}`;
    const sent = await sendAndSettle(conversationId, { content: caption, attachmentIds: [photo.id] });
    expect(sent.deliveryStatus, sent.deliveryError ?? '').toBe('sent');
    const [photoCall, textCall] = bot.sentTo(chatId);
    expect(photoCall!.method).toBe('sendPhoto');
    const file = uploaded(photoCall!.params, 'photo');
    expect(file.filename).toBe('cat.jpg');
    expect(Buffer.compare(file.bytes, bytes)).toBe(0);
    expect(visibleText(String(photoCall!.params.caption)).length).toBeLessThanOrEqual(1024);
    expect(textCall!.method).toBe('sendMessage');
    expect((sent.contentAttributes as Json).externalIds).toHaveLength(2);
    const linked = await app.services.ctx.repos.deliveries.attachmentsOf(sent.id);
    expect(linked.map((a) => a.id)).toEqual([photo.id]);
  });

  it('sends a document, and photos with a video as an album with the caption on the first item', async () => {
    const { conversationId, chatId } = await conversationFor(app.services.ctx.db, channelId);
    const db = app.services.ctx.db;
    const doc = await uploadedAttachment(
      db,
      storage,
      'document',
      Buffer.from('%PDF-1.4 invoice'),
      'invoice.pdf',
    );
    await sendAndSettle(conversationId, { content: 'Your invoice', attachmentIds: [doc.id] });
    const items = [
      await uploadedAttachment(db, storage, 'photo', Buffer.from('photo-1'), 'a.jpg'),
      await uploadedAttachment(db, storage, 'video', Buffer.from('video-1'), 'b.mp4'),
    ];
    const album = await sendAndSettle(conversationId, {
      content: 'Our shop',
      attachmentIds: items.map((i) => i.id),
    });
    expect(album.deliveryStatus, album.deliveryError ?? '').toBe('sent');
    const [docCall, albumCall] = bot.sentTo(chatId);
    expect(docCall!.method).toBe('sendDocument');
    expect(uploaded(docCall!.params, 'document').bytes.toString()).toBe('%PDF-1.4 invoice');
    expect(albumCall!.method).toBe('sendMediaGroup');
    const media = albumCall!.params.media as Json[];
    expect(media.map((m) => [m.type, m.caption])).toEqual([
      ['photo', 'Our shop'],
      ['video', undefined],
    ]);
    expect(uploaded(albumCall!.params, media[1]!.media).bytes.toString()).toBe('video-1');
    expect((album.contentAttributes as Json).externalIds).toHaveLength(2);
  });

  it('sends an album of 10 to a private chat at once, without a 429 (one chat message, ten bot slots)', async () => {
    const { conversationId, chatId } = await conversationFor(app.services.ctx.db, channelId);
    const db = app.services.ctx.db;
    const items = [];
    for (let i = 0; i < 10; i++)
      items.push(await uploadedAttachment(db, storage, 'photo', Buffer.from(`p${i}`), `${i}.jpg`));
    const album = await sendAndSettle(conversationId, {
      content: 'Ten photos',
      attachmentIds: items.map((i) => i.id),
    });
    expect(album.deliveryStatus, album.deliveryError ?? '').toBe('sent');
    expect(bot.sentTo(chatId).map((c) => [c.method, (c.params.media as Json[]).length])).toEqual([
      ['sendMediaGroup', 10],
    ]);
    expect(bot.rejected.filter((r) => r.chatId === chatId)).toEqual([]);
    expect(await outcomes(album.id)).toEqual(['sent']);
  });

  it('shows "typing…" through the typing route', async () => {
    const { conversationId, chatId } = await conversationFor(app.services.ctx.db, channelId);
    const res = await app.http!.inject({
      method: 'POST',
      url: `/api/v1/conversations/${conversationId}/typing`,
      headers: bearer(agent),
      payload: {},
    });
    expect(res.statusCode, res.body).toBe(204);
    expect(bot.sentTo(chatId).map((c) => [c.method, c.params.action])).toEqual([
      ['sendChatAction', 'typing'],
    ]);
  });
});

describe('failures', () => {
  it('marks the identity unreachable when the person blocked the bot, fails the message and does not retry', async () => {
    const { conversationId, chatId } = await conversationFor(app.services.ctx.db, channelId);
    bot.blockedBy(chatId);
    const failed = await sendAndSettle(conversationId, { content: 'hello?' });
    expect(failed.deliveryStatus).toBe('failed');
    expect(failed.deliveryError).toBe('Forbidden: bot was blocked by the user');
    expect(await identity(chatId)).toMatchObject({
      reachable: false,
      lastError: 'Forbidden: bot was blocked by the user',
    });
    const second = await sendAndSettle(conversationId, { content: 'still there?' });
    expect(second.deliveryStatus).toBe('failed');
    // The second message was skipped without a request: only one call ever reached the fake for this chat.
    expect(bot.calls.filter((c) => c.status === 403)).toHaveLength(1);
    expect(await outcomes(failed.id)).toEqual(['unreachable']);
    expect(await outcomes(second.id)).toEqual(['unreachable']);
  });

  it('treats 400 chat not found as unreachable', async () => {
    const { conversationId, chatId } = await conversationFor(app.services.ctx.db, channelId);
    bot.failNext('sendMessage', { error_code: 400, description: 'Bad Request: chat not found' });
    const failed = await sendAndSettle(conversationId, { content: 'hi' });
    expect(failed).toMatchObject({ deliveryStatus: 'failed', deliveryError: 'Bad Request: chat not found' });
    expect(await identity(chatId)).toMatchObject({ reachable: false });
    expect(await outcomes(failed.id)).toEqual(['unreachable']);
  });

  it('fails with Telegram description on other 400s, keeping the person reachable', async () => {
    const { conversationId, chatId } = await conversationFor(app.services.ctx.db, channelId);
    bot.failNext('sendMessage', { error_code: 400, description: 'Bad Request: BUTTON_URL_INVALID' });
    const failed = await sendAndSettle(conversationId, { content: 'hi' });
    expect(failed).toMatchObject({
      deliveryStatus: 'failed',
      deliveryError: 'Bad Request: BUTTON_URL_INVALID',
    });
    expect(await identity(chatId)).toMatchObject({ reachable: true });
    const [attempt] = await attempts(failed.id);
    expect(attempt).toMatchObject({ outcome: 'rejected', errorCode: 400 });
  });

  it('retries a 5xx with backoff and then sends, recording both attempts', async () => {
    const { conversationId, chatId } = await conversationFor(app.services.ctx.db, channelId);
    bot.failNext('sendMessage', { error_code: 502, description: 'Bad Gateway' }, 2);
    const sent = await sendAndSettle(conversationId, { content: 'eventually' });
    expect(sent.deliveryStatus).toBe('sent');
    expect(await outcomes(sent.id)).toEqual(['unavailable', 'unavailable', 'sent']);
    expect(bot.sentTo(chatId)).toHaveLength(1);
  });

  it('pauses the whole bot on a 429 and completes the message afterwards', async () => {
    const { conversationId, chatId } = await conversationFor(app.services.ctx.db, channelId);
    bot.failNext('sendMessage', {
      error_code: 429,
      description: 'Too Many Requests: retry after 2',
      retry_after: 2,
    });
    const res = await post(conversationId, { content: 'after the pause' });
    const id = res.json().id as string;
    const paused = await eventually(
      async () => (await app.services.telegramLimiter.state(channelId)).pausedUntil ?? undefined,
    );
    const channel = await app.services.ctx.repos.channels.get(channelId);
    expect(channel!.pausedUntil).toEqual(paused);
    const sent = await eventually(async () => {
      const m = await app.services.ctx.repos.messages.get(id);
      return m?.deliveryStatus === 'sent' ? m : undefined;
    });
    expect(await outcomes(sent.id)).toEqual(['rate_limited', 'sent']);
    const rejectedAt = bot.rejected.find((r) => r.limit === 'scripted')!.at;
    expect(bot.sentTo(chatId)[0]!.at).toBeGreaterThanOrEqual(rejectedAt + 1900);
  });
});

describe('the window of doubt', () => {
  /** An outgoing message created without its job, so the test drives `outbound.send` itself. */
  async function unqueued(conversationId: string, content: string): Promise<Message> {
    return app.services.ctx.repos.deliveries.createOutgoing({
      conversationId,
      senderType: 'bot',
      senderUserId: null,
      content,
      contentAttributes: {},
      replyToId: null,
      priority: 'interactive',
    });
  }

  it('does not resend a message whose run died with a request in flight, and says why', async () => {
    const { conversationId, chatId } = await conversationFor(app.services.ctx.db, channelId);
    const m = await unqueued(conversationId, 'maybe sent');
    await app.services.ctx.repos.deliveries.markInFlight(m.id, 0, 1);
    await app.services.outbound.send(m.id);
    const after = await app.services.ctx.repos.messages.get(m.id);
    expect(after!.deliveryStatus).toBe('failed');
    expect(after!.deliveryError).toMatch(/interrupted while sending; it may have reached the recipient/);
    expect(bot.sentTo(chatId)).toEqual([]);
  });

  it('resumes a split message after the parts already delivered', async () => {
    const { conversationId, chatId } = await conversationFor(app.services.ctx.db, channelId);
    // 6002 visible characters: two parts, cut at the paragraph break.
    const html = `${'a '.repeat(1500)}\n\n${'b '.repeat(1500)}`;
    const m = await unqueued(conversationId, html);
    // An earlier run delivered part 1 (Telegram id 77) and died between parts.
    await app.services.ctx.repos.deliveries.markInFlight(m.id, 0, 2);
    await app.services.ctx.repos.deliveries.recordPart(m.id, 0, ['77']);
    await app.services.outbound.send(m.id);
    const after = await app.services.ctx.repos.messages.get(m.id);
    expect(after!.deliveryStatus).toBe('sent');
    const calls = bot.sentTo(chatId);
    expect(calls).toHaveLength(1);
    expect((calls[0]!.params.text as string).startsWith('b')).toBe(true);
    expect((after!.contentAttributes as Json).externalIds).toEqual([
      '77',
      String(bot.findMessage(chatId, 1)!.message_id),
    ]);
    expect(after!.sourceId).toBe('77');
  });

  it('does not send through a paused channel and checks again later, without an attempt', async () => {
    const { conversationId, chatId } = await conversationFor(app.services.ctx.db, channelId);
    const m = await unqueued(conversationId, 'wait for resume');
    await app.services.ctx.repos.channels.update(channelId, { status: 'paused' });
    try {
      await app.services.outbound.send(m.id);
    } finally {
      await app.services.ctx.repos.channels.update(channelId, { status: 'active' });
    }
    expect((await app.services.ctx.repos.messages.get(m.id))!.deliveryStatus).toBe('queued');
    expect(await attempts(m.id)).toEqual([]);
    expect(bot.sentTo(chatId)).toEqual([]);
    // A recheck job is due later, in the conversation's queue.
    const { rows } = await sql<{ runAt: Date; queueName: string }>`select j.run_at, q.queue_name
      from graphile_worker._private_jobs j join graphile_worker._private_job_queues q on q.id = j.job_queue_id
      where j.payload->>'messageId' = ${m.id}`.execute(app.services.ctx.db);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.queueName).toBe(`conversation:${conversationId}`);
    expect(rows[0]!.runAt.getTime()).toBeGreaterThan(Date.now() + 5_000);
  });
});

describe('the adapter on its own', () => {
  it('edits text, edits a caption, deletes, and takes an unchanged edit or a gone message as done', async () => {
    const adapter = new TelegramAdapter(
      telegramApi(token, tg.apiRoot),
      app.services.telegramLimiter,
      channelId,
      storage,
    );
    const { chatId } = await conversationFor(app.services.ctx.db, channelId);
    const chat = String(chatId);
    const text = await adapter.send({ chatExternalId: chat, html: 'draft' });
    await adapter.edit({ chatExternalId: chat, externalId: text.externalId }, { html: '<b>final</b>' });
    expect(bot.findMessage(chatId, Number(text.externalId))).toMatchObject({ text: 'final' });
    await adapter.edit({ chatExternalId: chat, externalId: text.externalId }, { html: '<b>final</b>' });

    const photo = await uploadedAttachment(
      app.services.ctx.db,
      storage,
      'photo',
      Buffer.from('img'),
      'p.jpg',
    );
    const media = await adapter.send({
      chatExternalId: chat,
      html: 'old caption',
      attachments: [{ kind: 'photo', storageKey: photo.storageKey!, fileName: 'p.jpg' }],
    });
    await adapter.edit({ chatExternalId: chat, externalId: media.externalId }, { html: 'new caption' });
    expect(bot.findMessage(chatId, Number(media.externalId))).toMatchObject({ caption: 'new caption' });

    await adapter.delete({ chatExternalId: chat, externalId: text.externalId });
    expect(bot.findMessage(chatId, Number(text.externalId))).toBeUndefined();
    await adapter.delete({ chatExternalId: chat, externalId: text.externalId });
    expect(bot.sentTo(chatId).map((c) => c.method)).toEqual([
      'sendMessage',
      'editMessageText',
      'sendPhoto',
      'editMessageCaption',
      'deleteMessage',
    ]);
  });

  it('sends to a group chat', async () => {
    const adapter = new TelegramAdapter(
      telegramApi(token, tg.apiRoot),
      app.services.telegramLimiter,
      channelId,
      null,
    );
    const { chatId } = await conversationFor(app.services.ctx.db, channelId, 'group');
    const result = await adapter.send({ chatExternalId: String(chatId), html: 'hello group' });
    expect(result.externalIds).toHaveLength(1);
    expect(bot.sentTo(chatId)[0]!.params.chat_id).toBe(chatId);
  });
});

/** The uploaded part a media field points to (grammY sends `attach://<name>` and the file under that name). */
function uploaded(params: Json, fieldOrRef: string): UploadedFile {
  const value = fieldOrRef.startsWith('attach://') ? fieldOrRef : params[fieldOrRef];
  const file = typeof value === 'string' && value.startsWith('attach://') ? params[value.slice(9)] : value;
  expect(file?.upload, `an uploaded file in ${fieldOrRef}`).toBe(true);
  return file as UploadedFile;
}
