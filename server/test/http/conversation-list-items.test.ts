import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConversationsRepository } from '../../src/repositories/conversations.repository.ts';
import { bearer, startTestApp, type TestApp } from '../support/test-app.ts';
import { recordingDatabase } from '../support/test-db.ts';
import { addMessage, makeChannel, makeConversation } from './inbox.helpers.ts';

/** GET /conversations items carry the contact's name and the last message, read in the list's one query. */

// biome-ignore lint/suspicious/noExplicitAny: API bodies are free-form JSON here
type Json = Record<string, any>;

let app: TestApp;
let admin: string;
let channelId: string;
const t0 = Date.now() - 3_600_000;
const at = (m: number) => new Date(t0 + m * 60_000);

const list = async () => {
  const res = await app.http!.inject({
    method: 'GET',
    url: `/api/v1/conversations?channelId=${channelId}&limit=100`,
    headers: bearer(admin),
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().data as Json[];
};

beforeAll(async () => {
  app = await startTestApp({ role: 'api' });
  admin = (await app.userWithRole('admin')).token;
  channelId = await makeChannel(app, 'Items');
});

afterAll(() => app?.stop());

describe('conversation list items', () => {
  it("carries the contact's display name and the newest message that is not an activity line", async () => {
    const named = await makeConversation(app, channelId, {
      contact: { name: 'Анна Кузнецова' },
      set: { lastActivityAt: at(10) },
    });
    await addMessage(app, named.id, 'Первое', { at: at(1) });
    await addMessage(app, named.id, `Второе ${'длинное '.repeat(60)}`, { type: 'outgoing', at: at(2) });
    const activity = await addMessage(app, named.id, 'resolved', { at: at(3) });
    await app.services.ctx.db
      .updateTable('messages')
      .set({ messageType: 'activity' })
      .where('id', '=', activity.id)
      .execute();

    // Only a username: shown as @username.
    const byUsername = await makeConversation(app, channelId, { set: { lastActivityAt: at(9) } });
    await app.services.ctx.db
      .updateTable('contacts')
      .set({ name: null, firstName: null, username: 'ivan_p' })
      .where('id', '=', byUsername.contactId!)
      .execute();

    const items = await list();
    const a = items.find((i) => i.id === named.id)!;
    expect(a.contactName).toBe('Анна Кузнецова');
    expect(a.lastMessage).toMatchObject({ messageType: 'outgoing', attachments: 0, deleted: false });
    expect(a.lastMessage.content).toHaveLength(300);
    expect(a.lastMessage.content.startsWith('Второе длинное')).toBe(true);
    expect(a.lastMessage.createdAt).toBe(at(2).toISOString());
    const b = items.find((i) => i.id === byUsername.id)!;
    expect(b.contactName).toBe('@ivan_p');
    expect(b.lastMessage).toBeNull();
  });

  it('shows a deleted last message without its content', async () => {
    const c = await makeConversation(app, channelId, { set: { lastActivityAt: at(8) } });
    const m = await addMessage(app, c.id, 'секрет', { at: at(4) });
    await app.services.ctx.db
      .updateTable('messages')
      .set({ deletedAt: new Date() })
      .where('id', '=', m.id)
      .execute();
    const item = (await list()).find((i) => i.id === c.id)!;
    expect(item.lastMessage).toMatchObject({ id: m.id, deleted: true, content: null });
  });

  it('reads a page of 30 conversations with names and previews in a single query', async () => {
    for (let i = 0; i < 30; i++) {
      const c = await makeConversation(app, channelId, { contact: { name: `Клиент ${i}` } });
      await addMessage(app, c.id, `вопрос ${i}`);
    }
    const { db, statements } = recordingDatabase(app.databaseUrl);
    try {
      const rows = await new ConversationsRepository(db).list({
        filter: { channelId },
        sort: 'activity',
        limit: 30,
        viewerUserId: null,
      });
      expect(rows).toHaveLength(30);
      expect(rows.every((r) => r.contactName?.startsWith('Клиент'))).toBe(true);
      expect(rows.every((r) => r.lastMessage?.content?.startsWith('вопрос'))).toBe(true);
      expect(statements).toHaveLength(1);
    } finally {
      await db.destroy();
    }
  });
});
