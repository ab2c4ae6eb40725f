import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REALTIME_CHANNEL } from '../../src/realtime/event-map.ts';
import { FLOOD_LIMIT } from '../../src/services/flood-guard.ts';
import type { FakeBot } from '../fakes/telegram/index.ts';
import { FakeTelegram } from '../fakes/telegram/index.ts';
import { bearer, startTestApp, type TestApp } from '../support/test-app.ts';
import {
  callbackUpdate,
  connectBot,
  contactOf,
  eventually,
  newBot,
  type TgUser,
  textUpdate,
  tgUser,
} from './receiving.helpers.ts';

/** Received updates end as messages in conversations, with realtime events, through the real receive path. */

// biome-ignore lint/suspicious/noExplicitAny: update payloads and API bodies are free-form JSON here
type Json = Record<string, any>;
type Event = { room: string; event: string; data: Json };

let tg: FakeTelegram;
let bot: FakeBot;
let app: TestApp;
let channelId: string;
let token: string;
let listener: pg.Client;
const events: Event[] = [];

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/telegram');
let nextUpdateId = 700_000_001;

/** A real update payload from the fixtures, re-addressed to `user` (private chat) with a fresh update id. */
function fixture(name: string, user: TgUser): Json {
  const u = JSON.parse(readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8')) as Json;
  u.update_id = nextUpdateId++;
  const m = u.message ?? u.edited_message ?? u.callback_query;
  m.from = { is_bot: false, ...user };
  const msg = u.callback_query ? m.message : m;
  if (msg?.chat?.type === 'private') msg.chat = { id: user.id, first_name: user.first_name, type: 'private' };
  return u;
}

/** The same message delivered again in a new update (Telegram resends after a webhook timeout). */
const again = (u: Json): Json => ({ ...structuredClone(u), update_id: nextUpdateId++ });

/** Stores and processes updates one after another, as the per-chat job queue does. */
async function receive(...updates: Json[]): Promise<void> {
  for (const u of updates) {
    const id = await app.services.ctx.repos.telegramUpdates.insert(channelId, u.update_id, u);
    if (id === null) throw new Error('already stored');
    await app.services.telegram.process(id);
  }
}

const db = () => app.services.ctx.db;

/** The conversations of a chat on the test channel. */
const conversationsOf = (chatId: number | string) =>
  db()
    .selectFrom('conversations')
    .selectAll()
    .where('channelId', '=', channelId)
    .where('chatExternalId', '=', String(chatId))
    .orderBy('createdAt')
    .execute();

const messagesOf = (conversationId: string) =>
  db()
    .selectFrom('messages')
    .selectAll()
    .where('conversationId', '=', conversationId)
    .orderBy('createdAt')
    .orderBy('sourceId')
    .execute();

async function onlyConversation(chatId: number | string) {
  const list = await conversationsOf(chatId);
  expect(list).toHaveLength(1);
  return list[0]!;
}

let admin: string;
const get = (url: string, credential = admin) =>
  app.http!.inject({ method: 'GET', url, headers: bearer(credential) });

beforeAll(async () => {
  tg = await FakeTelegram.start();
  // An api process: no job runner, no pollers; the tests process stored updates themselves, in order.
  app = await startTestApp({ role: 'api', env: { TELEGRAM_API_ROOT: tg.apiRoot } });
  const b = newBot(tg);
  bot = b.bot;
  token = b.token;
  channelId = await connectBot(app, token);
  admin = (await app.userWithRole('admin')).token;
  listener = new pg.Client({ connectionString: app.databaseUrl });
  await listener.connect();
  listener.on('notification', (n) => events.push(JSON.parse(n.payload!) as Event));
  await listener.query(`listen ${REALTIME_CHANNEL}`);
});
afterAll(async () => {
  await listener?.end();
  await app?.stop();
  await tg?.stop();
});

describe('recording received messages', () => {
  const KINDS = [
    'text_entities',
    'photo_caption',
    'document',
    'video',
    'voice',
    'audio',
    'sticker',
    'animation',
    'location',
    'contact',
  ];

  it('stores every kind once as a message of the private conversation, also when delivered again', async () => {
    const user = tgUser();
    const updates = KINDS.map((k) => fixture(k, user));
    await receive(...updates);
    await receive(...updates.map(again));

    const conversation = await onlyConversation(user.id);
    const [contact] = await contactOf(app, channelId, user.id);
    expect(conversation).toMatchObject({
      chatKind: 'private',
      contactId: contact!.id,
      status: 'open',
      title: null,
    });
    const messages = await messagesOf(conversation.id);
    expect(messages).toHaveLength(KINDS.length);
    expect(new Set(messages.map((m) => m.sourceId)).size).toBe(KINDS.length);
    const byKind = new Map(messages.map((m) => [m.contentAttributes.rawKind as string, m]));
    expect([...byKind.keys()].sort()).toEqual(
      [
        'text',
        'photo',
        'document',
        'video',
        'voice',
        'audio',
        'sticker',
        'animation',
        'location',
        'contact',
      ].sort(),
    );
    for (const m of messages)
      expect(m).toMatchObject({
        messageType: 'incoming',
        senderType: 'contact',
        senderContactId: contact!.id,
      });

    const text = byKind.get('text')!;
    expect(text.content).toContain('Заказ #4521');
    expect(text.contentAttributes.entities).toEqual([
      { type: 'hashtag', offset: 20, length: 5 },
      { type: 'url', offset: 43, length: 30 },
      { type: 'bold', offset: 78, length: 4 },
    ]);
    const photo = byKind.get('photo')!;
    expect(photo.content).toBe('Broken box on arrival');
    expect(photo.contentAttributes).toMatchObject({
      mediaGroupId: '13872650381946522',
      entities: [{ type: 'italic', offset: 0, length: 10 }],
    });
    expect(byKind.get('location')!.contentAttributes.location).toMatchObject({
      latitude: expect.any(Number),
    });
    expect(byKind.get('contact')!.contentAttributes.contactCard).toMatchObject({
      phoneNumber: '+79161234567',
      firstName: 'Иван',
      userExternalId: '623456789',
    });

    // Files: metadata at once (pending), one download job each, and none for the messages without files.
    const attachments = await app.services.ctx.repos.attachments.listForMessages(messages.map((m) => m.id));
    expect(attachments.map((a) => a.kind).sort()).toEqual(
      ['animation', 'audio', 'document', 'photo', 'sticker', 'video', 'voice'].sort(),
    );
    expect(attachments.every((a) => a.storageStatus === 'pending' && a.externalFileId)).toBe(true);
    const photoFile = attachments.find((a) => a.kind === 'photo')!;
    expect(photoFile).toMatchObject({
      messageId: photo.id,
      width: 1280,
      height: 960,
      externalUniqueId: 'AQADlarge',
    });
    const jobs = await sql<{ attachmentId: string }>`
      select j.payload->>'attachmentId' as "attachmentId"
      from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
      where t.identifier = 'files.download'
    `.execute(db());
    const queued = jobs.rows.map((j) => j.attachmentId);
    for (const a of attachments) expect(queued.filter((id) => id === a.id)).toHaveLength(1);
  });

  it('stores an edit as a new version of the original with its history, and ignores a stale repeat', async () => {
    const user = tgUser();
    const original = fixture('text_entities', user);
    const edit = fixture('edited_message', user);
    edit.edited_message.message_id = original.message.message_id;
    await receive(original, edit, again(edit));

    const conversation = await onlyConversation(user.id);
    const [message, ...rest] = await messagesOf(conversation.id);
    expect(rest).toHaveLength(0);
    expect(message!.content).toBe('Здравствуйте! Заказ #4521 не пришёл');
    expect(message!.editedAt?.toISOString()).toBe(new Date(1_763_785_295_000).toISOString());
    expect(message!.editHistory).toEqual([
      {
        content: original.message.text,
        contentAttributes: expect.objectContaining({ rawKind: 'text' }),
        editedAt: null,
      },
    ]);
  });

  it('stores an edit of a message it never saw as a new message marked edited', async () => {
    const user = tgUser();
    await receive(fixture('edited_message', user));
    const [message] = await messagesOf((await onlyConversation(user.id)).id);
    expect(message).toMatchObject({ content: 'Здравствуйте! Заказ #4521 не пришёл', editHistory: [] });
    expect(message!.editedAt).not.toBeNull();
  });

  it('links a reply to the replied message, and keeps the platform id when that message is unknown', async () => {
    const user = tgUser();
    const first = textUpdate(user, 'My order is late');
    const reply = fixture('reply', user);
    reply.message.reply_to_message.message_id = first.message.message_id;
    const orphan = fixture('reply', user);
    orphan.message.message_id = reply.message.message_id + 1;
    orphan.message.reply_to_message.message_id = 999_999;
    await receive(first, reply, orphan);

    const messages = await messagesOf((await onlyConversation(user.id)).id);
    const byContent = (c: string, i = 0) => messages.filter((m) => m.content === c)[i]!;
    const original = byContent('My order is late');
    expect(byContent('5 stars, thanks!', 0)).toMatchObject({
      replyToId: original.id,
      contentAttributes: expect.objectContaining({ replyToSourceId: String(first.message.message_id) }),
    });
    expect(byContent('5 stars, thanks!', 1)).toMatchObject({
      replyToId: null,
      contentAttributes: expect.objectContaining({ replyToSourceId: '999999' }),
    });
  });

  it('keeps /start and its deep-link payload on the message', async () => {
    const user = tgUser();
    await receive(textUpdate(user, '/start promo_42'));
    const [message] = await messagesOf((await onlyConversation(user.id)).id);
    expect(message!.contentAttributes).toMatchObject({
      isStart: true,
      startPayload: 'promo_42',
      rawKind: 'text',
    });
  });

  it('makes a group its own conversation with members as contacts, and a new title follows', async () => {
    const group = -1_001_900_000_001;
    const inGroup = (u: TgUser, text: string, title = 'Beta testers') => {
      const update = textUpdate(u, text);
      update.message.chat = { id: group, type: 'supergroup', title } as never;
      return update;
    };
    const tom = tgUser({ first_name: 'Tom' });
    const ann = tgUser({ first_name: 'Ann' });
    await receive(inGroup(tom, 'who handles refunds?'), inGroup(ann, 'me'), inGroup(tom, 'thanks', 'Beta'));

    const conversation = await onlyConversation(group);
    expect(conversation).toMatchObject({ chatKind: 'group', contactId: null, title: 'Beta' });
    const [tomContact] = await contactOf(app, channelId, tom.id);
    const [annContact] = await contactOf(app, channelId, ann.id);
    expect((await messagesOf(conversation.id)).map((m) => [m.content, m.senderContactId])).toEqual([
      ['who handles refunds?', tomContact!.id],
      ['me', annContact!.id],
      ['thanks', tomContact!.id],
    ]);
    // Group members get no private conversation from writing in the group.
    expect(await conversationsOf(tom.id)).toHaveLength(0);
  });
});

describe('a group that became a supergroup', () => {
  const oldId = -4_012_345_678;
  const newId = -1_002_233_445_566;
  const inChat = (u: TgUser, chatId: number, messageId: number, text: string) => {
    const update = textUpdate(u, text);
    update.message.message_id = messageId;
    update.message.chat = {
      id: chatId,
      type: chatId < -1e12 ? 'supergroup' : 'group',
      title: 'Support Team',
    } as never;
    return update;
  };
  const migrateTo = () => fixture('migrate_to_chat_id', tgUser());
  const migrateFrom = () => fixture('migrate_from_chat_id', tgUser());

  it('keeps its history under the new id, once, even with message ids numbered afresh', async () => {
    const tom = tgUser();
    await receive(inChat(tom, oldId, 1, 'old one'), inChat(tom, oldId, 2, 'old two'));
    const before = await onlyConversation(oldId);
    await receive(migrateTo(), migrateFrom());
    await receive(inChat(tom, newId, 1, 'new one'), inChat(tom, newId, 1, 'new one again'));

    expect(await conversationsOf(oldId)).toHaveLength(0);
    const after = await onlyConversation(newId);
    expect(after.id).toBe(before.id);
    expect((await messagesOf(after.id)).map((m) => [m.sourceId, m.content])).toEqual([
      [`${oldId}:1`, 'old one'],
      [`${oldId}:2`, 'old two'],
      ['1', 'new one'],
    ]);
  });

  it('merges a conversation opened under the new id before the migration was seen into the one with history', async () => {
    const oldChat = oldId - 1;
    const newChat = newId - 1;
    const tom = tgUser();
    await receive(inChat(tom, oldChat, 5, 'before'));
    const history = await onlyConversation(oldChat);
    await receive(inChat(tom, newChat, 1, 'arrived early'));
    const early = await onlyConversation(newChat);
    const migrate = fixture('migrate_to_chat_id', tgUser());
    migrate.message.chat.id = oldChat;
    migrate.message.migrate_to_chat_id = newChat;
    await receive(migrate);

    const merged = await onlyConversation(newChat);
    expect(merged.id).toBe(history.id);
    expect((await messagesOf(merged.id)).map((m) => m.content)).toEqual(['before', 'arrived early']);
    expect(await app.services.ctx.repos.conversations.get(early.id)).toBeUndefined();
    await eventually(async () =>
      events.some((e) => e.event === 'conversation.deleted' && e.data.id === early.id),
    );
    expect(events).toContainEqual({
      room: 'conversations',
      event: 'conversation.deleted',
      data: { id: early.id, mergedInto: history.id },
      // Realtime plumbing: the transaction time, and the surviving conversation as the visibility scope.
      at: expect.any(String),
      scope: expect.objectContaining({ id: history.id }),
    });
  });
});

describe('button taps', () => {
  it('records the tap, routes it to the owner of its prefix and answers with its text', async () => {
    const seen: Array<{ data: string; contactId: string; conversationId: string | null }> = [];
    app.services.callbacks.register('test:', async (_r, tap) => {
      seen.push({ data: tap.data, contactId: tap.contact.id, conversationId: tap.conversation?.id ?? null });
      return { text: `Thanks for ${tap.data.slice(5)}`, showAlert: true };
    });
    try {
      const user = tgUser();
      await receive(textUpdate(user, 'hi'));
      const conversation = await onlyConversation(user.id);
      const tap = callbackUpdate(user, 'test:5');
      await receive(tap);

      const [contact] = await contactOf(app, channelId, user.id);
      expect(seen).toEqual([{ data: 'test:5', contactId: contact!.id, conversationId: conversation.id }]);
      const taps = await app.services.ctx.repos.buttonTaps.listByConversation(conversation.id);
      expect(taps).toMatchObject([
        { data: 'test:5', externalId: tap.callback_query.id, messageSourceId: '7' },
      ]);
      const answer = bot.sent.find(
        (s) => s.method === 'answerCallbackQuery' && s.params.callback_query_id === tap.callback_query.id,
      );
      expect(answer?.params).toMatchObject({ text: 'Thanks for 5', show_alert: true });
    } finally {
      app.services.callbacks.unregister('test:');
    }
  });

  it('records and answers empty a tap no owner claims', async () => {
    const user = tgUser();
    const tap = callbackUpdate(user, 'nobody:1');
    await receive(tap);
    const [row] = await db()
      .selectFrom('buttonTaps')
      .selectAll()
      .where('externalId', '=', tap.callback_query.id)
      .execute();
    expect(row).toMatchObject({ data: 'nobody:1', conversationId: null });
    const answer = bot.sent.find(
      (s) => s.method === 'answerCallbackQuery' && s.params.callback_query_id === tap.callback_query.id,
    );
    expect(answer).toBeDefined();
    expect(answer!.params.text).toBeUndefined();
  });
});

describe('flood guard', () => {
  it('stores the 21st message of a minute throttled and flags the person, and says so to what hooks in', async () => {
    const user = tgUser();
    const updates = Array.from({ length: FLOOD_LIMIT + 2 }, (_, i) => textUpdate(user, `spam ${i}`));
    await receive(...updates.slice(0, FLOOD_LIMIT));
    const flagged = () =>
      db()
        .selectFrom('contactChannels')
        .select('flaggedAt')
        .where('channelId', '=', channelId)
        .where('externalId', '=', String(user.id))
        .executeTakeFirstOrThrow();
    expect((await flagged()).flaggedAt).toBeNull();

    // The 21st, applied directly to see the result later automations hook on.
    const { mapUpdate } = await import('../../src/channels/telegram/telegram.incoming.ts');
    const { inTransaction } = await import('../../src/services/context.ts');
    const result = await inTransaction(app.services.ctx, (r) =>
      app.services.receive.apply(r, channelId, mapUpdate(updates[FLOOD_LIMIT])!),
    );
    expect(result).toMatchObject({ created: true, throttled: true, edited: false });
    await receive(updates[FLOOD_LIMIT + 1]!);

    const messages = await messagesOf((await onlyConversation(user.id)).id);
    expect(messages).toHaveLength(FLOOD_LIMIT + 2);
    expect(
      messages
        .filter((m) => m.throttled)
        .map((m) => m.content)
        .sort(),
    ).toEqual([`spam ${FLOOD_LIMIT}`, `spam ${FLOOD_LIMIT + 1}`].sort());
    expect((await flagged()).flaggedAt).not.toBeNull();
  });
});

describe('realtime', () => {
  it('publishes conversation.created then message.created to the conversations room, and updates after', async () => {
    const user = tgUser();
    await receive(textUpdate(user, 'first'), textUpdate(user, 'second'));
    const conversation = await onlyConversation(user.id);
    const mine = () =>
      events.filter(
        (e) =>
          e.room === 'conversations' &&
          (e.data.conversation?.id === conversation.id || e.data.conversationId === conversation.id),
      );
    await eventually(async () => mine().length >= 4);
    expect(mine().map((e) => e.event)).toEqual([
      'conversation.created',
      'message.created',
      'conversation.updated',
      'message.created',
    ]);
    expect(mine()[1]!.data.message).toMatchObject({
      content: 'first',
      messageType: 'incoming',
      attachments: [],
    });
    expect(mine()[0]!.data.conversation).toMatchObject({ chatKind: 'private', status: 'open' });
  });
});

describe('read API', () => {
  it('lists conversations by latest activity, filtered, and pages with a cursor', async () => {
    const users = [tgUser(), tgUser(), tgUser()];
    // Later platform send times make later activity (the text helper's date is fixed).
    for (const [i, u] of users.entries()) {
      const update = textUpdate(u, 'hello');
      update.message.date += 3600 + i;
      await receive(update);
    }
    const ours = await Promise.all(users.map((u) => onlyConversation(u.id)));
    const page1 = await get(`/api/v1/conversations?channelId=${channelId}&limit=2`);
    expect(page1.statusCode).toBe(200);
    const body1 = page1.json();
    expect(body1.data).toHaveLength(2);
    expect(body1.nextCursor).toEqual(expect.any(String));
    // Newest activity first: the last conversation created leads.
    expect(body1.data[0].id).toBe(ours[2]!.id);
    const all: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await get(
        `/api/v1/conversations?channelId=${channelId}&limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      all.push(...res.json().data.map((c: Json) => c.id));
      cursor = res.json().nextCursor;
    } while (cursor);
    expect(new Set(all).size).toBe(all.length);
    for (const c of ours) expect(all).toContain(c.id);

    const [contact] = await contactOf(app, channelId, users[0]!.id);
    const byContact = await get(`/api/v1/conversations?contactId=${contact!.id}`);
    expect(byContact.json().data.map((c: Json) => c.id)).toEqual([ours[0]!.id]);
    expect((await get(`/api/v1/conversations?status=resolved&channelId=${channelId}`)).json().data).toEqual(
      [],
    );
    expect((await get('/api/v1/conversations?status=closed')).statusCode).toBe(400);
    const bad = await get('/api/v1/conversations?cursor=not-a-cursor');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0].path).toBe('/cursor');
  });

  it('gets one conversation, and 404s for unknown ones', async () => {
    const user = tgUser();
    await receive(textUpdate(user, 'hello'));
    const conversation = await onlyConversation(user.id);
    const res = await get(`/api/v1/conversations/${conversation.id}`);
    expect(res.json()).toMatchObject({
      id: conversation.id,
      chatKind: 'private',
      displayId: expect.any(Number),
    });
    const missing = '00000000-0000-4000-8000-000000000000';
    expect((await get(`/api/v1/conversations/${missing}`)).statusCode).toBe(404);
    expect((await get(`/api/v1/conversations/${missing}/messages`)).statusCode).toBe(404);
    expect((await get('/api/v1/conversations/nope')).statusCode).toBe(400);
  });

  it('pages messages from the latest back, each page oldest → newest, with attachments and edits', async () => {
    const user = tgUser();
    const texts = ['m1', 'm2', 'm3', 'm4', 'm5'].map((t) => textUpdate(user, t));
    const photo = fixture('photo_caption', user);
    photo.message.message_id = 900_001;
    await receive(...texts, photo);
    const edit = fixture('edited_message', user);
    edit.edited_message.message_id = texts[4]!.message.message_id;
    await receive(edit);
    const conversation = await onlyConversation(user.id);

    const url = `/api/v1/conversations/${conversation.id}/messages?limit=4`;
    const p1 = (await get(url)).json();
    expect(p1.data.map((m: Json) => m.content)).toEqual([
      'm3',
      'm4',
      'Здравствуйте! Заказ #4521 не пришёл',
      'Broken box on arrival',
    ]);
    const edited = p1.data[2];
    expect(edited.editedAt).toEqual(expect.any(String));
    expect(edited.editHistory).toEqual([expect.objectContaining({ content: 'm5', editedAt: null })]);
    const withFile = p1.data[3];
    expect(withFile.attachments).toEqual([
      expect.objectContaining({
        kind: 'photo',
        size: 98120,
        storageStatus: 'pending',
        url: `/api/v1/attachments/${withFile.attachments[0].id}/file`,
      }),
    ]);
    expect(withFile).toMatchObject({ deliveryStatus: null, replyToId: null, sourceId: '900001' });
    const p2 = (await get(`${url}&cursor=${p1.nextCursor}`)).json();
    expect(p2.data.map((m: Json) => m.content)).toEqual(['m1', 'm2']);
    expect(p2.nextCursor).toBeNull();
    // A conversations cursor is not a messages cursor.
    const other = (await get(`/api/v1/conversations?limit=1&channelId=${channelId}`)).json().nextCursor;
    expect((await get(`${url}&cursor=${other}`)).statusCode).toBe(400);
  });

  it('lets readonly users read and refuses callers without credentials', async () => {
    const readonly = (await app.userWithRole('readonly')).token;
    expect((await get('/api/v1/conversations', readonly)).statusCode).toBe(200);
    expect((await app.http!.inject({ method: 'GET', url: '/api/v1/conversations' })).statusCode).toBe(401);
  });
});
