import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeBot, FakeTelegram } from '../fakes/telegram/index.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { bearer, startTestApp, type TestApp } from '../support/test-app.ts';
import {
  connectBot,
  eventually,
  newBot,
  type TgUser,
  tapUpdate,
  textUpdate,
  tgUser,
} from './receiving.helpers.ts';
import { conversationFor } from './sending.helpers.ts';

/** CSAT through the fake Telegram server: survey on resolve, taps as callback_query updates, rating, change, comment. */

// biome-ignore lint/suspicious/noExplicitAny: API bodies and request params are free-form JSON here
type Json = Record<string, any>;

const clock = new FakeClock();
let tg: FakeTelegram;
let app: TestApp;
let bot: FakeBot;
let channelId: string;
let admin: string;

const db = () => app.services.ctx.db;
const call = (method: 'GET' | 'POST' | 'PATCH', url: string, token: string, payload?: Json) =>
  app.http!.inject({ method, url, headers: bearer(token), ...(payload ? { payload } : {}) });

let nextMessageId = 950_000;
/** A customer message (with a message id clear of the ids the fake gives our replies). */
function say(user: TgUser, text: string) {
  const { update_id: _, ...u } = textUpdate(user, text);
  // The fake numbers updates (taps get theirs from it too, so the ids keep increasing).
  u.message.message_id = nextMessageId += 1000;
  return u;
}

const tap = (user: TgUser, data: string, messageId: number) => tapUpdate(user, data, { messageId });

const survey = (id: string) =>
  db().selectFrom('csatResponses').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const answers = () => bot.sent.filter((c) => c.method === 'answerCallbackQuery');

beforeAll(async () => {
  tg = await FakeTelegram.start({ enforceLimits: false });
  app = await startTestApp({ env: { TELEGRAM_API_ROOT: tg.apiRoot }, clock });
  const created = newBot(tg);
  bot = created.bot;
  channelId = await connectBot(app, created.token);
  await app.services.ctx.repos.channels.update(channelId, {
    inboxSettings: JSON.stringify({
      autoReply: { enabled: false },
      csat: { enabled: true, windowHours: 24 },
    }),
  });
  admin = (await app.userWithRole('admin')).token;
});

afterAll(async () => {
  await app?.stop();
  await tg?.stop();
});

