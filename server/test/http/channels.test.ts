import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeTelegram } from '../fakes/telegram/index.ts';
import { bearer, startTestApp, type TestApp } from '../support/test-app.ts';

let tg: FakeTelegram;
let app: TestApp;
let admin: string;
let nextBotId = 7_000_000_001;

/** A realistic token (bot id, colon, 35 characters) for a fresh bot the fake server knows. */
function newBot(username = `shop${nextBotId}_bot`, id = nextBotId++) {
  const token = `${id}:AA${randomBytes(26).toString('base64url').slice(0, 33)}`;
  tg.addBot({ token, id, username, firstName: 'Shop' });
  return { token, id, username };
}

/** A port nothing listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
const api = (method: Method, url: string, payload?: unknown, token = admin) =>
  app.http!.inject({
    method,
    url,
    headers: bearer(token),
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
const create = (body: Record<string, unknown>) =>
  api('POST', '/api/v1/channels', { type: 'telegram', ...body });

/** Every stored trace of the channel: its row and its audit entries, as text. */
async function storedText(channelId: string): Promise<string> {
  const db = app.services.ctx.db;
  const row = await db.selectFrom('channels').selectAll().where('id', '=', channelId).executeTakeFirst();
  const audit = await db.selectFrom('auditLog').selectAll().where('entityId', '=', channelId).execute();
  return JSON.stringify({ row, audit });
}

beforeAll(async () => {
  tg = await FakeTelegram.start();
  app = await startTestApp({ env: { TELEGRAM_API_ROOT: tg.apiRoot } });
  admin = (await app.userWithRole('admin')).token;
});
afterAll(async () => {
  await app?.stop();
  await tg?.stop();
});

