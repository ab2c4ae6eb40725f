import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel } from '../../src/db/schema.ts';
import type { Actor } from '../../src/repositories/audit.repository.ts';
import { clickLinkKey, verifyClickToken } from '../../src/services/broadcast-buttons.ts';
import { BroadcastSentEditsService } from '../../src/services/broadcast-sent-edits.ts';
import { TelegramAdapters } from '../../src/services/outbound.adapters.ts';
import { type FakeBot, FakeTelegram } from '../fakes/telegram/index.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { connectBot, newBot, tgUser } from './receiving.helpers.ts';

/** Correcting and deleting a sent broadcast's messages, row by row through the fake Telegram server. */

// biome-ignore lint/suspicious/noExplicitAny: Bot API params are free-form JSON here
type Json = Record<string, any>;

const PUBLIC_URL = 'https://sb.example.test';
const BUTTONS = [[{ kind: 'url', text: 'Sale', url: 'https://shop.example/sale' }]];

let server: FakeTelegram;
let bot: FakeBot;
let app: TestApp;
let channel: Channel;
let adapters: TelegramAdapters;
let edits: BroadcastSentEditsService;
let actor: Actor;

const db = () => app.services.ctx.db;
const calls = (method: string) => bot.sent.filter((c) => c.method === method);
const markup = (c: { params: Json }) =>
  typeof c.params.reply_markup === 'string' ? JSON.parse(c.params.reply_markup) : c.params.reply_markup;

