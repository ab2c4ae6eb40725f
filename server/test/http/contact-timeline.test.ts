import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestApp, type TestApp } from '../support/test-app.ts';
import { addMessage, joinChannel, makeChannel, makeConversation } from './inbox.helpers.ts';

/** GET /contacts/:id/timeline: messages, events, broadcasts received and notifications merged, newest first. */

// biome-ignore lint/suspicious/noExplicitAny: API bodies are free-form JSON here
type Json = Record<string, any>;

let app: TestApp;
let admin: string;
let agent: string;
let contactId: string;
let channelId: string;
const t0 = Date.now() - 24 * 3_600_000;
const at = (h: number) => new Date(t0 + h * 3_600_000);

const get = (url: string, token = admin) => app.http!.inject({ method: 'GET', url, headers: bearer(token) });
const timeline = (q = '', token = admin) => get(`/api/v1/contacts/${contactId}/timeline${q}`, token);
/** What a page shows, as `kind:label` in order. */
const labels = (items: Json[]) =>
  items.map((i) => {
    const d = i.data;
    const label = d.content ?? d.name ?? d.title ?? d.typeKey;
    return `${i.kind}:${label}`;
  });

beforeAll(async () => {
  app = await startTestApp({ role: 'api' });
  admin = (await app.userWithRole('admin')).token;
  agent = (await app.userWithRole('agent')).token;
  channelId = await makeChannel(app, 'Timeline');
  const conversation = await makeConversation(app, channelId, { contact: { name: 'Вера' } });
  contactId = conversation.contactId!;
  const db = app.services.ctx.db;

  await addMessage(app, conversation.id, 'Здравствуйте, где мой заказ?', { at: at(1) });
  await addMessage(app, conversation.id, 'Уже в пути', { type: 'outgoing', at: at(3) });
  await addMessage(app, conversation.id, 'проверить склад', { type: 'note', at: at(5) });
  // Activity lines are the conversation's bookkeeping, not the contact's history.
  const activity = await addMessage(app, conversation.id, 'resolved', { at: at(6) });
  await db.updateTable('messages').set({ messageType: 'activity' }).where('id', '=', activity.id).execute();

  const events = await app.http!.inject({
    method: 'POST',
    url: '/api/v1/events/batch',
    headers: bearer(admin),
    payload: {
      events: [
        {
          contact: { id: contactId },
          name: 'purchase',
          properties: { amount: 1990 },
          occurredAt: at(2).toISOString(),
        },
        { contact: { id: contactId }, name: 'cart_abandoned', occurredAt: at(4).toISOString() },
      ],
    },
  });
  expect(events.statusCode, events.body).toBe(200);

  const broadcast = await db
    .insertInto('broadcasts')
    .values({ title: 'Black Friday', channelId, filter: '{}', content: 'Sale' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('broadcastDeliveries')
    .values({ broadcastId: broadcast.id, contactId, status: 'sent', sentAt: at(7) })
    .execute();
  // A recipient still waiting received nothing yet: not on the timeline.
  const later = await db
    .insertInto('broadcasts')
    .values({ title: 'Not yet', channelId, filter: '{}', content: 'Later' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db.insertInto('broadcastDeliveries').values({ broadcastId: later.id, contactId }).execute();

  await db
    .insertInto('notifications')
    .values({ typeKey: 'order_shipped', contactId, status: 'sent', channel: 'telegram', createdAt: at(8) })
    .execute();
});

afterAll(() => app?.stop());

describe('contact timeline', () => {
  it('merges the four kinds newest first and leaves out activity lines and pending broadcasts', async () => {
    const res = await timeline();
    expect(res.statusCode, res.body).toBe(200);
    expect(labels(res.json().data)).toEqual([
      'notification:order_shipped',
      'broadcast:Black Friday',
      'message:проверить склад',
      'event:cart_abandoned',
      'message:Уже в пути',
      'event:purchase',
      'message:Здравствуйте, где мой заказ?',
    ]);
    expect(res.json().nextCursor).toBeNull();
    const [notification, broadcast] = res.json().data;
    expect(notification).toMatchObject({
      at: at(8).toISOString(),
      data: { status: 'sent', channel: 'telegram' },
    });
    expect(broadcast.data).toMatchObject({ status: 'sent', reason: null });
    const purchase = res.json().data.find((i: Json) => i.data.name === 'purchase');
    expect(purchase.data.properties).toEqual({ amount: 1990 });
    const first = res.json().data.at(-1);
    expect(first.data).toMatchObject({ messageType: 'incoming', attachments: 0, deleted: false });
    expect(first.data.displayId).toEqual(expect.any(Number));
  });

  it('pages through everything once, in the same order, two at a time', async () => {
    const all = labels((await timeline()).json().data);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await timeline(`?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.statusCode, res.body).toBe(200);
      seen.push(...labels(res.json().data));
      cursor = res.json().nextCursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(seen).toEqual(all);
    expect(pages).toBe(4);
  });

  it('keeps only the kinds asked for', async () => {
    const res = await timeline('?kind=event&kind=broadcast');
    expect(labels(res.json().data)).toEqual([
      'broadcast:Black Friday',
      'event:cart_abandoned',
      'event:purchase',
    ]);
  });

  it("shows an agent only the messages of conversations in the agent's share", async () => {
    const before = await timeline('?kind=message', agent);
    expect(before.statusCode).toBe(200);
    expect(before.json().data).toEqual([]);
    const agentId = (await get('/api/v1/auth/me', agent)).json().user.id;
    await joinChannel(app, channelId, agentId);
    const after = await timeline('?kind=message', agent);
    expect(after.json().data).toHaveLength(3);
  });

  it('answers 404 for an unknown contact and 400 for a cursor it did not make', async () => {
    const missing = await get('/api/v1/contacts/00000000-0000-4000-8000-000000000000/timeline');
    expect(missing.statusCode).toBe(404);
    const forged = Buffer.from(
      JSON.stringify({ v: 'yesterday', id: 'message:x', k: 'contact-timeline' }),
    ).toString('base64url');
    const bad = await timeline(`?cursor=${forged}`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0].path).toMatch(/cursor/);
    const otherKind = await timeline('?kind=visit');
    expect(otherKind.statusCode).toBe(400);
  });
});
