import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeBot, FakeTelegram } from '../fakes/telegram/index.ts';
import type { SentCall } from '../fakes/telegram/types.ts';
import { bearer, startTestApp, type TestApp } from '../support/test-app.ts';
import {
  connectBot,
  eventually,
  newBot,
  type TgUser,
  tapUpdate,
  textUpdate,
  tgUser,
} from '../telegram/receiving.helpers.ts';

/** /settings and /stop through the fake Telegram server: the menu, taps that toggle and edit it, the way back. */

// biome-ignore lint/suspicious/noExplicitAny: API bodies and request params are free-form JSON here
type Json = Record<string, any>;

let tg: FakeTelegram;
let app: TestApp;
let bot: FakeBot;
let channelId: string;
let admin: string;

const db = () => app.services.ctx.db;
const repos = () => app.services.ctx.repos;

let nextMessageId = 700_000;
/** A customer's text (message ids clear of those the fake gives our menus). */
function say(user: TgUser, text: string) {
  const { update_id: _, ...u } = textUpdate(user, text);
  u.message.message_id = nextMessageId += 1000;
  return u;
}

const tap = (user: TgUser, data: string, messageId: number) => tapUpdate(user, data, { messageId });

const keyboardOf = (call: SentCall): Json[][] => {
  const markup = call.params.reply_markup;
  return (typeof markup === 'string' ? JSON.parse(markup) : markup).inline_keyboard;
};
const buttonsOf = (call: SentCall) => keyboardOf(call).flat() as Json[];
const sends = (user: TgUser) => bot.sentTo(user.id).filter((c) => c.method === 'sendMessage');
const edits = (user: TgUser) => bot.sentTo(user.id).filter((c) => c.method === 'editMessageText');
const answers = () => bot.sent.filter((c) => c.method === 'answerCallbackQuery');

/** The id the fake gave the one message our bot sent to this user (the fake also keeps the user's own messages). */
function sentMessageId(user: TgUser): number {
  const ours = [...(bot.messages.get(String(user.id))?.values() ?? [])].filter(
    (m) => (m as Json).from?.is_bot === true,
  );
  expect(ours).toHaveLength(1);
  return ours[0]!.message_id as number;
}

async function contactOf(user: TgUser) {
  return eventually(async () =>
    db()
      .selectFrom('contactChannels as cc')
      .innerJoin('contacts as c', 'c.id', 'cc.contactId')
      .selectAll('c')
      .where('cc.externalId', '=', String(user.id))
      .executeTakeFirst(),
  );
}

const conversationsOf = (user: TgUser) =>
  db().selectFrom('conversations').select('id').where('chatExternalId', '=', String(user.id)).execute();

beforeAll(async () => {
  tg = await FakeTelegram.start({ enforceLimits: false });
  app = await startTestApp({ env: { TELEGRAM_API_ROOT: tg.apiRoot } });
  const created = newBot(tg);
  bot = created.bot;
  channelId = await connectBot(app, created.token);
  await repos().channels.update(channelId, {
    inboxSettings: JSON.stringify({ autoReply: { enabled: false }, csat: { enabled: false } }),
  });
  admin = (await app.userWithRole('admin')).token;
});

afterAll(async () => {
  await app?.stop();
  await tg?.stop();
});