/** A settled broadcast whose message really went out to `n` new contacts (first names Anna1..n), one sent row each. */
async function sentBroadcast(n: number, status: 'completed' | 'sending' = 'completed') {
  const { id: broadcastId } = await db()
    .insertInto('broadcasts')
    .values({
      title: 'Promo',
      channelId: channel.id,
      content: 'Sael!',
      buttons: JSON.stringify(BUTTONS),
      status,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const adapter = adapters.forChannel(channel, 'bulk');
  const chats: string[] = [];
  for (let i = 1; i <= n; i++) {
    const user = tgUser({ first_name: `Anna${i}` });
    const contact = await app.services.ctx.repos.contacts.create({ firstName: user.first_name });
    const identity = await app.services.ctx.repos.identities.create(
      contact.id,
      channel.id,
      String(user.id),
      new Date(),
    );
    const sent = await adapter.send({ chatExternalId: String(user.id), html: 'Sael!' });
    await db()
      .insertInto('broadcastDeliveries')
      .values({
        broadcastId,
        contactId: contact.id,
        identityId: identity.id,
        chatExternalId: String(user.id),
        status: 'sent',
        externalId: sent.externalId,
        sentAt: new Date(),
      })
      .execute();
    chats.push(String(user.id));
  }
  return { broadcastId, chats };
}

beforeAll(async () => {
  server = await FakeTelegram.start({ enforceLimits: false });
  // No worker in this process: the runs under test are the test's own calls, whatever jobs the requests queue.
  app = await startTestApp({ role: 'api', env: { TELEGRAM_API_ROOT: server.apiRoot, PUBLIC_URL } });
  const created = newBot(server);
  bot = created.bot;
  const channelId = await connectBot(app, created.token, { mode: 'polling' });
  channel = (await app.services.ctx.repos.channels.get(channelId))!;
  adapters = new TelegramAdapters(app.services.channels, app.services.telegramLimiter, () => null);
  edits = new BroadcastSentEditsService(app.services.ctx, adapters, app.services.templates);
  const { user } = await app.userWithRole('marketing');
  actor = { type: 'user', id: user.id, name: user.displayName };
});

afterAll(async () => {
  await app?.stop();
  await server?.stop();
});

describe('correcting a sent broadcast', () => {
  it('edits every sent message once, rendered per recipient, keeping its tracked buttons', async () => {
    const { broadcastId, chats } = await sentBroadcast(5);
    const before = calls('editMessageText').length;
    const status = await edits.requestEdit(actor, broadcastId, 'Sale, {{ contact.firstName }}!');
    expect(status).toMatchObject({ editVersion: 1, sent: 5, edited: 0 });

    expect(await edits.run(broadcastId)).toEqual({ done: 5, refused: 0 });
    const edited = calls('editMessageText').slice(before);
    expect(edited.map((c) => c.chatId).sort()).toEqual(chats.map(Number).sort());
    for (const c of edited) {
      const i = chats.indexOf(String(c.chatId)) + 1;
      expect(c.params.text).toBe(`Sale, Anna${i}!`);
      // An edit without reply_markup would drop the buttons: they go along, still through the redirect.
      const url = markup(c).inline_keyboard[0][0].url as string;
      const token = url.replace(`${PUBLIC_URL}/r/`, '');
      expect(verifyClickToken(token, clickLinkKey(app.services.ctx.secretBox))).toMatchObject({
        broadcastId,
        button: 0,
      });
    }
    expect(await edits.status(broadcastId)).toMatchObject({
      editVersion: 1,
      sent: 5,
      edited: 5,
      editFailed: 0,
    });

    // Nothing left: running again (a retried or duplicated job) calls Telegram for nothing.
    expect(await edits.run(broadcastId)).toEqual({ done: 0, refused: 0 });
    expect(calls('editMessageText').length).toBe(before + 5);
  });

  it('records a permanent refusal on its row and resumes after a retryable failure without editing twice', async () => {
    const { broadcastId } = await sentBroadcast(6);
    const before = calls('editMessageText').length;
    const requestsBefore = bot.calls.length;
    await edits.requestEdit(actor, broadcastId, 'Sale!');
    bot.failNext('editMessageText', {
      error_code: 400,
      description: 'Bad Request: message to edit not found',
    });
    bot.failNext('editMessageText', { error_code: 502, description: 'Bad Gateway' });
    await expect(edits.run(broadcastId)).rejects.toThrow(/retryable/);
    const mid = await edits.status(broadcastId);
    expect(mid.edited + mid.editFailed).toBeLessThan(6);

    const rest = await edits.run(broadcastId);
    const end = await edits.status(broadcastId);
    expect(end).toMatchObject({ sent: 6, edited: 5, editFailed: 1 });
    expect(rest.done + rest.refused + mid.edited + mid.editFailed).toBe(6);
    // Five accepted edits at the fake, one per chat; seven requests in all (six rows, the 502 one twice): none redone.
    const accepted = calls('editMessageText').slice(before);
    expect(accepted).toHaveLength(5);
    expect(new Set(accepted.map((c) => c.chatId)).size).toBe(5);
    expect(bot.calls.slice(requestsBefore).filter((c) => c.method === 'editMessageText')).toHaveLength(7);
    const refused = await db()
      .selectFrom('broadcastDeliveries')
      .select('editError')
      .where('broadcastId', '=', broadcastId)
      .where('editError', 'is not', null)
      .execute();
    expect(refused).toEqual([{ editError: expect.stringMatching(/message to edit not found/) }]);
  });

  it('refuses bad content with the field, unsettled broadcasts with 409 and unknown ones with 404', async () => {
    const { broadcastId } = await sentBroadcast(1, 'sending');
    await expect(edits.requestEdit(actor, broadcastId, 'Fixed')).rejects.toMatchObject({ code: 'conflict' });
    const settled = await sentBroadcast(1);
    await expect(edits.requestEdit(actor, settled.broadcastId, '<b>Fixed')).rejects.toMatchObject({
      code: 'validation_failed',
      details: [expect.objectContaining({ path: '/content' })],
    });
    await expect(
      edits.requestEdit(actor, settled.broadcastId, '{{ contact.firstName | nosuch }}'),
    ).rejects.toMatchObject({
      code: 'validation_failed',
    });
    await expect(
      edits.requestEdit(actor, '00000000-0000-4000-8000-000000000000', 'Fixed'),
    ).rejects.toMatchObject({ code: 'not_found' });
    expect((await edits.status(settled.broadcastId)).editVersion).toBe(0);
  });
});

describe('deleting a sent broadcast', () => {
  it('deletes every sent message once, then refuses corrections and a second delete', async () => {
    const { broadcastId, chats } = await sentBroadcast(4);
    const before = calls('deleteMessage').length;
    expect(await edits.requestDelete(actor, broadcastId)).toMatchObject({ sent: 4, deleted: 0 });
    expect(await edits.run(broadcastId)).toEqual({ done: 4, refused: 0 });
    const deleted = calls('deleteMessage').slice(before);
    expect(deleted.map((c) => String(c.chatId)).sort()).toEqual([...chats].sort());
    expect(await edits.status(broadcastId)).toMatchObject({ sent: 4, deleted: 4, deleteFailed: 0 });
    expect(await edits.run(broadcastId)).toEqual({ done: 0, refused: 0 });

    await expect(edits.requestEdit(actor, broadcastId, 'Fixed')).rejects.toMatchObject({ code: 'conflict' });
    await expect(edits.requestDelete(actor, broadcastId)).rejects.toMatchObject({ code: 'conflict' });
  });
});
