import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailSecretsOf } from '../../src/channels/email/email.settings.ts';
import { SmtpSink } from '../fakes/smtp-sink.ts';
import { bearer, startTestApp, type TestApp } from '../support/test-app.ts';
import { Dovecot } from './inbound-dovecot.ts';

// Mailboxes as channels over HTTP, against a real SMTP server that wants a login (SmtpSink with a password).
let app: TestApp;
let sink: SmtpSink;
let admin: string;
let n = 0;

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
const api = (method: Method, url: string, payload?: unknown, token = admin) =>
  app.http!.inject({
    method,
    url,
    headers: bearer(token),
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });

/** Valid settings for a fresh address; `over` replaces top-level keys. */
function settings(over: Record<string, unknown> = {}) {
  n += 1;
  return {
    address: `Support${n}@Shop.test`,
    smtp: { host: '127.0.0.1', port: sink.port, secure: false, user: 'shop', password: 'right-pass' },
    inbound: 'none',
    ...over,
  };
}
const create = (s: unknown, name = 'Support mail') =>
  api('POST', '/api/v1/channels', { type: 'email', name, settings: s });

/** A port nothing listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Every stored trace of the channel: its row and its audit entries, as text. */
async function storedText(channelId: string): Promise<string> {
  const db = app.services.ctx.db;
  const row = await db.selectFrom('channels').selectAll().where('id', '=', channelId).executeTakeFirst();
  const audit = await db.selectFrom('auditLog').selectAll().where('entityId', '=', channelId).execute();
  return JSON.stringify({ row, audit });
}

beforeAll(async () => {
  sink = await SmtpSink.start({ user: 'shop', password: 'right-pass' });
  app = await startTestApp({ role: 'api' });
  admin = (await app.userWithRole('admin')).token;
});
afterAll(async () => {
  await app?.stop();
  await sink?.close();
});

describe('connecting a mailbox', () => {
  it('tries the SMTP login, stores the address lower-cased and the password sealed, and never shows it', async () => {
    const res = await create(settings({ fromName: 'Школа Ромашка' }));
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({ type: 'email', status: 'active', tokenHint: null });
    expect(body.settings).toMatchObject({
      address: `support${n}@shop.test`,
      fromName: 'Школа Ромашка',
      inbound: 'none',
      imap: null,
      smtp: { host: '127.0.0.1', port: sink.port, secure: false, user: 'shop', passwordSet: true },
    });
    expect(JSON.stringify(body)).not.toContain('right-pass');
    expect(JSON.stringify((await api('GET', `/api/v1/channels/${body.id}`)).json())).not.toContain(
      'right-pass',
    );
    expect(JSON.stringify((await api('GET', '/api/v1/channels')).json())).not.toContain('right-pass');
    expect(await storedText(body.id)).not.toContain('right-pass');
    const health = await api('GET', `/api/v1/channels/${body.id}/health`);
    expect(health.statusCode).toBe(200);
    expect(health.body).not.toContain('right-pass');
    const row = await app.services.ctx.repos.channels.get(body.id);
    expect(row?.externalId).toBe(`support${n}@shop.test`);
    expect(emailSecretsOf(app.services.ctx.secretBox, row!).smtpPassword).toBe('right-pass');
  });

  it('answers 400 on /settings/smtp/password with the server’s words when the login is refused, and stores nothing', async () => {
    const before = (await api('GET', '/api/v1/channels')).json().total;
    const s = settings();
    const res = await create({ ...s, smtp: { ...s.smtp, password: 'wrong' } });
    expect(res.statusCode).toBe(400);
    const { error } = res.json();
    expect(error.details).toEqual([
      {
        path: '/settings/smtp/password',
        message: expect.stringMatching(/^SMTP login refused: 535 .*Invalid/),
      },
    ]);
    expect(JSON.stringify(error)).not.toContain('wrong');
    expect((await api('GET', '/api/v1/channels')).json().total).toBe(before);
  });

  it('answers 400 on the host when a server cannot be reached, for SMTP and for IMAP', async () => {
    const s = settings();
    const port = await closedPort();
    const smtp = await create({ ...s, smtp: { ...s.smtp, port } });
    expect(smtp.statusCode).toBe(400);
    expect(smtp.json().error.details[0]).toMatchObject({
      path: '/settings/smtp/host',
      message: expect.stringContaining(`127.0.0.1:${port}`),
    });
    const imap = await create({
      ...s,
      inbound: 'imap',
      imap: { host: '127.0.0.1', port, secure: false, user: 'shop', password: 'p' },
    });
    expect(imap.statusCode).toBe(400);
    expect(imap.json().error.details).toEqual([
      { path: '/settings/imap/host', message: expect.stringContaining('IMAP server 127.0.0.1') },
    ]);
  });

  it('names every bad field at once before trying any server', async () => {
    const res = await create({
      address: 'not an address',
      smtp: { host: '', port: 70000, secure: 'yes', user: 'shop' },
      inbound: 'imap',
      ratePerSecond: 0,
      colour: 'red',
    });
    expect(res.statusCode).toBe(400);
    const paths = res
      .json()
      .error.details.map((d: { path: string }) => d.path)
      .sort();
    expect(paths).toEqual(
      [
        '/settings/address',
        '/settings/colour',
        '/settings/imap',
        '/settings/ratePerSecond',
        '/settings/smtp/host',
        '/settings/smtp/password',
        '/settings/smtp/port',
        '/settings/smtp/secure',
      ].sort(),
    );
    const missing = await api('POST', '/api/v1/channels', { type: 'email', name: 'No settings' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.details[0].path).toBe('/settings');
    const token = await api('POST', '/api/v1/channels', {
      type: 'email',
      name: 'With token',
      token: '1:abc',
      settings: settings(),
    });
    expect(token.statusCode).toBe(400);
    expect(token.json().error.details[0]).toMatchObject({ path: '/token' });
  });

  it('refuses the same address twice (409 on /settings/address)', async () => {
    const s = settings();
    expect((await create(s)).statusCode).toBe(201);
    const again = await create({ ...s, address: s.address.toUpperCase() });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.details[0].path).toBe('/settings/address');
  });

  it('needs channels:write: an agent cannot connect a mailbox', async () => {
    const agent = (await app.userWithRole('agent')).token;
    const res = await api(
      'POST',
      '/api/v1/channels',
      { type: 'email', name: 'x', settings: settings() },
      agent,
    );
    expect(res.statusCode).toBe(403);
  });
});

