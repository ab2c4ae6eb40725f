import { randomBytes } from 'node:crypto';
import { routeOf } from '../../src/channels/telegram/telegram.receiver.ts';
import type { FakeTelegram } from '../fakes/telegram/index.ts';
import { bearer, type TestApp } from '../support/test-app.ts';

let nextBotId = 8_100_000_001;
let nextUpdateId = 500_000_001;

/** A fresh bot on the fake server with a realistic token. */
export function newBot(tg: FakeTelegram) {
  const id = nextBotId++;
  const token = `${id}:AA${randomBytes(26).toString('base64url').slice(0, 33)}`;
  const bot = tg.addBot({ token, id, username: `recv${id}_bot`, firstName: 'Recv' });
  return { token, id, bot };
}

/** Connects a bot through the API as an admin and returns the channel id. */
export async function connectBot(
  app: TestApp,
  token: string,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const admin = (await app.userWithRole('admin')).token;
  const res = await app.http!.inject({
    method: 'POST',
    url: '/api/v1/channels',
    headers: bearer(admin),
    payload: { type: 'telegram', name: 'Support', token, ...extra },
  });
  if (res.statusCode !== 201) throw new Error(`connect failed: ${res.statusCode} ${res.body}`);
  return res.json().id as string;
}

/** A Telegram user as updates carry it. */
export interface TgUser {
  id: number;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

const privateChat = (u: TgUser) => ({ id: u.id, first_name: u.first_name, type: 'private' });

/** A private text message update; `/start x` texts carry the bot_command entity Telegram adds. */
export function textUpdate(from: TgUser, text: string, updateId = nextUpdateId++) {
  const entities = text.startsWith('/')
    ? [{ type: 'bot_command', offset: 0, length: text.split(' ')[0]!.length }]
    : [];
  return {
    update_id: updateId,
    message: {
      message_id: updateId % 100_000,
      from: { is_bot: false, ...from },
      chat: privateChat(from),
      date: 1_763_785_200,
      text,
      ...(entities.length ? { entities } : {}),
    },
  };
}

let nextTapId = 1;
/**
 * A tap on one of our inline buttons (a callback_query without update_id: the fake numbers queued updates), under the
 * message Telegram knows by `messageId` in the person's private chat. `id` repeats a tap (Telegram redelivering it).
 */
export function tapUpdate(
  from: TgUser,
  data: string,
  opts: { messageId?: number; id?: string; text?: string } = {},
) {
  return {
    callback_query: {
      id: opts.id ?? `tap-${nextTapId++}`,
      from: { is_bot: false, ...from },
      chat_instance: '-42',
      data,
      message: {
        message_id: opts.messageId ?? 77,
        chat: privateChat(from),
        date: Math.floor(Date.now() / 1000),
        text: opts.text ?? 'our message',
      },
    },
  };
}

/** The person blocked (kicked) or unblocked (member) the bot in their private chat. */
export function membershipUpdate(from: TgUser, status: 'kicked' | 'member', updateId = nextUpdateId++) {
  const bot = { id: 1, is_bot: true, first_name: 'Recv', username: 'recv_bot' };
  return {
    update_id: updateId,
    my_chat_member: {
      chat: privateChat(from),
      from: { is_bot: false, ...from },
      date: 1_763_785_300,
      old_chat_member: { user: bot, status: status === 'kicked' ? 'member' : 'kicked' },
      new_chat_member: { user: bot, status, ...(status === 'kicked' ? { until_date: 0 } : {}) },
    },
  };
}

/** A tap on a callback button under one of our messages. */
export function callbackUpdate(from: TgUser, data: string, updateId = nextUpdateId++) {
  return {
    update_id: updateId,
    callback_query: {
      id: `cb${updateId}`,
      from: { is_bot: false, ...from },
      chat_instance: '-1234',
      data,
      message: { message_id: 7, chat: privateChat(from), date: 1_763_785_200, text: 'Rate us' },
    },
  };
}

let nextUserId = 610_000_001;
/** A new Telegram person. */
export function tgUser(over: Partial<TgUser> = {}): TgUser {
  return {
    id: nextUserId++,
    first_name: 'Анна',
    last_name: 'Петрова',
    username: 'anna_p',
    language_code: 'ru',
    ...over,
  };
}
export { eventually } from '../support/eventually.ts';

/** The contact behind a Telegram user id on a channel, with its identity. */
export async function contactOf(app: TestApp, channelId: string, userId: number) {
  const db = app.services.ctx.db;
  return db
    .selectFrom('contactChannels as cc')
    .innerJoin('contacts as c', 'c.id', 'cc.contactId')
    .select([
      'c.id',
      'c.firstName',
      'c.lastName',
      'c.username',
      'c.language',
      'c.source',
      'c.subscribed',
      'c.lastActivityAt',
      'cc.reachable',
      'cc.lastSeenAt',
    ])
    .where('cc.channelId', '=', channelId)
    .where('cc.externalId', '=', String(userId))
    .execute();
}

/** True once every stored update of the channel has been processed. */
export async function allProcessed(app: TestApp, channelId: string): Promise<boolean> {
  const rows = await app.services.ctx.repos.telegramUpdates.listByChannel(channelId);
  return rows.length > 0 && rows.every((r) => r.processedAt !== null);
}

/** People whose private chats share one drain shard, so one drain (and one batch) takes their updates together. */
export function peopleInOneShard(n: number): TgUser[] {
  const found: TgUser[] = [];
  let shard: number | null = null;
  while (found.length < n) {
    const user = tgUser();
    const s = routeOf(textUpdate(user, 'x', 1)).shard;
    if (shard === null) shard = s;
    if (s === shard) found.push(user);
  }
  return found;
}
