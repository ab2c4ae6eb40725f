import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncomingMessageHookEvent } from '../../src/services/conversation-hooks.ts';
import { FakeTelegram } from '../fakes/telegram/index.ts';
import { bearer, startTestApp, type TestApp } from '../support/test-app.ts';
import { connectBot, newBot, type TgUser, textUpdate, tgUser } from './receiving.helpers.ts';

/** The conversation rules of received messages: reopen window, snooze wake-up, waitingSince, hooks. */

// biome-ignore lint/suspicious/noExplicitAny: update payloads are free-form JSON here
type Json = Record<string, any>;

let tg: FakeTelegram;
let app: TestApp;
let channelId: string;
let admin: string;
const hooked: IncomingMessageHookEvent[] = [];

const BASE = 1_763_785_200; // the helpers' message date (seconds)
const HOUR = 3_600_000;

/** A private text message sent `offsetSeconds` after BASE. */
function message(user: TgUser, text: string, offsetSeconds = 0): Json {
  const u = textUpdate(user, text) as Json;
  u.message.date = BASE + offsetSeconds;
  return u;
}

async function receive(...updates: Json[]): Promise<void> {
  for (const u of updates) {
    const id = await app.services.ctx.repos.telegramUpdates.insert(channelId, u.update_id, u);
    if (id === null) throw new Error('already stored');
    await app.services.telegram.process(id);
  }
}

const db = () => app.services.ctx.db;
const conversationsOf = (user: TgUser) =>
  db()
    .selectFrom('conversations')
    .selectAll()
    .where('channelId', '=', channelId)
    .where('chatExternalId', '=', String(user.id))
    .orderBy('createdAt')
    .execute();
const activities = (conversationId: string) =>
  db()
    .selectFrom('messages')
    .select('content')
    .where('conversationId', '=', conversationId)
    .where('messageType', '=', 'activity')
    .execute();
const setRow = (id: string, set: Record<string, unknown>) =>
  db().updateTable('conversations').set(set).where('id', '=', id).execute();
const at = (offsetSeconds: number) => new Date((BASE + offsetSeconds) * 1000);

beforeAll(async () => {
  tg = await FakeTelegram.start();
  app = await startTestApp({ role: 'api', env: { TELEGRAM_API_ROOT: tg.apiRoot } });
  channelId = await connectBot(app, newBot(tg).token);
  admin = (await app.userWithRole('admin')).token;
  // Only what this file tests: no auto-reply jobs queued behind it.
  const res = await app.http!.inject({
    method: 'PATCH',
    url: `/api/v1/channels/${channelId}/inbox-settings`,
    headers: bearer(admin),
    payload: { autoReply: { enabled: false } },
  });
  expect(res.statusCode).toBe(200);
  app.services.conversationHooks.onIncomingMessage('test-spy', async (_r, e) => {
    hooked.push(e);
  });
});
afterAll(async () => {
  await app?.stop();
  await tg?.stop();
});

describe('waitingSince', () => {
  it('starts when the customer writes and keeps the first unanswered message time', async () => {
    const user = tgUser();
    await receive(message(user, 'first', 0), message(user, 'second', 60));
    const [c] = await conversationsOf(user);
    expect(c!.waitingSince).toEqual(at(0));
    expect(c!.lastActivityAt).toEqual(at(60));
  });
});

describe('reopen window', () => {
  it('reopens a conversation resolved within the window, with an activity line', async () => {
    const user = tgUser();
    await receive(message(user, 'hello', 0));
    const [c] = await conversationsOf(user);
    await setRow(c!.id, { status: 'resolved', resolvedAt: at(0), waitingSince: null });
    await receive(message(user, 'one more thing', 23 * 3600));
    const after = await conversationsOf(user);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({
      id: c!.id,
      status: 'open',
      resolvedAt: null,
      waitingSince: at(23 * 3600),
    });
    expect((await activities(c!.id)).map((a) => a.content)).toEqual(['Диалог открыт снова']);
  });

  it('starts a new conversation after the window, leaving the old one resolved', async () => {
    const user = tgUser();
    await receive(message(user, 'hello', 0));
    const [c] = await conversationsOf(user);
    await setRow(c!.id, { status: 'resolved', resolvedAt: at(0) });
    await receive(message(user, 'new question', 25 * 3600));
    const after = await conversationsOf(user);
    expect(after.map((x) => x.status)).toEqual(['resolved', 'open']);
    expect(after[0]!.id).toBe(c!.id);
    expect(await activities(c!.id)).toEqual([]);
  });

  it("follows the channel's reopenWindowHours", async () => {
    const res = await app.http!.inject({
      method: 'PATCH',
      url: `/api/v1/channels/${channelId}/inbox-settings`,
      headers: bearer(admin),
      payload: { reopenWindowHours: 1 },
    });
    expect(res.statusCode).toBe(200);
    try {
      const user = tgUser();
      await receive(message(user, 'hello', 0));
      const [c] = await conversationsOf(user);
      await setRow(c!.id, { status: 'resolved', resolvedAt: at(0) });
      await receive(message(user, 'two hours later', 2 * 3600));
      expect((await conversationsOf(user)).map((x) => x.status)).toEqual(['resolved', 'open']);
    } finally {
      await app.http!.inject({
        method: 'PATCH',
        url: `/api/v1/channels/${channelId}/inbox-settings`,
        headers: bearer(admin),
        payload: { reopenWindowHours: 24 },
      });
    }
  });
});

describe('snooze', () => {
  it('wakes a snoozed conversation when the customer writes', async () => {
    const user = tgUser();
    await receive(message(user, 'hello', 0));
    const [c] = await conversationsOf(user);
    await setRow(c!.id, { status: 'snoozed', snoozedUntil: new Date(Date.now() + 24 * HOUR) });
    await receive(message(user, 'are you there?', 60));
    const [after] = await conversationsOf(user);
    expect(after).toMatchObject({ id: c!.id, status: 'open', snoozedUntil: null });
    expect(await activities(c!.id)).toHaveLength(1);
  });
});

describe('incoming-message hooks', () => {
  it('run once per new customer message with created/reopened flags, not for redeliveries or edits', async () => {
    const user = tgUser();
    const first = message(user, 'hello', 0);
    await receive(first);
    const [c] = await conversationsOf(user);
    await receive({ ...structuredClone(first), update_id: first.update_id + 10_000_000 });
    await receive({
      update_id: first.update_id + 20_000_000,
      edited_message: { ...first.message, text: 'hello!', edit_date: BASE + 5 },
    });
    await setRow(c!.id, { status: 'resolved', resolvedAt: at(0) });
    await receive(message(user, 'back again', 3600));

    const mine = hooked.filter((e) => e.conversation.id === c!.id);
    expect(mine.map((e) => [e.message.content, e.conversationCreated, e.conversationReopened])).toEqual([
      ['hello', true, false],
      ['back again', false, true],
    ]);
    expect(mine[0]!.contact.firstName).toBe(user.first_name);
    expect(mine[0]!.throttled).toBe(false);
  });
});