describe('changing a mailbox', () => {
  it('rotates the SMTP password alone (tried first), keeps the other settings, and audits it without the password', async () => {
    const created = (await create(settings({ ratePerSecond: 5 }))).json();
    const refused = await api('PATCH', `/api/v1/channels/${created.id}`, {
      settings: { smtp: { password: 'not-it' } },
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.details[0].path).toBe('/settings/smtp/password');

    // The sink's password changes, as when the mail provider's one is rotated.
    const rotatedSink = await SmtpSink.start({ user: 'shop', password: 'new-pass' });
    try {
      const res = await api('PATCH', `/api/v1/channels/${created.id}`, {
        settings: { smtp: { port: rotatedSink.port, password: 'new-pass' } },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().settings).toMatchObject({
        address: created.settings.address,
        ratePerSecond: 5,
        smtp: { port: rotatedSink.port, user: 'shop', passwordSet: true },
      });
      const row = await app.services.ctx.repos.channels.get(created.id);
      expect(emailSecretsOf(app.services.ctx.secretBox, row!).smtpPassword).toBe('new-pass');
      const text = await storedText(created.id);
      expect(text).not.toContain('new-pass');
      expect(text).toContain('channel.password_rotated');

      // The next mail goes through the new server with the new login: the pool was rebuilt.
      const sender = app.services.emailSenders.forChannel(row!);
      await app.services.emailSenders.sendAndRecordBounces(sender, {
        to: 'a@x.test',
        subject: 's',
        text: 't',
      });
      await rotatedSink.waitFor(1);
      expect(rotatedSink.mails[0]?.from).toBe(created.settings.address);
    } finally {
      // The pool keeps its connection open; the sink closes only once no client is connected.
      app.services.emailSenders.forget(created.id);
      await rotatedSink.close();
    }
  });

  it('pauses and renames without trying the server again; refuses Telegram-only fields', async () => {
    const created = (await create(settings())).json();
    const res = await api('PATCH', `/api/v1/channels/${created.id}`, { status: 'paused', name: 'Old mail' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'paused', name: 'Old mail' });
    const mode = await api('PATCH', `/api/v1/channels/${created.id}`, { mode: 'polling' });
    expect(mode.statusCode).toBe(400);
    expect(mode.json().error.details[0].path).toBe('/mode');
  });

  it('deletes a mailbox', async () => {
    const created = (await create(settings())).json();
    expect((await api('DELETE', `/api/v1/channels/${created.id}`)).statusCode).toBe(204);
    expect((await api('GET', `/api/v1/channels/${created.id}`)).statusCode).toBe(404);
  });
});

describe('a mailbox read over IMAP (Dovecot)', () => {
  let dovecot: Dovecot;
  beforeAll(async () => {
    dovecot = await Dovecot.start('help@shop.test', 'imap-secret');
  });
  afterAll(async () => {
    await dovecot?.stop();
  });

  it('logs in and opens the mailbox before saving; a refused login or a missing mailbox is a 400 on that field', async () => {
    const imap = (over: Record<string, unknown> = {}) => ({
      ...settings({ inbound: 'imap' }),
      imap: { ...dovecot.imapSettings, password: 'imap-secret', ...over },
    });
    const refused = await create(imap({ password: 'nope' }));
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.details).toEqual([
      { path: '/settings/imap/password', message: expect.stringMatching(/^IMAP login refused: /) },
    ]);
    const missing = await create(imap({ mailbox: 'Nowhere' }));
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.details[0].path).toBe('/settings/imap/mailbox');

    const ok = await create(imap());
    expect(ok.statusCode).toBe(201);
    expect(ok.json().settings).toMatchObject({
      inbound: 'imap',
      imap: { host: '127.0.0.1', port: dovecot.port, mailbox: 'INBOX', passwordSet: true },
    });
    expect(ok.body).not.toContain('imap-secret');
    const row = await app.services.ctx.repos.channels.get(ok.json().id);
    expect(emailSecretsOf(app.services.ctx.secretBox, row!)).toEqual({
      smtpPassword: 'right-pass',
      imapPassword: 'imap-secret',
    });
  });
});
