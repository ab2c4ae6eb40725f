import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ImapReading } from '../../src/channels/email/email.imap.ts';
import type { Channel } from '../../src/db/schema.ts';
import { eventually } from '../support/eventually.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { Dovecot } from './inbound-dovecot.ts';
import { makeEmailChannel } from './inbound-support.ts';

const ADDRESS = 'support@shop.example';

function mail(id: string, subject: string, body: string): string {
  return [
    'From: "Boris Ivanov" <boris@example.com>',
    `To: ${ADDRESS}`,
    `Subject: ${subject}`,
    `Message-ID: <${id}@example.com>`,
    'Date: Mon, 7 Dec 2026 10:00:00 +0000',
    '',
    body,
    '',
  ].join('\r\n');
}

describe('receiving email from an IMAP mailbox (Dovecot)', () => {
  let dovecot: Dovecot;
  let app: TestApp;
  let channel: Channel;
  let imap: ImapFlow;
  const extraReaders: ImapReading[] = [];

  beforeAll(async () => {
    dovecot = await Dovecot.start();
    imap = new ImapFlow({
      ...dovecot.imapSettings,
      auth: { user: dovecot.user, pass: dovecot.password },
      logger: false,
    });
    await imap.connect();
    // Already read before the channel existed: stays out of the inbox. Not read yet: comes in.
    await imap.append('INBOX', mail('old-read', 'Old', 'Read long ago'), ['\\Seen']);
    await imap.append('INBOX', mail('waiting', 'Waiting', 'Nobody has read me yet'));
    app = await startTestApp();
    channel = await makeEmailChannel(app, {
      address: ADDRESS,
      inbound: 'imap',
      imap: dovecot.imapSettings,
      imapPassword: dovecot.password,
    });
  });
  afterAll(async () => {
    await Promise.all(extraReaders.map((r) => r.stop()));
    await imap?.logout().catch(() => {});
    await app?.stop();
    await dovecot?.stop();
  });

  const repos = () => app.services.ctx.repos;

  async function storedIds(): Promise<string[]> {
    const rows = await repos().emailInbound.listByChannel(channel.id);
    return rows.map((r) => r.messageId);
  }

  async function messageFor(messageId: string) {
    return eventually(
      async () => {
        const row = (await repos().emailInbound.listByChannel(channel.id)).find(
          (r) => r.messageId === messageId,
        );
        return row?.messageRowId ? repos().messages.get(row.messageRowId) : undefined;
      },
      30_000,
      `message ${messageId} in the inbox`,
    );
  }

  async function flagsOf(messageId: string): Promise<Set<string>> {
    const lock = await imap.getMailboxLock('INBOX');
    try {
      const [uid] = (await imap.search({ header: { 'message-id': messageId } }, { uid: true })) || [];
      const m = uid ? await imap.fetchOne(String(uid), { flags: true }, { uid: true }) : false;
      return (m ? m.flags : undefined) ?? new Set<string>();
    } finally {
      lock.release();
    }
  }

  test('on the first look takes the unseen mail only, and marks it \\Seen once stored', async () => {
    const message = await messageFor('<waiting@example.com>');
    expect(message).toMatchObject({ content: 'Nobody has read me yet', sourceId: '<waiting@example.com>' });
    expect(await storedIds()).toEqual(['<waiting@example.com>']);
    await eventually(
      async () => (await flagsOf('<waiting@example.com>')).has('\\Seen'),
      10_000,
      '\\Seen set',
    );
    const position = await repos().emailInbound.imapPosition(channel.id);
    expect(position).toMatchObject({ mailbox: 'INBOX', lastUid: 2 });
  });

  test('new mail reaches the inbox while the reader waits (IDLE), read or not', async () => {
    await messageFor('<waiting@example.com>');
    await imap.append('INBOX', mail('fresh', 'Re: Waiting', 'A new one'));
    await imap.append('INBOX', mail('fresh-read', 'Read elsewhere', 'Opened in a phone app first'), [
      '\\Seen',
    ]);
    expect(await messageFor('<fresh@example.com>')).toMatchObject({ content: 'A new one' });
    expect(await messageFor('<fresh-read@example.com>')).toMatchObject({
      content: 'Opened in a phone app first',
    });
    expect(await storedIds()).not.toContain('<old-read@example.com>');
    expect((await repos().emailInbound.imapPosition(channel.id))?.lastUid).toBe(4);
  });

  test('a changed UIDVALIDITY makes the reader rescan the mailbox without storing anything twice', async () => {
    await messageFor('<fresh-read@example.com>');
    // As if the mailbox had been recreated: the stored position belongs to another UIDVALIDITY.
    await app.services.ctx.db
      .updateTable('emailImapState')
      .set({ uidValidity: 1 })
      .where('channelId', '=', channel.id)
      .execute();
    await imap.append('INBOX', mail('after-reset', 'Another', 'Wakes the reader up'));
    await messageFor('<after-reset@example.com>');
    // The rescan took every mail, the old read one included; the ones stored before were recognised.
    expect(await messageFor('<old-read@example.com>')).toMatchObject({ content: 'Read long ago' });
    const ids = await storedIds();
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(5);
  });

  test('exactly one reader holds a mailbox across processes, and another takes over when it stops', async () => {
    const readers = [app.imapReading!];
    for (let i = 0; i < 2; i++) {
      const r = new ImapReading(app.services.ctx, app.databaseUrl, { reconcileMs: 200 });
      extraReaders.push(r);
      await r.start();
      readers.push(r);
    }
    await new Promise((r) => setTimeout(r, 600)); // several reconciles of the extra readers
    const holders = () => readers.filter((r) => r.reading.includes(channel.id));
    expect(holders()).toHaveLength(1);
    const holder = holders()[0]!;
    await holder.stop();
    readers.splice(readers.indexOf(holder), 1);
    await eventually(async () => holders().length === 1, 10_000, 'takeover');
    await imap.append('INBOX', mail('after-takeover', 'Still here?', 'Read by the new holder'));
    expect(await messageFor('<after-takeover@example.com>')).toMatchObject({
      content: 'Read by the new holder',
    });
  });
});

