import { describe, expect, it } from 'vitest';
import { type AnyJson, TOKEN, useFakeTelegram } from './fake-telegram.helpers.ts';
import type { UploadedFile } from './index.ts';

const start = useFakeTelegram();

describe('fake Telegram: requests and errors', () => {
  it('answers getMe with the bot as a User', async () => {
    const { call } = await start();
    const { status, body } = await call('getMe');
    expect(status).toBe(200);
    expect(body.result).toMatchObject({
      id: 123456,
      is_bot: true,
      username: 'switchboard_test_bot',
      first_name: 'Switchboard',
    });
  });

  it('answers 401 Unauthorized for an unknown token and 404 Not Found for an unknown method', async () => {
    const { call } = await start();
    expect(await call('getMe', {}, '999:nope')).toEqual({
      status: 401,
      body: { ok: false, error_code: 401, description: 'Unauthorized' },
    });
    expect(await call('sendTelepathy')).toEqual({
      status: 404,
      body: { ok: false, error_code: 404, description: 'Not Found' },
    });
  });

  it('reads form-urlencoded and query parameters like JSON ones', async () => {
    const { bot, tg } = await start();
    const form = await fetch(`${tg.apiRoot}/bot${TOKEN}/sendMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        chat_id: '42',
        text: 'form',
        reply_markup: '{"inline_keyboard":[[{"text":"A","callback_data":"a"}]]}',
      }),
    });
    const query = await fetch(`${tg.apiRoot}/bot${TOKEN}/sendMessage?chat_id=43&text=query`);
    expect(((await form.json()) as AnyJson).result).toMatchObject({
      chat: { id: 42, type: 'private' },
      text: 'form',
    });
    expect(((await query.json()) as AnyJson).result).toMatchObject({ chat: { id: 43 }, text: 'query' });
    expect(bot.sent.map((s) => [s.method, s.chatId])).toEqual([
      ['sendMessage', 42],
      ['sendMessage', 43],
    ]);
    expect(bot.sent[0]?.params.reply_markup).toEqual({
      inline_keyboard: [[{ text: 'A', callback_data: 'a' }]],
    });
  });

  it('accepts a standard multipart upload and records the file part', async () => {
    const { bot, tg } = await start();
    const form = new FormData();
    form.set('chat_id', '-100200');
    form.set('caption', 'report');
    form.set('document', new Blob([Buffer.from('a,b\n1,2\n')], { type: 'text/csv' }), 'report "Q1".csv');
    const res = await fetch(`${tg.apiRoot}/bot${TOKEN}/sendDocument`, { method: 'POST', body: form });
    const result = ((await res.json()) as AnyJson).result;
    expect(result).toMatchObject({
      chat: { id: -100200, type: 'group' },
      caption: 'report',
      document: { mime_type: 'text/csv' },
    });
    const part = bot.sent[0]?.params.document as UploadedFile;
    expect([bot.sent[0]?.chatId, part.contentType, part.bytes.toString()]).toEqual([
      -100200,
      'text/csv',
      'a,b\n1,2\n',
    ]);
  });

  it('numbers messages per chat and echoes HTML text as plain text with entities', async () => {
    const { call } = await start();
    const first = await call('sendMessage', {
      chat_id: 7,
      text: 'Hi <b>there</b> &amp; <a href="https://x.y">link</a>',
      parse_mode: 'HTML',
    });
    const second = await call('sendMessage', { chat_id: 7, text: 'again' });
    const other = await call('sendMessage', { chat_id: 8, text: 'other chat' });
    expect(first.body.result).toMatchObject({
      message_id: 1,
      from: { id: 123456, is_bot: true },
      text: 'Hi there & link',
      entities: [
        { type: 'bold', offset: 3, length: 5 },
        { type: 'text_link', offset: 11, length: 4, url: 'https://x.y' },
      ],
    });
    expect([second.body.result.message_id, other.body.result.message_id]).toEqual([2, 1]);
  });

  it('refuses malformed HTML, unsupported tags, and text or captions over the limits with Telegram descriptions', async () => {
    const { bot, call } = await start();
    const unclosed = await call('sendMessage', { chat_id: 7, text: '<b>bold', parse_mode: 'HTML' });
    const unsupported = await call('sendMessage', { chat_id: 7, text: '<div>x</div>', parse_mode: 'HTML' });
    const tooLong = await call('sendMessage', { chat_id: 7, text: 'x'.repeat(4097) });
    const caption = await call('sendPhoto', { chat_id: 7, photo: 'AgACphotoid', caption: 'c'.repeat(1025) });
    expect(unclosed).toEqual({
      status: 400,
      body: {
        ok: false,
        error_code: 400,
        description: `Bad Request: can't parse entities: Can't find end tag corresponding to start tag "b"`,
      },
    });
    expect(unsupported.body.description).toBe(
      `Bad Request: can't parse entities: Unsupported start tag "div" at byte offset 0`,
    );
    expect(tooLong.body.description).toBe('Bad Request: message is too long');
    expect(caption.body.description).toBe('Bad Request: message caption is too long');
    expect((await call('sendMessage', { chat_id: 7, text: 'x'.repeat(4096) })).status).toBe(200);
    expect(bot.sent).toHaveLength(1);
  });

  it('answers 403 for a user who blocked the bot and 400 chat not found when chats are modelled', async () => {
    const { bot, call } = await start();
    bot.blockedBy(55);
    expect((await call('sendMessage', { chat_id: 55, text: 'hi' })).body).toEqual({
      ok: false,
      error_code: 403,
      description: 'Forbidden: bot was blocked by the user',
    });
    bot.knownChats = new Set([1]);
    expect((await call('sendMessage', { chat_id: 2, text: 'hi' })).body.description).toBe(
      'Bad Request: chat not found',
    );
    expect(bot.sent).toHaveLength(0);
  });

  it('plays scripted failures with retry_after, then answers normally', async () => {
    const { bot, call } = await start({ enforceLimits: false });
    bot.failNext('sendMessage', { error_code: 500, description: 'Internal Server Error' });
    bot.failNext('sendMessage', {
      error_code: 429,
      description: 'Too Many Requests: retry after 7',
      retry_after: 7,
    });
    const a = await call('sendMessage', { chat_id: 1, text: 'a' });
    const b = await call('sendMessage', { chat_id: 1, text: 'b' });
    const c = await call('sendMessage', { chat_id: 1, text: 'c' });
    expect([a.status, b.status, c.status]).toEqual([500, 429, 200]);
    expect(b.body).toEqual({
      ok: false,
      error_code: 429,
      description: 'Too Many Requests: retry after 7',
      parameters: { retry_after: 7 },
    });
    expect(bot.rejected).toEqual([expect.objectContaining({ limit: 'scripted', retryAfter: 7, chatId: 1 })]);
    expect(bot.sent.map((s) => s.params.text)).toEqual(['c']);
  });

  it('replies only to messages it knows, including ones that arrived in updates', async () => {
    const { bot, call } = await start();
    bot.queueUpdate({
      message: { message_id: 50, date: 1, chat: { id: 9, type: 'private' }, text: 'help?' },
    });
    const reply = await call('sendMessage', {
      chat_id: 9,
      text: 'on it',
      reply_parameters: { message_id: 50 },
    });
    expect(reply.body.result).toMatchObject({
      message_id: 51,
      reply_to_message: { message_id: 50, text: 'help?' },
    });
    const missing = await call('sendMessage', { chat_id: 9, text: 'x', reply_to_message_id: 999 });
    expect(missing.body.description).toBe('Bad Request: message to be replied not found');
  });

  it('edits and deletes sent messages and refuses an edit that changes nothing', async () => {
    const { bot, call } = await start();
    const sent = (await call('sendMessage', { chat_id: 9, text: 'v1' })).body.result;
    const edited = await call('editMessageText', { chat_id: 9, message_id: sent.message_id, text: 'v2' });
    expect(edited.body.result).toMatchObject({
      message_id: sent.message_id,
      text: 'v2',
      edit_date: expect.any(Number),
    });
    const same = await call('editMessageText', { chat_id: 9, message_id: sent.message_id, text: 'v2' });
    expect(same.body.description).toMatch(/^Bad Request: message is not modified/);
    expect((await call('deleteMessage', { chat_id: 9, message_id: sent.message_id })).body.result).toBe(true);
    expect((await call('deleteMessage', { chat_id: 9, message_id: sent.message_id })).body.description).toBe(
      'Bad Request: message to delete not found',
    );
    expect(bot.sent.map((s) => s.method)).toEqual(['sendMessage', 'editMessageText', 'deleteMessage']);
  });
});

