import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeTelegram } from '../fakes/telegram/index.ts';
import { bearer, startTestApp, type TestApp } from '../support/test-app.ts';
import { connectBot, newBot } from '../telegram/receiving.helpers.ts';
import { conversationFor } from '../telegram/sending.helpers.ts';

/** Canned responses: CRUD and access per role, /shortcode lookup, rendering with contact/conversation/agent variables. */

// biome-ignore lint/suspicious/noExplicitAny: API bodies are free-form JSON here
type Json = Record<string, any>;

let tg: FakeTelegram;
let app: TestApp;
let channelId: string;
let admin: string;
let agent: { id: string; token: string; name: string };
let readonly: string;

const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, token: string, payload?: Json) =>
  app.http!.inject({ method, url, headers: bearer(token), ...(payload ? { payload } : {}) });

beforeAll(async () => {
  tg = await FakeTelegram.start();
  // An api process: nothing here needs jobs.
  app = await startTestApp({ role: 'api', env: { TELEGRAM_API_ROOT: tg.apiRoot } });
  const created = newBot(tg);

  channelId = await connectBot(app, created.token);
  admin = (await app.userWithRole('admin')).token;
  const a = await app.userWithRole('agent');
  agent = { id: a.user.id, token: a.token, name: a.user.displayName };
  readonly = (await app.userWithRole('readonly')).token;
  await app.services.ctx.db.insertInto('channelMembers').values({ channelId, userId: agent.id }).execute();
});

afterAll(async () => {
  await app?.stop();
  await tg?.stop();
});

describe('canned responses', () => {
  it('are created and changed by admins only, and read by every role that reads conversations', async () => {
    const created = await call('POST', '/api/v1/canned-responses', admin, {
      shortCode: '/greet',
      content: 'Hello, {{ contact.firstName }}!',
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ shortCode: 'greet', content: 'Hello, {{ contact.firstName }}!' });
    const id = created.json().id as string;

    expect(
      (await call('POST', '/api/v1/canned-responses', agent.token, { shortCode: 'x', content: 'y' }))
        .statusCode,
    ).toBe(403);
    expect(
      (await call('PATCH', `/api/v1/canned-responses/${id}`, agent.token, { content: 'z' })).statusCode,
    ).toBe(403);
    expect((await call('DELETE', `/api/v1/canned-responses/${id}`, readonly)).statusCode).toBe(403);
    for (const token of [agent.token, readonly])
      expect((await call('GET', `/api/v1/canned-responses/${id}`, token)).statusCode).toBe(200);

    const dup = await call('POST', '/api/v1/canned-responses', admin, {
      shortCode: 'GREET',
      content: 'again',
    });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.details[0].path).toBe('/shortCode');

    const changed = await call('PATCH', `/api/v1/canned-responses/${id}`, admin, {
      content: 'Hi {{ contact.name }}',
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json().content).toBe('Hi {{ contact.name }}');
  });

  it('refuses bad short codes and templates with the field and position', async () => {
    const badCode = await call('POST', '/api/v1/canned-responses', admin, {
      shortCode: 'two words',
      content: 'x',
    });
    expect(badCode.statusCode).toBe(400);
    expect(badCode.json().error.details[0].path).toBe('/shortCode');
    const badLiquid = await call('POST', '/api/v1/canned-responses', admin, {
      shortCode: 'broken',
      content: 'Hello {% if contact.firstName %}',
    });
    expect(badLiquid.statusCode).toBe(400);
    expect(badLiquid.json().error.details[0].path).toBe('/content');
    const badHtml = await call('POST', '/api/v1/canned-responses', admin, {
      shortCode: 'badhtml',
      content: '<div>not Telegram HTML</div>',
    });
    expect(badHtml.statusCode).toBe(400);
  });

  it('finds responses by short code prefix for the composer, and by content with q', async () => {
    for (const [shortCode, content] of [
      ['refund', 'Your refund is on its way'],
      ['refund_late', 'Refunds take up to 5 days'],
      ['shipping', 'We ship within a day'],
    ])
      expect((await call('POST', '/api/v1/canned-responses', admin, { shortCode, content })).statusCode).toBe(
        201,
      );
    const byPrefix = await call('GET', '/api/v1/canned-responses?prefix=/REF', agent.token);
    expect(byPrefix.json().data.map((c: Json) => c.shortCode)).toEqual(['refund', 'refund_late']);
    const byText = await call('GET', '/api/v1/canned-responses?q=ship', agent.token);
    expect(byText.json().data.map((c: Json) => c.shortCode)).toEqual(['shipping']);
    // LIKE wildcards in the prefix are literal.
    expect((await call('GET', '/api/v1/canned-responses?prefix=%25', agent.token)).json().data).toEqual([]);
  });

  it('renders with contact, conversation and agent variables, escaped for Telegram HTML', async () => {
    const { conversationId, contactId } = await conversationFor(app.services.ctx.db, channelId);
    await app.services.ctx.repos.contacts.update(contactId!, { firstName: '<Ann & Co>' });
    const created = await call('POST', '/api/v1/canned-responses', admin, {
      shortCode: 'sign',
      content:
        '<b>Hi {{ contact.firstName }}</b>, this is {{ agent.name }} about #{{ conversation.displayId }} ({{ conversation.status }})',
    });
    const id = created.json().id as string;
    const res = await call('POST', `/api/v1/canned-responses/${id}/render`, agent.token, { conversationId });
    expect(res.statusCode, res.body).toBe(200);
    const conversation = (await app.services.ctx.repos.conversations.get(conversationId))!;
    expect(res.json()).toEqual({
      content: `<b>Hi &lt;Ann &amp; Co&gt;</b>, this is ${agent.name} about #${conversation.displayId} (open)`,
      text: `Hi <Ann & Co>, this is ${agent.name} about #${conversation.displayId} (open)`,
    });

    // An agent who cannot see the conversation gets 404, as for the conversation itself.
    const outsider = (await app.userWithRole('agent')).token;
    expect(
      (await call('POST', `/api/v1/canned-responses/${id}/render`, outsider, { conversationId })).statusCode,
    ).toBe(404);
  });

  it('deletes', async () => {
    const created = await call('POST', '/api/v1/canned-responses', admin, {
      shortCode: 'bye',
      content: 'Bye',
    });
    const id = created.json().id as string;
    expect((await call('DELETE', `/api/v1/canned-responses/${id}`, admin)).statusCode).toBe(204);
    expect((await call('GET', `/api/v1/canned-responses/${id}`, admin)).statusCode).toBe(404);
  });
});