describe('/settings in Telegram', () => {
  it('answers with the types as buttons, toggles one per tap by editing the same message, and stores it', async () => {
    const user = tgUser({ language_code: 'ru' });
    bot.queueUpdate(say(user, '/settings'));
    const menu = await eventually(async () => sends(user)[0]);
    expect(menu.params.text).toMatch(/Уведомления/);
    const labels = buttonsOf(menu).map((b) => b.text);
    // Non-critical types the business has on, in Russian, each on; the critical payment_failed is not offered.
    expect(labels).toEqual(
      expect.arrayContaining(['✅ Новый урок', '✅ Промокод', '✅ Оплата получена', '✅ Новости и акции']),
    );
    expect(labels.some((l) => l.includes('Оплата не прошла'))).toBe(false);

    // The command is not an inbox message: no conversation, no message row.
    const contact = await contactOf(user);
    expect(await conversationsOf(user)).toEqual([]);

    // A tap turns "new lesson" off: stored, answered, and the same message edited to show it.
    const newLesson = buttonsOf(menu).find((b) => b.text === '✅ Новый урок')!;
    const messageId = sentMessageId(user);
    bot.queueUpdate(tap(user, newLesson.callback_data, messageId));
    await eventually(
      async () => (await repos().preferences.get(contact.id))?.types.new_lesson?.enabled === false,
    );
    const edited = await eventually(async () => edits(user)[0]);
    expect(edited.params.message_id).toBe(messageId);
    expect(buttonsOf(edited).map((b) => b.text)).toContain('🔕 Новый урок');
    await eventually(async () => answers().some((a) => a.params.text === 'Выключено'));

    // Tapping the edited button turns it back on.
    const off = buttonsOf(edited).find((b) => b.text === '🔕 Новый урок')!;
    bot.queueUpdate(tap(user, off.callback_data, messageId));
    await eventually(async () => edits(user).length === 2);
    expect(buttonsOf(edits(user)[1]!).map((b) => b.text)).toContain('✅ Новый урок');
    expect((await repos().preferences.get(contact.id))?.types.new_lesson).toBeUndefined();

    // The marketing switch is the contact's `subscribed`; off, the marketing types leave the menu.
    const marketing = buttonsOf(edits(user)[1]!).find((b) => b.text === '✅ Новости и акции')!;
    bot.queueUpdate(tap(user, marketing.callback_data, messageId));
    await eventually(async () => (await repos().contacts.get(contact.id))?.subscribed === false);
    const third = await eventually(async () => edits(user)[2]);
    const thirdLabels = buttonsOf(third).map((b) => b.text);
    expect(thirdLabels).toContain('🔕 Новости и акции');
    expect(thirdLabels.some((l) => l.includes('Промокод'))).toBe(false);

    // Only the one menu was ever sent, and still no conversation.
    expect(sends(user)).toHaveLength(1);
    expect(await conversationsOf(user)).toEqual([]);
    // Each change is audited as the contact's own.
    const audit = await db()
      .selectFrom('auditLog')
      .select(['actorName', 'action'])
      .where('entityId', '=', contact.id)
      .execute();
    expect(audit).toHaveLength(3);
    expect(audit.every((a) => a.action === 'contact.preferences_updated')).toBe(true);
    expect(audit[0]!.actorName).toMatch(/contact/);

    // The business sees the same choice through the API.
    const api = await app.http!.inject({
      method: 'GET',
      url: `/api/v1/contacts/${contact.id}/preferences`,
      headers: bearer(admin),
    });
    expect(api.json()).toMatchObject({ subscribed: false, reachable: { telegram: true } });
  });

  it('speaks English to an English-speaking contact', async () => {
    const user = tgUser({ language_code: 'en' });
    bot.queueUpdate(say(user, '/settings'));
    const menu = await eventually(async () => sends(user)[0]);
    expect(menu.params.text).toMatch(/Notifications/);
    expect(buttonsOf(menu).map((b) => b.text)).toEqual(
      expect.arrayContaining(['✅ New lesson', '✅ News and offers']),
    );
  });

  it('leaves the command in a group to the inbox: preferences are personal', async () => {
    const user = tgUser({ language_code: 'ru' });
    const groupId = -1_000_000_000_000 - user.id;
    nextMessageId += 1000;
    bot.queueUpdate({
      message: {
        message_id: nextMessageId,
        from: { is_bot: false, ...user },
        chat: { id: groupId, type: 'supergroup', title: 'Курс B1' },
        date: Math.floor(Date.now() / 1000),
        text: '/settings',
        entities: [{ type: 'bot_command', offset: 0, length: 9 }],
      },
    });
    await eventually(async () =>
      db()
        .selectFrom('conversations')
        .select('id')
        .where('chatExternalId', '=', String(groupId))
        .executeTakeFirst(),
    );
    expect(bot.sentTo(groupId)).toEqual([]);
  });

  it('marks the identity unreachable when the menu finds the bot blocked', async () => {
    const user = tgUser({ language_code: 'en' });
    bot.blockedBy(user.id);
    bot.queueUpdate(say(user, '/settings'));
    const identity = await eventually(async () =>
      db()
        .selectFrom('contactChannels')
        .select('lastError')
        .where('externalId', '=', String(user.id))
        .where('reachable', '=', false)
        .executeTakeFirst(),
    );
    expect(identity.lastError).toMatch(/blocked/);
    expect(sends(user)).toEqual([]);
  });

  it('leaves other commands and texts to the inbox', async () => {
    const user = tgUser({ language_code: 'ru' });
    bot.queueUpdate(say(user, '/help'));
    await eventually(async () => (await conversationsOf(user)).length === 1);
    expect(sends(user)).toEqual([]);
  });
});

