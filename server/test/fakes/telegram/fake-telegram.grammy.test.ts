import { Bot, GrammyError, InputFile, InputMediaBuilder } from 'grammy';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeTelegram, type UploadedFile } from './index.ts';

const TOKEN = '777000:AAGrammyAgainstTheFake';
let tg: FakeTelegram;

afterEach(async () => {
  await tg?.stop();
});

async function setup(enforceLimits = true) {
  tg = await FakeTelegram.start({ enforceLimits });
  const fake = tg.addBot({ token: TOKEN, id: 777000, username: 'grammy_fake_bot' });
  const bot = new Bot(TOKEN, { client: { apiRoot: tg.apiRoot } });
  return { fake, bot };
}

describe('fake Telegram with grammY', () => {
  it('serves getMe and sendMessage to a grammY Bot and logs the send', async () => {
    const { fake, bot } = await setup();
    expect(await bot.api.getMe()).toMatchObject({ id: 777000, is_bot: true, username: 'grammy_fake_bot' });
    const msg = await bot.api.sendMessage(42, '<i>hello</i>', {
      parse_mode: 'HTML',
      disable_notification: true,
    });
    expect(msg).toMatchObject({ message_id: 1, chat: { id: 42, type: 'private' }, text: 'hello' });
    expect(fake.sent).toEqual([
      {
        method: 'sendMessage',
        chatId: 42,
        params: expect.objectContaining({ disable_notification: true }),
        at: expect.any(Number),
      },
    ]);
  });

  it('gives grammY a GrammyError carrying retry_after on a 429', async () => {
    const { bot, fake } = await setup();
    fake.failNext('sendMessage', {
      error_code: 429,
      description: 'Too Many Requests: retry after 3',
      retry_after: 3,
    });
    const err = await bot.api.sendMessage(1, 'x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GrammyError);
    expect((err as GrammyError).error_code).toBe(429);
    expect((err as GrammyError).parameters.retry_after).toBe(3);
  });

  it('records a multipart photo upload and serves it back through getFile and the file URL', async () => {
    const { fake, bot } = await setup();
    const bytes = Buffer.from('not really a jpeg');
    const msg = await bot.api.sendPhoto(42, new InputFile(bytes, 'cat.jpg'), {
      caption: 'a <b>cat</b>',
      parse_mode: 'HTML',
    });
    expect(msg.caption).toBe('a cat');
    const upload = fake.sent[0]?.params.photo as UploadedFile | string;
    // grammY sends the part under a random name and refers to it with attach://.
    const part = (
      typeof upload === 'string' ? fake.sent[0]?.params[upload.slice(9)] : upload
    ) as UploadedFile;
    expect([part.filename, part.bytes.toString()]).toEqual(['cat.jpg', 'not really a jpeg']);
    const photo = msg.photo?.[0];
    const file = await bot.api.getFile(photo?.file_id ?? '');
    const res = await fetch(`${tg.apiRoot}/file/bot${TOKEN}/${file.file_path}`);
    expect(Buffer.from(await res.arrayBuffer()).toString()).toBe('not really a jpeg');
  });

  it('sends a media group whose items refer to uploads with attach://', async () => {
    const { fake, bot } = await setup();
    const media = [
      InputMediaBuilder.photo(new InputFile(Buffer.from('one'), 'one.jpg'), { caption: 'first' }),
      InputMediaBuilder.photo(new InputFile(Buffer.from('two'), 'two.jpg')),
    ];
    const messages = await bot.api.sendMediaGroup(-1001234567890, media);
    expect(messages).toHaveLength(2);
    const groupIds = messages.map((m) => (m as { media_group_id?: string }).media_group_id);
    expect(groupIds[0]).toEqual(expect.any(String));
    expect(groupIds[1]).toBe(groupIds[0]);
    expect(messages.map((m) => [m.chat.type, m.caption])).toEqual([
      ['supergroup', 'first'],
      ['supergroup', undefined],
    ]);
    expect(fake.sent.map((s) => s.method)).toEqual(['sendMediaGroup']);
  });

  it('refuses getFile above 20 MB with "file is too big" and downloads a registered file', async () => {
    const { fake, bot } = await setup();
    const big = fake.files.add({ bytes: 'tiny stand-in', size: 20 * 1024 * 1024 + 1 });
    const small = fake.files.add({ bytes: 'hello file', filePath: 'documents/hello.txt' });
    const err = await bot.api.getFile(big.fileId).catch((e: unknown) => e);
    expect((err as GrammyError).description).toBe('Bad Request: file is too big');
    expect(await bot.api.getFile(small.fileId)).toMatchObject({
      file_path: 'documents/hello.txt',
      file_size: 10,
    });
    const res = await fetch(`${tg.apiRoot}/file/bot${TOKEN}/documents/hello.txt`);
    expect(await res.text()).toBe('hello file');
  });

  it('feeds updates to grammY long polling and records its answerCallbackQuery', async () => {
    const { fake, bot } = await setup();
    const seen: string[] = [];
    bot.on('callback_query:data', async (ctx) => {
      seen.push(ctx.callbackQuery.data);
      await ctx.answerCallbackQuery({ text: 'ok' });
      await bot.stop();
    });
    fake.queueUpdate({
      callback_query: {
        id: 'cbq-1',
        from: { id: 42, is_bot: false, first_name: 'Ann' },
        chat_instance: '1',
        data: 'csat:5',
        message: {
          message_id: 1,
          date: 1,
          chat: { id: 42, type: 'private', first_name: 'Ann' },
          text: 'Rate us',
        },
      },
    });
    await bot.start({ timeout: 1 });
    expect(seen).toEqual(['csat:5']);
    expect(fake.sent.map((s) => [s.method, s.params.callback_query_id])).toEqual([
      ['answerCallbackQuery', 'cbq-1'],
    ]);
  });
});