describe('connecting a bot', () => {
  it('checks the token with getMe, shows the bot and a token hint, and polls by default on an http PUBLIC_URL', async () => {
    const bot = newBot();
    const res = await create({ name: 'Support', token: bot.token });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({
      type: 'telegram',
      name: 'Support',
      status: 'active',
      mode: 'polling',
      apiRoot: null,
      bot: { id: String(bot.id), username: bot.username },
      tokenHint: `${bot.id}:…${bot.token.slice(-4)}`,
    });
    expect(res.body).not.toContain(bot.token.split(':')[1]);
  });

  it('never shows the token in answers, the audit log, or the database row', async () => {
    const bot = newBot();
    const secret = bot.token.split(':')[1]!;
    const { id } = (await create({ name: 'Sales', token: bot.token })).json();
    const answers = [
      await api('GET', `/api/v1/channels/${id}`),
      await api('GET', '/api/v1/channels?limit=1000'),
      await api('PATCH', `/api/v1/channels/${id}`, { name: 'Sales 2' }),
      await api('GET', `/api/v1/audit-log?entityId=${id}`),
    ];
    for (const res of answers) {
      expect(res.statusCode, res.body).toBe(200);
      expect(res.body).not.toContain(secret);
    }
    expect(answers[3]!.json().data.length).toBeGreaterThanOrEqual(2);
    expect(await storedText(id)).not.toContain(secret);
    const row = await app.services.ctx.db
      .selectFrom('channels')
      .select(['secretSealed', 'webhookSecretSealed'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(app.services.ctx.secretBox.open(row.secretSealed!)).toBe(bot.token);
    expect(app.services.ctx.secretBox.open(row.webhookSecretSealed!)).toMatch(/^[\w-]{40,256}$/);
  });

  it('answers 400 naming /token with Telegram’s description when the token is refused, and stores nothing', async () => {
    const before = (await api('GET', '/api/v1/channels')).json().total;
    const res = await create({ name: 'Ghost', token: '12345:AAunknownTokenThatTelegramDoesNotKnow' });
    expect(res.statusCode).toBe(400);
    const { error } = res.json();
    expect(error.details[0].path).toBe('/token');
    expect(error.details[0].message).toMatch(/Telegram refused it \(\d{3}: .+\)/);
    expect((await api('GET', '/api/v1/channels')).json().total).toBe(before);
  });

  it('refuses a malformed token before calling Telegram', async () => {
    const res = await create({ name: 'Bad', token: '12345:abc/../getUpdates' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0].path).toBe('body/token');
  });

  it('answers 503 with a clear message, not 500, when the Bot API cannot be reached', async () => {
    const bot = newBot();
    const res = await create({
      name: 'Offline',
      token: bot.token,
      apiRoot: `http://127.0.0.1:${await closedPort()}`,
    });
    expect(res.statusCode).toBe(503);
    const { error } = res.json();
    expect(error.code).toBe('channel_unavailable');
    expect(error.message).toMatch(/unavailable, so the token could not be checked/);
    expect(res.body).not.toContain(bot.token.split(':')[1]);
  });

  it('answers 503 with Retry-After when Telegram answers 429, and 503 on a 5xx', async () => {
    const bot = newBot();
    tg.bot(bot.token).failNext('getMe', {
      error_code: 429,
      description: 'Too Many Requests: retry after 9',
      retry_after: 9,
    });
    const limited = await create({ name: 'Busy', token: bot.token });
    expect(limited.statusCode).toBe(503);
    expect(limited.headers['retry-after']).toBe('9');
    tg.bot(bot.token).failNext('getMe', { error_code: 502, description: 'Bad Gateway' });
    expect((await create({ name: 'Busy', token: bot.token })).statusCode).toBe(503);
    expect((await create({ name: 'Busy', token: bot.token })).statusCode).toBe(201);
  });

  it('refuses to connect the same bot twice, naming /token', async () => {
    const bot = newBot();
    expect((await create({ name: 'One', token: bot.token })).statusCode).toBe(201);
    const again = await create({ name: 'Two', token: bot.token });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.details[0].path).toBe('/token');
  });

  it('refuses webhook mode through Telegram’s cloud without an https PUBLIC_URL, naming /mode', async () => {
    const bot = newBot();
    const res = await create({
      name: 'Hook',
      token: bot.token,
      mode: 'webhook',
      apiRoot: 'https://api.telegram.org',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0].path).toBe('/mode');
  });
});

describe('changing a channel', () => {
  it('rotates the token of the same bot on the same row, and audits it without the token', async () => {
    const bot = newBot();
    const { id } = (await create({ name: 'Rotating', token: bot.token })).json();
    const fresh = `${bot.id}:AA${randomBytes(26).toString('base64url').slice(0, 33)}`;
    tg.addBot({ token: fresh, id: bot.id, username: bot.username, firstName: 'Shop' });
    const res = await api('PATCH', `/api/v1/channels/${id}`, { token: fresh });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id, tokenHint: `${bot.id}:…${fresh.slice(-4)}` });
    const row = await app.services.channels.get(id);
    expect(app.services.channels.tokenOf(row)).toBe(fresh);
    const stored = await storedText(id);
    expect(stored).toContain('channel.token_rotated');
    expect(stored).not.toContain(fresh.split(':')[1]);
  });

  it('refuses a token of another bot with 400 naming /token and the other bot, keeping the old token', async () => {
    const bot = newBot();
    const other = newBot('other_shop_bot');
    const { id } = (await create({ name: 'Mine', token: bot.token })).json();
    const res = await api('PATCH', `/api/v1/channels/${id}`, { token: other.token });
    expect(res.statusCode).toBe(400);
    const { error } = res.json();
    expect(error.details[0]).toMatchObject({ path: '/token' });
    expect(error.details[0].message).toContain('token belongs to another bot @other_shop_bot');
    expect(app.services.channels.tokenOf(await app.services.channels.get(id))).toBe(bot.token);
  });

  it('gives a tokenless channel row its bot on the first token, and asks for one before switching API root', async () => {
    const { id } = await app.services.ctx.db
      .insertInto('channels')
      .values({ type: 'telegram', name: 'Legacy' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const noToken = await api('PATCH', `/api/v1/channels/${id}`, { apiRoot: tg.apiRoot });
    expect(noToken.statusCode).toBe(400);
    expect(noToken.json().error.details[0].path).toBe('/token');
    const bot = newBot();
    const res = await api('PATCH', `/api/v1/channels/${id}`, { token: bot.token });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().bot).toEqual({ id: String(bot.id), username: bot.username });
  });

  it('pauses and resumes a channel', async () => {
    const { id } = (await create({ name: 'Pausable', token: newBot().token })).json();
    const paused = await api('PATCH', `/api/v1/channels/${id}`, { status: 'paused' });
    expect(paused.json().status).toBe('paused');
    expect((await api('GET', `/api/v1/channels/${id}`)).json().status).toBe('paused');
    expect((await api('PATCH', `/api/v1/channels/${id}`, { status: 'active' })).json().status).toBe('active');
    expect((await api('PATCH', `/api/v1/channels/${id}`, { status: 'deleted' })).statusCode).toBe(400);
  });

  it('answers 404 for a channel that does not exist', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    expect((await api('GET', `/api/v1/channels/${missing}`)).statusCode).toBe(404);
    expect((await api('PATCH', `/api/v1/channels/${missing}`, { name: 'x' })).statusCode).toBe(404);
    expect((await api('DELETE', `/api/v1/channels/${missing}`)).statusCode).toBe(404);
  });
});

