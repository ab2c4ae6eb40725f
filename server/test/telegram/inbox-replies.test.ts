import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '../../src/db/schema.ts';
import type { Clock } from '../../src/lib/clock.ts';
import { REALTIME_CHANNEL } from '../../src/realtime/event-map.ts';
import { type FakeBot, FakeTelegram } from '../fakes/telegram/index.ts';
import { bearer, startTestApp, type TestApp } from '../support/test-app.ts';
import { connectBot, eventually, newBot, textUpdate, tgUser } from './receiving.helpers.ts';
import { conversationFor } from './sending.helpers.ts';

/** Replies, notes and mentions, edits and deletes, typing, starting conversations and auto-replies, against the fake. */

// biome-ignore lint/suspicious/noExplicitAny: API bodies and request params are free-form JSON here
type Json = Record<string, any>;

/** The services' clock, pinned to an instant when a test needs one (business hours), else the wall clock. */
class PinnedClock implements Clock {
  at: Date | null = null;
  now(): Date {
    return this.at ?? new Date();
  }
}

const clock = new PinnedClock();
let tg: FakeTelegram;
let app: TestApp;
let bot: FakeBot;
let channelId: string;
let admin: { id: string; token: string };
let agent: { id: string; token: string };
let outsider: { id: string; token: string };
let listener: pg.Client;
const events: Json[] = [];

const db = () => app.services.ctx.db;
const repos = () => app.services.ctx.repos;

function call(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, token: string, payload?: Json) {
  return app.http!.inject({ method, url, headers: bearer(token), ...(payload ? { payload } : {}) });
}

/** Settles a queued reply (sent or failed). */
function settled(id: string): Promise<Message> {
  return eventually(
    async () => {
      const m = await repos().messages.get(id);
      return m && (m.deliveryStatus === 'sent' || m.deliveryStatus === 'failed') ? m : undefined;
    },
    30_000,
    `message ${id} settled`,
  );
}

let nextMessageId = 900_000;
/**
 * A customer's text message with a message id of its own: textUpdate derives ids from update ids, which can collide with
 * the ids the fake gives our replies in the same chat (Telegram numbers both in one sequence).
 */
function say(user: Parameters<typeof textUpdate>[0], text: string) {
  const u = textUpdate(user, text);
  u.message.message_id = nextMessageId += 1000;
  return u;
}

async function setInboxSettings(settings: Json): Promise<void> {
  await repos().channels.update(channelId, { inboxSettings: JSON.stringify(settings) });
}

beforeAll(async () => {
  tg = await FakeTelegram.start({ enforceLimits: false });
  app = await startTestApp({ env: { TELEGRAM_API_ROOT: tg.apiRoot }, clock });
  const created = newBot(tg);
  bot = created.bot;
  channelId = await connectBot(app, created.token);
  // No auto-replies unless a test turns them on: they would add messages to every chat.
  await setInboxSettings({ autoReply: { enabled: false } });
  const a = await app.userWithRole('admin', { email: `h3-admin-${process.pid}@example.com` });
  admin = { id: a.user.id, token: a.token };
  const g = await app.userWithRole('agent', { email: `h3-agent-${process.pid}@example.com` });
  agent = { id: g.user.id, token: g.token };
  const o = await app.userWithRole('agent');
  outsider = { id: o.user.id, token: o.token };
  // The agent works this channel (sees its unassigned conversations); the outsider does not.
  await db().insertInto('channelMembers').values({ channelId, userId: agent.id }).execute();
  listener = new pg.Client({ connectionString: app.databaseUrl });
  await listener.connect();
  listener.on('notification', (n) => events.push(JSON.parse(n.payload!)));
  await listener.query(`listen ${REALTIME_CHANNEL}`);
});

afterEach(() => {
  clock.at = null;
});

afterAll(async () => {
  await listener?.end();
  await app?.stop();
  await tg?.stop();
});