describe('an IMAP server without IDLE', () => {
  let dovecot: Dovecot;
  let app: TestApp;
  let reading: ImapReading;
  let imap: ImapFlow;

  beforeAll(async () => {
    dovecot = await Dovecot.start(undefined, undefined, { withoutIdle: true });
    imap = new ImapFlow({
      ...dovecot.imapSettings,
      auth: { user: dovecot.user, pass: dovecot.password },
      logger: false,
    });
    await imap.connect();
    // An api process: no worker, no reader of its own; the reader under test polls every 300 ms.
    app = await startTestApp({ role: 'api' });
    await makeEmailChannel(app, {
      address: ADDRESS,
      inbound: 'imap',
      imap: dovecot.imapSettings,
      imapPassword: dovecot.password,
    });
    reading = new ImapReading(app.services.ctx, app.databaseUrl, { reconcileMs: 200, pollMs: 300 });
    await reading.start();
  });
  afterAll(async () => {
    await reading?.stop();
    await imap?.logout().catch(() => {});
    await app?.stop();
    await dovecot?.stop();
  });

  test('is polled: new mail is stored all the same', async () => {
    expect(imap.capabilities.has('IDLE')).toBe(false);
    const channelId = await eventually(async () => reading.reading[0], 10_000, 'a reader');
    await imap.append('INBOX', mail('polled', 'No IDLE here', 'Found by polling'));
    const rows = await eventually(
      async () => {
        const all = await app.services.ctx.repos.emailInbound.listByChannel(channelId);
        return all.length > 0 ? all : undefined;
      },
      15_000,
      'the polled mail stored',
    );
    expect(rows.map((r) => r.messageId)).toEqual(['<polled@example.com>']);
  });
});