describe('listing and deleting', () => {
  it('pages through channels with a cursor', async () => {
    for (let i = 0; i < 3; i += 1) await create({ name: `Paged ${i}`, token: newBot().token });
    const seen = new Set<string>();
    let cursor: string | null = null;
    let total = 0;
    do {
      const page: { data: Array<{ id: string }>; nextCursor: string | null; total: number } = (
        await api('GET', `/api/v1/channels?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
      ).json();
      for (const c of page.data) seen.add(c.id);
      cursor = page.nextCursor;
      total = page.total;
    } while (cursor);
    expect(seen.size).toBe(total);
    expect(total).toBeGreaterThanOrEqual(3);
  });

  it('deletes a channel with its contact identities, keeping the contacts', async () => {
    const { id } = (await create({ name: 'Doomed', token: newBot().token })).json();
    const db = app.services.ctx.db;
    const contact = await db
      .insertInto('contacts')
      .values({ name: 'Ann' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('contactChannels')
      .values({ contactId: contact.id, channelId: id, externalId: '42' })
      .execute();
    expect((await api('DELETE', `/api/v1/channels/${id}`)).statusCode).toBe(204);
    expect((await api('GET', `/api/v1/channels/${id}`)).statusCode).toBe(404);
    expect(await db.selectFrom('contactChannels').select('id').where('channelId', '=', id).execute()).toEqual(
      [],
    );
    expect(await db.selectFrom('contacts').select('id').where('id', '=', contact.id).execute()).toHaveLength(
      1,
    );
  });
});

describe('with an https PUBLIC_URL', () => {
  it('defaults new channels to webhook mode', async () => {
    const https = await startTestApp({
      env: { TELEGRAM_API_ROOT: tg.apiRoot, PUBLIC_URL: 'https://switchboard.example.com' },
    });
    try {
      const { token } = await https.userWithRole('owner');
      const res = await https.http!.inject({
        method: 'POST',
        url: '/api/v1/channels',
        headers: bearer(token),
        payload: { type: 'telegram', name: 'Hooked', token: newBot().token },
      });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json().mode).toBe('webhook');
    } finally {
      await https.stop();
    }
  });
});

describe('channel settings', () => {
  const detail = (res: { json(): { error: { details: Array<{ path: string; message: string }> } } }) =>
    res.json().error.details[0]!;

  it('accepts rateLimitPerSecond within 1..30 and up to 1000 with paidBroadcasts, and returns them', async () => {
    const res = await create({ name: 'Rated', token: newBot().token, settings: { rateLimitPerSecond: 20 } });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().settings).toEqual({ rateLimitPerSecond: 20 });
    const paid = await api('PATCH', `/api/v1/channels/${res.json().id}`, {
      settings: { rateLimitPerSecond: 1000, paidBroadcasts: true },
    });
    expect(paid.statusCode, paid.body).toBe(200);
    expect(paid.json().settings).toEqual({ rateLimitPerSecond: 1000, paidBroadcasts: true });
  });

  it('refuses more than 30/s without paidBroadcasts with a 400 naming the field and the reason, on create and update', async () => {
    const bot = newBot();
    const refused = await create({ name: 'Fast', token: bot.token, settings: { rateLimitPerSecond: 100 } });
    expect(refused.statusCode).toBe(400);
    expect(detail(refused)).toEqual({
      path: '/settings/rateLimitPerSecond',
      message: expect.stringContaining('paidBroadcasts'),
    });
    // Nothing was created: the same bot connects fine afterwards.
    const { id } = (await create({ name: 'Fast', token: bot.token })).json();
    const patch = await api('PATCH', `/api/v1/channels/${id}`, {
      settings: { rateLimitPerSecond: 31, paidBroadcasts: false },
    });
    expect(patch.statusCode).toBe(400);
    expect(detail(patch).path).toBe('/settings/rateLimitPerSecond');
    expect((await api('GET', `/api/v1/channels/${id}`)).json().settings).toEqual({});
  });

  it('refuses more than 1000/s, fractions, zero and a non-boolean paidBroadcasts', async () => {
    const { id } = (await create({ name: 'Checked', token: newBot().token })).json();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ rateLimitPerSecond: 1001, paidBroadcasts: true }, '/settings/rateLimitPerSecond'],
      [{ rateLimitPerSecond: 2.5 }, '/settings/rateLimitPerSecond'],
      [{ rateLimitPerSecond: 0 }, '/settings/rateLimitPerSecond'],
      [{ paidBroadcasts: 'yes' }, '/settings/paidBroadcasts'],
    ];
    for (const [settings, path] of cases) {
      const res = await api('PATCH', `/api/v1/channels/${id}`, { settings });
      expect(res.statusCode, JSON.stringify(settings)).toBe(400);
      expect(detail(res).path).toBe(path);
    }
  });

  it('refuses an unknown key with a 400 naming it', async () => {
    const res = await create({ name: 'Typo', token: newBot().token, settings: { rateLimit: 10 } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toContain('rateLimit');
    expect(detail(res)).toEqual({
      path: '/settings/rateLimit',
      message: expect.stringMatching(/unknown setting/),
    });
  });
});