describe('replies and private notes', () => {
  it('never sends a note, and only a reply clears waitingSince and sets firstReplyAt once', async () => {
    const { conversationId, chatId } = await conversationFor(db(), channelId);
    const waiting = new Date(Date.now() - 60_000);
    await db()
      .updateTable('conversations')
      .set({ waitingSince: waiting })
      .where('id', '=', conversationId)
      .execute();

    const note = await call('POST', `/api/v1/conversations/${conversationId}/messages`, agent.token, {
      content: 'Customer is a VIP, be nice',
      private: true,
    });
    expect(note.statusCode, note.body).toBe(201);
    expect(note.json()).toMatchObject({ messageType: 'note', senderType: 'user', deliveryStatus: null });
    let conv = (await repos().conversations.get(conversationId))!;
    expect(conv.waitingSince?.toISOString()).toBe(waiting.toISOString());
    expect(conv.firstReplyAt).toBeNull();

    const first = await call('POST', `/api/v1/conversations/${conversationId}/messages`, agent.token, {
      content: 'Hello!',
    });
    expect(first.statusCode, first.body).toBe(201);
    await settled(first.json().id);
    conv = (await repos().conversations.get(conversationId))!;
    expect(conv.waitingSince).toBeNull();
    const firstReplyAt = conv.firstReplyAt;
    expect(firstReplyAt).not.toBeNull();

    await db()
      .updateTable('conversations')
      .set({ waitingSince: new Date() })
      .where('id', '=', conversationId)
      .execute();
    const second = await call('POST', `/api/v1/conversations/${conversationId}/messages`, agent.token, {
      content: 'Anything else?',
    });
    await settled(second.json().id);
    conv = (await repos().conversations.get(conversationId))!;
    expect(conv.waitingSince).toBeNull();
    expect(conv.firstReplyAt?.toISOString()).toBe(firstReplyAt!.toISOString());
    // Both replies reached the chat, the note never did.
    expect(bot.sentTo(chatId).map((c) => c.params.text)).toEqual(['Hello!', 'Anything else?']);
  });

  it('refuses content over 150,000 characters and more than 15 attachments, naming the field', async () => {
    const { conversationId } = await conversationFor(db(), channelId);
    const long = await call('POST', `/api/v1/conversations/${conversationId}/messages`, agent.token, {
      content: 'x'.repeat(150_001),
      private: true,
    });
    expect(long.statusCode).toBe(400);
    expect(long.json().error.details[0].path).toBe('body/content');
    const many = await call('POST', `/api/v1/conversations/${conversationId}/messages`, agent.token, {
      content: 'files',
      attachmentIds: Array.from({ length: 16 }, () => crypto.randomUUID()),
    });
    expect(many.statusCode).toBe(400);
    expect(many.json().error.details[0].path).toBe('body/attachmentIds');
    // 150,000 characters are accepted (a note, so nothing is sent).
    const max = await call('POST', `/api/v1/conversations/${conversationId}/messages`, agent.token, {
      content: 'y'.repeat(150_000),
      private: true,
    });
    expect(max.statusCode, max.body).toBe(201);
  });

  it('hides conversations an agent cannot see (404) and refuses replies from readonly (403)', async () => {
    const { conversationId } = await conversationFor(db(), channelId);
    const hidden = await call('POST', `/api/v1/conversations/${conversationId}/messages`, outsider.token, {
      content: 'hi',
      private: true,
    });
    expect(hidden.statusCode).toBe(404);
    const readonly = (await app.userWithRole('readonly')).token;
    const refused = await call('POST', `/api/v1/conversations/${conversationId}/messages`, readonly, {
      content: 'hi',
    });
    expect(refused.statusCode).toBe(403);
  });
});