describe('CSAT', () => {
  it('sends the survey on resolve, records a tap, lets it change within the window and takes the comment', async () => {
    const user = tgUser({ language_code: 'ru' });
    bot.queueUpdate(say(user, 'Помогите с заказом'));
    const conversation = await eventually(async () =>
      db()
        .selectFrom('conversations')
        .selectAll()
        .where('chatExternalId', '=', String(user.id))
        .executeTakeFirst(),
    );
    const resolved = await call('PATCH', `/api/v1/conversations/${conversation.id}`, admin, {
      status: 'resolved',
    });
    expect(resolved.statusCode, resolved.body).toBe(200);

    // The survey: a question with buttons 1 to 5 carrying csat:<responseId>:<n>.
    const question = await eventually(async () =>
      bot.sentTo(user.id).find((c) => c.method === 'sendMessage' && c.params.reply_markup),
    );
    expect(question.params.text).toMatch(/оцените/);
    const markup = question.params.reply_markup;
    const buttons = (typeof markup === 'string' ? JSON.parse(markup) : markup).inline_keyboard[0] as Json[];
    expect(buttons.map((b) => b.text)).toEqual(['1', '2', '3', '4', '5']);
    const [, responseId] = /^csat:([0-9a-f-]{36}):1$/.exec(buttons[0]!.callback_data)!;
    const surveyMessageId = Number(
      (
        await eventually(async () => {
          const row = await survey(responseId!);
          const m = row.messageId ? await app.services.ctx.repos.messages.get(row.messageId) : undefined;
          return m?.sourceId ? m : undefined;
        })
      ).sourceId,
    );

    // A tap rates, thanks with a toast and asks for a comment.
    bot.queueUpdate(tap(user, `csat:${responseId}:4`, surveyMessageId));
    await eventually(async () => (await survey(responseId!)).rating === 4);
    await eventually(async () => answers().length === 1);
    expect(answers()[0]!.params.text).toBe('Спасибо за оценку!');
    const thanks = await eventually(async () =>
      bot.sentTo(user.id).find((c) => c.method === 'sendMessage' && /напишите/.test(String(c.params.text))),
    );
    expect(thanks).toBeDefined();

    // A second tap within the window changes the rating, without a second thank-you message.
    bot.queueUpdate(tap(user, `csat:${responseId}:5`, surveyMessageId));
    await eventually(async () => (await survey(responseId!)).rating === 5);
    await eventually(async () => answers().length === 2);
    expect(answers()[1]!.params.text).toBe('Оценка изменена');
    expect(bot.sentTo(user.id).filter((c) => /напишите/.test(String(c.params.text ?? '')))).toHaveLength(1);

    // The next message is the comment, and still lands in the conversation.
    bot.queueUpdate(say(user, 'Быстро и вежливо, спасибо'));
    await eventually(async () => (await survey(responseId!)).comment === 'Быстро и вежливо, спасибо');
    const stored = await db()
      .selectFrom('messages')
      .select('content')
      .where('content', '=', 'Быстро и вежливо, спасибо')
      .executeTakeFirst();
    expect(stored).toBeDefined();

    // The rating is on the conversation payload.
    const got = await call('GET', `/api/v1/conversations/${conversation.id}`, admin);
    expect(got.json().csat).toMatchObject({ responseId, rating: 5, comment: 'Быстро и вежливо, спасибо' });
    const list = await call('GET', `/api/v1/conversations/${conversation.id}/csat`, admin);
    expect(list.json().data).toMatchObject([{ id: responseId, rating: 5 }]);

    // After the window a tap changes nothing and says the survey has closed.
    clock.advance(25 * 3600_000);
    bot.queueUpdate(tap(user, `csat:${responseId}:1`, surveyMessageId));
    await eventually(async () => answers().length === 3);
    expect(answers()[2]!.params.text).toBe('Опрос уже закрыт');
    expect((await survey(responseId!)).rating).toBe(5);
  });

  it('sends a survey on demand in English, and a message after the comment hour is not a comment', async () => {
    const user = tgUser({ language_code: 'en' });
    bot.queueUpdate(say(user, 'Hi'));
    const conversation = await eventually(async () =>
      db()
        .selectFrom('conversations')
        .selectAll()
        .where('chatExternalId', '=', String(user.id))
        .executeTakeFirst(),
    );
    const sent = await call('POST', `/api/v1/conversations/${conversation.id}/csat`, admin);
    expect(sent.statusCode, sent.body).toBe(201);
    const responseId = sent.json().id as string;
    const question = await eventually(async () =>
      bot.sentTo(user.id).find((c) => c.method === 'sendMessage' && c.params.reply_markup),
    );
    expect(question.params.text).toMatch(/How would you rate/);
    const messageId = Number(
      (await app.services.ctx.repos.messages.get((await survey(responseId)).messageId!))!.sourceId,
    );
    bot.queueUpdate(tap(user, `csat:${responseId}:3`, messageId));
    await eventually(async () => (await survey(responseId)).rating === 3);
    clock.advance(2 * 3600_000);
    bot.queueUpdate(say(user, 'late words'));
    await eventually(async () =>
      db().selectFrom('messages').select('id').where('content', '=', 'late words').executeTakeFirst(),
    );
    expect((await survey(responseId)).comment).toBeNull();

    // Data that names no survey (or another contact's) is answered and changes nothing.
    const before = answers().length;
    const stranger = tgUser({ language_code: 'en' });
    bot.queueUpdate(tap(stranger, `csat:${responseId}:1`, messageId));
    bot.queueUpdate(tap(user, 'csat:not-a-survey:1', messageId));
    await eventually(async () => answers().length === before + 2);
    expect(
      answers()
        .slice(before)
        .map((a) => a.params.text),
    ).toEqual(['Survey not found', 'Survey not found']);
    expect((await survey(responseId)).rating).toBe(3);
  });

  it("asks a Russian customer in the channel's own words and an English one in the built-in words", async () => {
    const texts = {
      question: { ru: 'Как вам <наш> ответ? Оцените от 1 до 5.', en: '' },
      thanks: { ru: 'Благодарим!', en: '' },
      commentPrompt: { ru: 'Что улучшить?', en: '' },
    };
    const saved = await call('PATCH', `/api/v1/channels/${channelId}/inbox-settings`, admin, { csat: texts });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json().csat).toMatchObject({ enabled: true, ...texts });
    const tooLong = await call('PATCH', `/api/v1/channels/${channelId}/inbox-settings`, admin, {
      csat: { thanks: { en: 'x'.repeat(1025) } },
    });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().error.details).toMatchObject([{ path: '/csat/thanks/en' }]);
    const builtIn = await call('GET', '/api/v1/inbox-settings/csat-texts', admin);
    expect(builtIn.json().question.en).toMatch(/How would you rate/);

    const resolveFor = async (user: TgUser, text: string) => {
      bot.queueUpdate(say(user, text));
      const conversation = await eventually(async () =>
        db()
          .selectFrom('conversations')
          .selectAll()
          .where('chatExternalId', '=', String(user.id))
          .executeTakeFirst(),
      );
      const res = await call('PATCH', `/api/v1/conversations/${conversation.id}`, admin, {
        status: 'resolved',
      });
      expect(res.statusCode, res.body).toBe(200);
      return eventually(async () =>
        bot.sentTo(user.id).find((c) => c.method === 'sendMessage' && c.params.reply_markup),
      );
    };

    const russian = tgUser({ language_code: 'ru' });
    const english = tgUser({ language_code: 'en' });
    const [ruQuestion, enQuestion] = await Promise.all([
      resolveFor(russian, 'Где мой заказ?'),
      resolveFor(english, 'Where is my order?'),
    ]);
    // Plain text, escaped for Telegram's HTML mode: the customer reads "<наш>" as typed.
    expect(ruQuestion.params.text).toBe('Как вам &lt;наш&gt; ответ? Оцените от 1 до 5.');
    expect(enQuestion.params.text).toBe('How would you rate our help? From 1 (poor) to 5 (excellent).');

    // The Russian customer's rating is thanked in the channel's words, toast included.
    const markup = ruQuestion.params.reply_markup;
    const data = (typeof markup === 'string' ? JSON.parse(markup) : markup).inline_keyboard[0][4]
      .callback_data as string;
    const responseId = data.split(':')[1]!;
    const surveyMessage = await eventually(async () => {
      const row = await survey(responseId);
      const m = row.messageId ? await app.services.ctx.repos.messages.get(row.messageId) : undefined;
      return m?.sourceId ? m : undefined;
    });
    const before = answers().length;
    bot.queueUpdate(tap(russian, data, Number(surveyMessage.sourceId)));
    await eventually(async () => answers().length === before + 1);
    expect(answers()[before]!.params.text).toBe('Благодарим!');
    await eventually(async () =>
      bot
        .sentTo(russian.id)
        .find((c) => c.method === 'sendMessage' && c.params.text === 'Благодарим! Что улучшить?'),
    );
  });

  it('refuses a survey for a group (409) and to roles that cannot write conversations (403)', async () => {
    const group = await conversationFor(db(), channelId, 'group');
    expect((await call('POST', `/api/v1/conversations/${group.conversationId}/csat`, admin)).statusCode).toBe(
      409,
    );
    const { conversationId } = await conversationFor(db(), channelId);
    for (const role of ['readonly', 'marketing'] as const) {
      const token = (await app.userWithRole(role)).token;
      expect((await call('POST', `/api/v1/conversations/${conversationId}/csat`, token)).statusCode).toBe(
        403,
      );
      expect((await call('GET', `/api/v1/conversations/${conversationId}/csat`, token)).statusCode).toBe(200);
    }
  });
});