describe('fake Telegram: rate limits', () => {
  it('allows a burst of 3 to one private chat, then answers 429 with retry_after until a second passes', async () => {
    let now = 1_700_000_000_000;
    const { bot, call } = await start({ clock: () => now });
    const statuses = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await call('sendMessage', { chat_id: 1, text: `m${i}` })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const refused = await call('sendMessage', { chat_id: 1, text: 'again' });
    expect(refused.body).toEqual({
      ok: false,
      error_code: 429,
      description: 'Too Many Requests: retry after 1',
      parameters: { retry_after: 1 },
    });
    expect((await call('sendMessage', { chat_id: 2, text: 'other chat is fine' })).status).toBe(200);
    now += 1000;
    expect((await call('sendMessage', { chat_id: 1, text: 'later' })).status).toBe(200);
    expect(bot.rejected.map((r) => [r.limit, r.at])).toEqual([
      ['private-chat', 1_700_000_000_000],
      ['private-chat', 1_700_000_000_000],
    ]);
  });

  it('caps a group at 20 messages a minute and a bot at 30 messages a second', async () => {
    let now = 1_700_000_000_000;
    const { bot, call } = await start({ clock: () => now });
    for (let i = 0; i < 20; i++)
      expect((await call('sendMessage', { chat_id: -100, text: `g${i}` })).status).toBe(200);
    const group = await call('sendMessage', { chat_id: -100, text: 'g20' });
    expect(group.body.parameters.retry_after).toBe(60);
    now += 60_000;
    for (let i = 0; i < 30; i++)
      expect((await call('sendMessage', { chat_id: 1000 + i, text: 'x' })).status).toBe(200);
    const overall = await call('sendMessage', { chat_id: 5000, text: 'x' });
    expect([overall.status, bot.rejected.at(-1)?.limit]).toEqual([429, 'bot']);
  });

  it('lets messages with allow_paid_broadcast past 30 a second, up to 1000', async () => {
    const now = 1_700_000_000_000;
    const { call } = await start({ clock: () => now });
    for (let i = 0; i < 30; i++)
      expect((await call('sendMessage', { chat_id: 1000 + i, text: 'x' })).status).toBe(200);
    expect((await call('sendMessage', { chat_id: 2000, text: 'free' })).status).toBe(429);
    for (let i = 0; i < 50; i++)
      expect(
        (await call('sendMessage', { chat_id: 3000 + i, text: 'paid', allow_paid_broadcast: true })).status,
      ).toBe(200);
  });

  it('accepts everything when limits are off', async () => {
    const { bot, call } = await start({ enforceLimits: false });
    for (let i = 0; i < 40; i++) await call('sendMessage', { chat_id: 1, text: `m${i}` });
    expect([bot.sent.length, bot.rejected.length]).toEqual([40, 0]);
  });
});