describe('mentions in notes', () => {
  it('notifies mentioned users who can see the conversation, by markup and by email local part', async () => {
    const { conversationId } = await conversationFor(db(), channelId);
    const before = events.length;
    const res = await call('POST', `/api/v1/conversations/${conversationId}/messages`, agent.token, {
      content: `@[Boss](${admin.id}) and @h3-agent-${process.pid} (self) and @[Outsider](${outsider.id}), look`,
      private: true,
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().contentAttributes.mentions).toEqual([admin.id]);

    const rows = await db()
      .selectFrom('userNotifications')
      .selectAll()
      .where('conversationId', '=', conversationId)
      .execute();
    // The author is not notified of their own mention; the outsider cannot see the conversation.
    expect(rows.map((r) => [r.userId, r.kind, r.messageId, r.actorId])).toEqual([
      [admin.id, 'mention', res.json().id, agent.id],
    ]);
    const live = await eventually(async () =>
      events.slice(before).find((e) => e.event === 'notification.created'),
    );
    expect(live.room).toBe(`user:${admin.id}`);
    expect(live.data.notification).toMatchObject({ kind: 'mention', conversationId, readAt: null });

    // The shorthand names the agent when the admin writes.
    const back = await call('POST', `/api/v1/conversations/${conversationId}/messages`, admin.token, {
      content: `@H3-agent-${process.pid}, please take it`,
      private: true,
    });
    expect(back.json().contentAttributes.mentions).toEqual([agent.id]);
  });

  it("lists, marks read and dismisses the user's notifications under /me", async () => {
    const mine = await call('GET', '/api/v1/me/notifications?unread=true', admin.token);
    expect(mine.statusCode, mine.body).toBe(200);
    expect(mine.json().unreadCount).toBeGreaterThan(0);
    const first = mine.json().data[0];
    const patched = await call('PATCH', `/api/v1/me/notifications/${first.id}`, admin.token, { read: true });
    expect(patched.json().readAt).not.toBeNull();
    // Another user's notification is not found for me.
    expect(
      (await call('PATCH', `/api/v1/me/notifications/${first.id}`, agent.token, { read: true })).statusCode,
    ).toBe(404);
    const all = await call('POST', '/api/v1/me/notifications/read', admin.token, {});
    expect(all.statusCode).toBe(200);
    expect((await call('GET', '/api/v1/me/notifications', admin.token)).json().unreadCount).toBe(0);
    expect((await call('DELETE', `/api/v1/me/notifications/${first.id}`, admin.token)).statusCode).toBe(204);
    const key = await app.apiKeyWithRole('admin');
    expect((await call('GET', '/api/v1/me/notifications', key)).statusCode).toBe(400);
  });
});

describe('editing and deleting sent messages', () => {
  it('edits on Telegram with editMessageText, keeping the previous version', async () => {
    const { conversationId, chatId } = await conversationFor(db(), channelId);
    const res = await call('POST', `/api/v1/conversations/${conversationId}/messages`, agent.token, {
      content: 'Your order ships <b>tomorrow</b>',
    });
    const sent = await settled(res.json().id);
    const edited = await call(
      'PATCH',
      `/api/v1/conversations/${conversationId}/messages/${sent.id}`,
      agent.token,
      { content: 'Your order ships <b>today</b>' },
    );
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json().editedAt).not.toBeNull();
    expect(edited.json().editHistory).toMatchObject([{ content: 'Your order ships <b>tomorrow</b>' }]);
    const call1 = await eventually(async () =>
      bot.sentTo(chatId).find((c) => c.method === 'editMessageText'),
    );
    expect(call1.params).toMatchObject({
      text: 'Your order ships <b>today</b>',
      message_id: Number(sent.sourceId),
    });
    const synced = await eventually(async () => {
      const m = await repos().messages.get(sent.id);
      return (m?.contentAttributes as Json | undefined)?.remoteEdit?.status === 'synced' ? m : undefined;
    });
    expect(synced!.content).toBe('Your order ships <b>today</b>');

    // Another agent may not edit it; the admin may.
    await db().insertInto('channelMembers').values({ channelId, userId: outsider.id }).execute();
    const foreign = await call(
      'PATCH',
      `/api/v1/conversations/${conversationId}/messages/${sent.id}`,
      outsider.token,
      { content: 'mine now' },
    );
    await db().deleteFrom('channelMembers').where('userId', '=', outsider.id).execute();
    expect(foreign.statusCode).toBe(403);
    const byAdmin = await call(
      'PATCH',
      `/api/v1/conversations/${conversationId}/messages/${sent.id}`,
      admin.token,
      { content: 'Ships today, <i>promise</i>' },
    );
    expect(byAdmin.statusCode).toBe(200);
    const bad = await call(
      'PATCH',
      `/api/v1/conversations/${conversationId}/messages/${sent.id}`,
      admin.token,
      {
        content: '<script>x</script>',
      },
    );
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0].path).toBe('/content');
  });

  it('deletes on Telegram with deleteMessage, hiding the content but keeping the row', async () => {
    const { conversationId, chatId } = await conversationFor(db(), channelId);
    const res = await call('POST', `/api/v1/conversations/${conversationId}/messages`, agent.token, {
      content: 'Oops, wrong chat',
    });
    const sent = await settled(res.json().id);
    const del = await call(
      'DELETE',
      `/api/v1/conversations/${conversationId}/messages/${sent.id}`,
      agent.token,
    );
    expect(del.statusCode, del.body).toBe(200);
    expect(del.json()).toMatchObject({ content: null, contentAttributes: { deleted: true } });
    expect(del.json().deletedAt).not.toBeNull();
    const gone = await eventually(async () => bot.sentTo(chatId).find((c) => c.method === 'deleteMessage'));
    expect(gone.params.message_id).toBe(Number(sent.sourceId));
    const row = (await repos().messages.get(sent.id))!;
    expect(row.content).toBe('Oops, wrong chat');
    expect(row.deletedAt).not.toBeNull();
    const again = await call(
      'DELETE',
      `/api/v1/conversations/${conversationId}/messages/${sent.id}`,
      agent.token,
    );
    expect(again.statusCode).toBe(409);
  });

  it('refuses deleting a message sent more than 48 hours ago (Telegram would refuse it)', async () => {
    const { conversationId } = await conversationFor(db(), channelId);
    const res = await call('POST', `/api/v1/conversations/${conversationId}/messages`, agent.token, {
      content: 'old news',
    });
    const sent = await settled(res.json().id);
    await db()
      .updateTable('messages')
      .set({ sentAt: sql`now() - interval '49 hours'` })
      .where('id', '=', sent.id)
      .execute();
    const del = await call(
      'DELETE',
      `/api/v1/conversations/${conversationId}/messages/${sent.id}`,
      agent.token,
    );
    expect(del.statusCode).toBe(409);
    expect(del.json().error.message).toMatch(/48 hours/);
  });

  it('edits and deletes notes locally: nothing reaches Telegram', async () => {
    const { conversationId, chatId } = await conversationFor(db(), channelId);
    const note = await call('POST', `/api/v1/conversations/${conversationId}/messages`, agent.token, {
      content: 'first thought',
      private: true,
    });
    const id = note.json().id as string;
    const edited = await call(
      'PATCH',
      `/api/v1/conversations/${conversationId}/messages/${id}`,
      agent.token,
      {
        content: 'second thought',
      },
    );
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json()).toMatchObject({
      content: 'second thought',
      editHistory: [{ content: 'first thought' }],
    });
    const deleted = await call(
      'DELETE',
      `/api/v1/conversations/${conversationId}/messages/${id}`,
      agent.token,
    );
    expect(deleted.json()).toMatchObject({
      content: null,
      editHistory: [],
      contentAttributes: { deleted: true },
    });
    const page = await call('GET', `/api/v1/conversations/${conversationId}/messages`, admin.token);
    expect(page.json().data.find((m: Json) => m.id === id)).toMatchObject({ content: null });
    expect(page.json().data.find((m: Json) => m.id === id).deletedAt).not.toBeNull();
    expect(bot.sentTo(chatId)).toEqual([]);
  });

  it('does not let incoming messages be edited', async () => {
    const user = tgUser();
    bot.queueUpdate(say(user, 'hello there'));
    const incoming = await eventually(async () =>
      db()
        .selectFrom('messages as m')
        .innerJoin('conversations as c', 'c.id', 'm.conversationId')
        .selectAll('m')
        .where('c.chatExternalId', '=', String(user.id))
        .executeTakeFirst(),
    );
    const res = await call(
      'PATCH',
      `/api/v1/conversations/${incoming.conversationId}/messages/${incoming.id}`,
      admin.token,
      { content: 'rewritten' },
    );
    expect(res.statusCode).toBe(409);
  });
});