describe('/stop in Telegram', () => {
  it('unsubscribes from marketing and offers one tap back, which edits the message', async () => {
    const user = tgUser({ language_code: 'ru' });
    bot.queueUpdate(say(user, '/stop'));
    const stopped = await eventually(async () => sends(user)[0]);
    expect(stopped.params.text).toMatch(/отписались/);
    const contact = await contactOf(user);
    expect((await repos().contacts.get(contact.id))?.subscribed).toBe(false);
    expect(await conversationsOf(user)).toEqual([]);

    const [again] = buttonsOf(stopped);
    expect(again!.text).toBe('🔔 Подписаться снова');
    const messageId = sentMessageId(user);
    bot.queueUpdate(tap(user, again!.callback_data, messageId));
    await eventually(async () => (await repos().contacts.get(contact.id))?.subscribed === true);
    const back = await eventually(async () => edits(user)[0]);
    expect(back.params.message_id).toBe(messageId);
    expect(back.params.text).toMatch(/снова подписаны/);

    // …and from there the settings, in the same message.
    const [open] = buttonsOf(back);
    bot.queueUpdate(tap(user, open!.callback_data, messageId));
    const settings = await eventually(async () => edits(user)[1]);
    expect(buttonsOf(settings).map((b) => b.text)).toContain('✅ Новости и акции');
    expect(sends(user)).toHaveLength(1);
  });
});

describe('command names per channel', () => {
  it('uses settingsCommand and stopCommand from the channel settings, refusing bad names', async () => {
    const patch = (settings: Json) =>
      app.http!.inject({
        method: 'PATCH',
        url: `/api/v1/channels/${channelId}`,
        headers: bearer(admin),
        payload: { settings },
      });
    const bad = await patch({ settingsCommand: 'Настройки' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0].path).toBe('/settings/settingsCommand');
    const same = await patch({ settingsCommand: 'stop' });
    expect(same.statusCode).toBe(400);
    expect(same.json().error.details[0].message).toMatch(/differ/);
    const ok = await patch({ settingsCommand: 'prefs', stopCommand: 'unsubscribe' });
    expect(ok.statusCode, ok.body).toBe(200);

    const user = tgUser({ language_code: 'en' });
    bot.queueUpdate(say(user, '/prefs'));
    const menu = await eventually(async () => sends(user)[0]);
    expect(menu.params.text).toMatch(/Notifications/);
    // The default name is now an ordinary message for the inbox.
    bot.queueUpdate(say(user, '/settings'));
    await eventually(async () => (await conversationsOf(user)).length === 1);
    bot.queueUpdate(say(user, '/unsubscribe'));
    await eventually(async () => sends(user).length === 2);
    expect(sends(user)[1]!.params.text).toMatch(/unsubscribed/);
    await patch({});
  });
});