describe('typing', () => {
  it('shows typing on Telegram and tells other agents, and sends nothing when the agent stops', async () => {
    const { conversationId, chatId } = await conversationFor(db(), channelId);
    const before = events.length;
    const on = await call('POST', `/api/v1/conversations/${conversationId}/typing`, agent.token, {});
    expect(on.statusCode, on.body).toBe(204);
    const off = await call('POST', `/api/v1/conversations/${conversationId}/typing`, agent.token, {
      on: false,
    });
    expect(off.statusCode).toBe(204);
    expect(bot.sentTo(chatId).map((c) => [c.method, c.params.action])).toEqual([
      ['sendChatAction', 'typing'],
    ]);
    const typing = await eventually(async () => {
      const list = events.slice(before).filter((e) => e.event === 'conversation.typing');
      return list.length === 2 ? list : undefined;
    });
    expect(typing.map((e) => [e.room, e.data])).toEqual([
      ['conversations', { conversationId, userId: agent.id, on: true }],
      ['conversations', { conversationId, userId: agent.id, on: false }],
    ]);
  });
});

describe('starting a conversation from our side', () => {
  it('opens a conversation on the reachable identity, then reuses it', async () => {
    const chatId = 730_000_000 + Math.floor(Math.random() * 1_000_000);
    const contact = await repos().contacts.create({ firstName: 'Outbound' });
    await repos().identities.create(contact.id, channelId, String(chatId), new Date());
    const first = await call('POST', `/api/v1/contacts/${contact.id}/messages`, agent.token, {
      content: 'Your subscription ends tomorrow',
    });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({
      conversationCreated: true,
      conversation: { contactId: contact.id, channelId, chatKind: 'private', firstReplyAt: null },
      message: { messageType: 'outgoing', deliveryStatus: 'queued' },
    });
    await settled(first.json().message.id);
    expect(bot.sentTo(chatId).map((c) => c.params.text)).toEqual(['Your subscription ends tomorrow']);

    const key = await app.apiKeyWithRole('agent');
    const second = await call('POST', `/api/v1/contacts/${contact.id}/messages`, key, {
      content: 'Reminder',
      channelId,
    });
    expect(second.statusCode, second.body).toBe(201);
    expect(second.json().conversationCreated).toBe(false);
    expect(second.json().conversation.id).toBe(first.json().conversation.id);
    expect(second.json().message.senderType).toBe('bot');
  });

  it('refuses with 409 and the reason when the contact never started the bot or blocked it', async () => {
    const stranger = await repos().contacts.create({ firstName: 'Never wrote' });
    const never = await call('POST', `/api/v1/contacts/${stranger.id}/messages`, agent.token, {
      content: 'hi',
    });
    expect(never.statusCode).toBe(409);
    expect(never.json().error.message).toMatch(/never started the bot/);

    const blocker = await repos().contacts.create({ firstName: 'Blocked us' });
    const identity = await repos().identities.create(blocker.id, channelId, '731999999', new Date());
    await repos().identities.setReachable(identity.id, false, 'Forbidden: bot was blocked by the user');
    const blocked = await call('POST', `/api/v1/contacts/${blocker.id}/messages`, agent.token, {
      content: 'hi',
      channelId,
    });
    expect(blocked.statusCode).toBe(409);
    expect(blocked.json().error.message).toMatch(/blocked by the user/);

    const marketing = (await app.userWithRole('marketing')).token;
    expect(
      (await call('POST', `/api/v1/contacts/${blocker.id}/messages`, marketing, { content: 'x' })).statusCode,
    ).toBe(403);
    const missing = await call('POST', `/api/v1/contacts/${crypto.randomUUID()}/messages`, agent.token, {
      content: 'x',
    });
    expect(missing.statusCode).toBe(404);
  });
});

describe('auto-reply', () => {
  const conversationOfChat = (chatId: number) =>
    eventually(async () =>
      db()
        .selectFrom('conversations')
        .selectAll()
        .where('channelId', '=', channelId)
        .where('chatExternalId', '=', String(chatId))
        .executeTakeFirst(),
    );
  const autoReplies = (chatId: number) => bot.sentTo(chatId).filter((c) => c.method === 'sendMessage');

  it('answers a new conversation once, in the contact language, as a bot message that answers nobody', async () => {
    await setInboxSettings({});
    try {
      const ru = tgUser({ language_code: 'ru' });
      bot.queueUpdate(say(ru, 'Здравствуйте'));
      const conv = await conversationOfChat(ru.id);
      await eventually(async () => autoReplies(ru.id).length === 1);
      bot.queueUpdate(say(ru, 'Вы тут?'));
      await eventually(async () => {
        const n = await db()
          .selectFrom('messages')
          .select(sql<number>`count(*)::int`.as('n'))
          .where('conversationId', '=', conv.id)
          .where('messageType', '=', 'incoming')
          .executeTakeFirstOrThrow();
        return n.n === 2;
      });
      const reply = await eventually(async () =>
        db()
          .selectFrom('messages')
          .selectAll()
          .where('conversationId', '=', conv.id)
          .where('messageType', '=', 'outgoing')
          .where('deliveryStatus', '=', 'sent')
          .executeTakeFirst(),
      );
      expect(reply).toMatchObject({ senderType: 'bot', senderUserId: null });
      expect(reply.content).toBe('Спасибо за обращение! Мы ответим в течение 24 часов.');
      // A second run of the job (a retry) sends nothing more.
      await app.services.autoReply.send(conv.id);
      const after = (await repos().conversations.get(conv.id))!;
      expect(after.autoReplySentAt).not.toBeNull();
      expect(after.firstReplyAt).toBeNull();
      expect(after.waitingSince).not.toBeNull();
      expect(autoReplies(ru.id).map((c) => c.params.text)).toEqual([
        'Спасибо за обращение! Мы ответим в течение 24 часов.',
      ]);

      const en = tgUser({ language_code: 'en', username: 'en_user' });
      bot.queueUpdate(say(en, 'Hi'));
      await eventually(async () => autoReplies(en.id).length === 1);
      expect(autoReplies(en.id)[0]!.params.text).toBe(
        'Thank you for contacting us! We will reply within 24 hours.',
      );
    } finally {
      await setInboxSettings({ autoReply: { enabled: false } });
    }
  });

  it('picks the out-of-hours message outside business hours and the usual one inside (pinned clock)', async () => {
    const week = {
      mon: [{ from: '09:00', to: '18:00' }],
      tue: [],
      wed: [],
      thu: [],
      fri: [],
      sat: [],
      sun: [],
    };
    await setInboxSettings({
      autoReply: {
        enabled: true,
        message: { ru: 'Мы на связи', en: 'We are here' },
        outOfHoursMessage: { ru: 'Мы не работаем', en: 'We are closed' },
      },
      businessHours: { enabled: true, timezone: 'Europe/Moscow', week },
    });
    try {
      // Monday 2026-11-23, 20:00 in Moscow: closed.
      clock.at = new Date('2026-11-23T17:00:00Z');
      const late = tgUser({ language_code: 'en' });
      bot.queueUpdate(say(late, 'Hello?'));
      await eventually(async () => autoReplies(late.id).length === 1);
      expect(autoReplies(late.id)[0]!.params.text).toBe('We are closed');

      // Monday 2026-11-23, 10:00 in Moscow: open.
      clock.at = new Date('2026-11-23T07:00:00Z');
      const early = tgUser({ language_code: 'ru' });
      bot.queueUpdate(say(early, 'Добрый день'));
      await eventually(async () => autoReplies(early.id).length === 1);
      expect(autoReplies(early.id)[0]!.params.text).toBe('Мы на связи');
    } finally {
      await setInboxSettings({ autoReply: { enabled: false } });
    }
  });

  it('sends nothing when auto-reply is off', async () => {
    const user = tgUser();
    bot.queueUpdate(say(user, 'no auto reply please'));
    const conv = await conversationOfChat(user.id);
    // Whenever the job runs, it finds auto-reply off and neither claims nor sends.
    await app.services.autoReply.send(conv.id);
    expect((await repos().conversations.get(conv.id))!.autoReplySentAt).toBeNull();
    expect(autoReplies(user.id)).toEqual([]);
  });
});
