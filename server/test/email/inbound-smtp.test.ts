import { text } from 'node:stream/consumers';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { replyAddress } from '../../src/channels/email/email.reply-token.ts';
import type { Channel } from '../../src/db/schema.ts';
import { bearer, startTestApp, type TestApp } from '../support/test-app.ts';
import { makeEmailChannel, processedMails, sendToReceiver } from './inbound-support.ts';

const ADDRESS = 'support@shop.example';

describe('receiving email through the built-in SMTP receiver', () => {
  let app: TestApp;
  let channel: Channel;
  let token: string;
  let sent = 0;

  beforeAll(async () => {
    app = await startTestApp({ env: { EMAIL_SMTP_PORT: '0', EMAIL_SMTP_HOST: '127.0.0.1' } });
    channel = await makeEmailChannel(app, { address: ADDRESS, inbound: 'smtp' });
    ({ token } = await app.userWithRole('admin'));
  });
  afterAll(async () => {
    await app?.stop();
  });

  const repos = () => app.services.ctx.repos;

  /** Sends and waits until the receiver's job has applied it; returns the stored row. */
  async function deliver(mail: Parameters<typeof sendToReceiver>[1]) {
    await sendToReceiver(app, mail);
    sent += 1;
    const rows = await processedMails(app, channel.id, sent);
    return rows.at(-1)!;
  }

  test('a customer mail becomes a message in a new conversation titled by its subject, history trimmed', async () => {
    const row = await deliver({
      from: '"Анна Смирнова" <Anna.Smirnova@Example.com>',
      to: ADDRESS,
      subject: 'Где мой заказ?',
      messageId: '<first-1@example.com>',
      text: [
        'Здравствуйте! Заказ #1042 ещё не пришёл.',
        '',
        'пн, 7 дек. 2026 г. в 10:02, Магазин <support@shop.example>:',
        '> Ваш заказ отправлен.',
      ].join('\n'),
      attachments: [
        { filename: 'чек.pdf', content: Buffer.from('%PDF-1.4 receipt'), contentType: 'application/pdf' },
      ],
    });
    expect(row).toMatchObject({ outcome: 'message', via: 'smtp', messageId: '<first-1@example.com>' });
    const message = (await repos().messages.get(row.messageRowId!))!;
    expect(message.content).toBe('Здравствуйте! Заказ #1042 ещё не пришёл.');
    expect(message.sourceId).toBe('<first-1@example.com>');
    expect(message.contentAttributes).toMatchObject({
      rawKind: 'email',
      email: {
        messageId: '<first-1@example.com>',
        subject: 'Где мой заказ?',
        from: { address: 'anna.smirnova@example.com', name: 'Анна Смирнова' },
      },
    });
    expect(message.contentAttributes.fullText).toContain('> Ваш заказ отправлен.');

    const conversation = (await repos().conversations.get(message.conversationId))!;
    expect(conversation).toMatchObject({ channelId: channel.id, title: 'Где мой заказ?', status: 'open' });
    const contact = (await repos().contacts.get(conversation.contactId!))!;
    expect(contact).toMatchObject({
      email: 'anna.smirnova@example.com',
      firstName: 'Анна',
      lastName: 'Смирнова',
    });

    const [file] = await repos().attachments.listForMessages([message.id]);
    expect(file).toMatchObject({ fileName: 'чек.pdf', mimeType: 'application/pdf', storageStatus: 'stored' });
    expect(await text(await app.services.ctx.storage!.get(file!.storageKey!))).toBe('%PDF-1.4 receipt');

    // What an agent sees through the API.
    const res = await app.http!.inject({
      method: 'GET',
      url: `/api/v1/conversations/${conversation.id}/messages`,
      headers: bearer(token),
    });
    expect(res.statusCode).toBe(200);
    expect(JSON.stringify(res.json())).toContain('Заказ #1042');
  });

  test("refuses recipients that are not an SMTP-receiving channel, accepts the channel's +tags", async () => {
    await expect(
      sendToReceiver(app, { from: 'anna@example.com', to: 'nobody@shop.example', subject: 'x', text: 'x' }),
    ).rejects.toMatchObject({ responseCode: 550 });
    const other = await makeEmailChannel(app, { address: 'sales@shop.example', inbound: 'imap' });
    await expect(
      sendToReceiver(app, { from: 'anna@example.com', to: other.externalId!, subject: 'x', text: 'x' }),
    ).rejects.toMatchObject({ responseCode: 550 });
    const row = await deliver({
      from: 'anna.smirnova@example.com',
      to: 'support+orders@shop.example',
      subject: 'Tagged',
      messageId: '<tagged-1@example.com>',
      text: 'Via a tag',
    });
    expect(row.outcome).toBe('message');
    expect(await repos().emailInbound.listByChannel(other.id)).toEqual([]);
  });

  test('answers 250 only once the mail is stored, and 451 (try again) when storing fails', async () => {
    const mail = {
      from: 'gleb@example.com',
      to: ADDRESS,
      subject: 'Order',
      messageId: '<gleb-1@example.com>',
      text: 'Stored before acknowledged',
    };
    const db = app.services.ctx.db;
    await sql`create function refuse_mail() returns trigger language plpgsql as $$
      begin raise exception 'disk full'; end $$`.execute(db);
    await sql`create trigger refuse_mail before insert on email_inbound for each row execute function refuse_mail()`.execute(
      db,
    );
    try {
      await expect(sendToReceiver(app, mail)).rejects.toMatchObject({ responseCode: 451 });
      expect((await repos().emailInbound.listByChannel(channel.id)).map((r) => r.messageId)).not.toContain(
        '<gleb-1@example.com>',
      );
    } finally {
      await sql`drop trigger refuse_mail on email_inbound`.execute(db);
      await sql`drop function refuse_mail()`.execute(db);
    }
    // The sending server retries: now the 250 comes, and the row is there the moment it does (no waiting).
    await sendToReceiver(app, mail);
    expect((await repos().emailInbound.listByChannel(channel.id)).map((r) => r.messageId)).toContain(
      '<gleb-1@example.com>',
    );
    sent += 1;
    await processedMails(app, channel.id, sent);
  });

  test('a paused channel answers 451 (the sender keeps the mail and retries), not 550', async () => {
    const paused = await makeEmailChannel(app, { address: 'pause@shop.example', inbound: 'smtp' });
    await repos().channels.update(paused.id, { status: 'paused' });
    await expect(
      sendToReceiver(app, { from: 'anna@example.com', to: 'pause@shop.example', subject: 'x', text: 'x' }),
    ).rejects.toMatchObject({ responseCode: 451 });
    expect(await repos().emailInbound.listByChannel(paused.id)).toEqual([]);
  });

  test('a redelivered mail (same Message-ID) is accepted and stored once', async () => {
    const mail = {
      from: 'boris@example.com',
      to: ADDRESS,
      subject: 'Twice',
      messageId: '<twice-1@example.com>',
      text: 'Sent twice by a retrying forwarder',
    };
    const row = await deliver(mail);
    await sendToReceiver(app, mail); // 250 again, nothing new
    const rows = await repos().emailInbound.listByChannel(channel.id);
    expect(rows.filter((r) => r.messageId === '<twice-1@example.com>')).toHaveLength(1);
    const message = (await repos().messages.get(row.messageRowId!))!;
    const all = await app.services.ctx.db
      .selectFrom('messages')
      .select('id')
      .where('conversationId', '=', message.conversationId)
      .where('messageType', '=', 'incoming')
      .execute();
    expect(all).toHaveLength(1);
  });

  test('a reply carrying the reply token joins its conversation, even from another address and after resolving', async () => {
    const first = await deliver({
      from: 'clara@example.com',
      to: ADDRESS,
      subject: 'Refund',
      messageId: '<clara-1@example.com>',
      text: 'I want a refund',
    });
    const conversationId = (await repos().messages.get(first.messageRowId!))!.conversationId;
    await resolveLongAgo(conversationId);

    const replyTo = replyAddress(app.services.ctx.secretBox, ADDRESS, conversationId);
    const reply = await deliver({
      from: 'claras.husband@example.com',
      to: replyTo,
      subject: 'Re: Refund',
      messageId: '<husband-1@example.com>',
      text: 'Writing for my wife: any news?',
    });
    const message = (await repos().messages.get(reply.messageRowId!))!;
    expect(message.conversationId).toBe(conversationId);
    expect((await repos().conversations.get(conversationId))!.status).toBe('open');
  });

  test('a forged token is ignored: the mail follows the usual rule', async () => {
    const good = replyAddress(app.services.ctx.secretBox, ADDRESS, '00000000-0000-4000-8000-000000000000');
    const forged = good.replace(/c-(.)/, (_m, c: string) => `c-${c === 'A' ? 'B' : 'A'}`);
    const row = await deliver({
      from: 'dmitry@example.com',
      to: forged,
      subject: 'Hello',
      messageId: '<dmitry-1@example.com>',
      text: 'Hi there',
    });
    expect(row.outcome).toBe('message');
    expect(row.detail).toMatchObject({ threadedBy: 'address' });
  });

  test('In-Reply-To naming our reply threads the answer into that conversation', async () => {
    const first = await deliver({
      from: 'elena@example.com',
      to: ADDRESS,
      subject: 'Size question',
      messageId: '<elena-1@example.com>',
      text: 'Do you have size M?',
    });
    const conversationId = (await repos().messages.get(first.messageRowId!))!.conversationId;
    // Our reply as the outgoing email path records it: source_id = the Message-ID it went out with.
    await repos().messages.insert({
      conversationId,
      messageType: 'outgoing',
      senderType: 'user',
      sourceId: '<reply-42@shop.example>',
      content: 'Yes, we do.',
      contentAttributes: {},
    });
    await resolveLongAgo(conversationId);

    // From a colleague's address (the usual rule would open their own conversation), threaded by the header alone.
    const answer = await deliver({
      from: 'elena.work@example.org',
      to: ADDRESS,
      subject: 'Re: Size question',
      messageId: '<elena-2@example.org>',
      inReplyTo: '<reply-42@shop.example>',
      references: ['<elena-1@example.com>', '<reply-42@shop.example>'],
      text: 'Great, I will order.\n\nOn Mon, Dec 7, 2026 at 10:02 AM Shop <support@shop.example> wrote:\n> Yes, we do.',
    });
    const message = (await repos().messages.get(answer.messageRowId!))!;
    expect(message.conversationId).toBe(conversationId);
    expect(message.content).toBe('Great, I will order.');
    expect(message.contentAttributes).toMatchObject({
      email: {
        inReplyTo: '<reply-42@shop.example>',
        references: ['<elena-1@example.com>', '<reply-42@shop.example>'],
      },
    });
  });

  test('mail from an address a contact already has joins that contact', async () => {
    const known = await repos().contacts.create({
      name: 'Фёдор',
      firstName: 'Фёдор',
      email: 'Fedor@Example.com',
    });
    const row = await deliver({
      from: '"F." <fedor@example.com>',
      to: ADDRESS,
      subject: 'Hi',
      messageId: '<fedor-1@example.com>',
      text: 'It is me',
    });
    const message = (await repos().messages.get(row.messageRowId!))!;
    expect(message.senderContactId).toBe(known.id);
    // The mail's display name does not overwrite the name the contact has.
    expect((await repos().contacts.get(known.id))!.firstName).toBe('Фёдор');
  });

  test('first mails of a new address arriving together make one contact and one conversation', async () => {
    const mails = Array.from({ length: 6 }, (_, i) => ({
      from: 'Ivan Petrov <ivan.rush@example.com>',
      to: ADDRESS,
      subject: `Rush ${i}`,
      messageId: `<rush-${i}@example.com>`,
      text: `Message ${i}`,
    }));
    await Promise.all(mails.map((m) => sendToReceiver(app, m)));
    sent += mails.length;
    const rows = (await processedMails(app, channel.id, sent)).filter((r) =>
      r.messageId.startsWith('<rush-'),
    );
    expect(rows.map((r) => r.outcome)).toEqual(Array(6).fill('message'));
    const messages = await Promise.all(rows.map((r) => repos().messages.get(r.messageRowId!)));
    expect(new Set(messages.map((m) => m!.conversationId)).size).toBe(1);
    expect(new Set(messages.map((m) => m!.senderContactId)).size).toBe(1);
    const contacts = await app.services.ctx.db
      .selectFrom('contacts')
      .select('id')
      .where('email', '=', 'ivan.rush@example.com')
      .execute();
    expect(contacts).toHaveLength(1);
  });

  test("mail from the channel's own address (a copy, a forwarding loop) is ignored", async () => {
    const before = await countMessages();
    const row = await deliver({
      from: `Shop <${ADDRESS}>`,
      to: ADDRESS,
      subject: 'Re: Where is my order?',
      messageId: '<loop-1@shop.example>',
      text: 'Our own reply, come back',
    });
    expect(row).toMatchObject({ outcome: 'ignored', messageRowId: null });
    expect(await countMessages()).toBe(before);
  });

  test('an out-of-office reply is recorded as ignored, not as a customer message', async () => {
    const before = await countMessages();
    const row = await deliver({
      from: 'anna.smirnova@example.com',
      to: ADDRESS,
      subject: 'Автоответ: Где мой заказ?',
      messageId: '<ooo-1@example.com>',
      headers: { 'Auto-Submitted': 'auto-replied' },
      text: 'Я в отпуске до понедельника.',
    });
    expect(row).toMatchObject({ outcome: 'auto_reply', messageRowId: null });
    expect(row.detail).toMatchObject({ signal: 'Auto-Submitted: auto-replied' });
    expect(await countMessages()).toBe(before);
  });

  test('a delivery report marks the failed address unreachable and counts a delayed one as a soft bounce', async () => {
    const before = await countMessages();
    await repos().emailAddresses.reset('gone@customer.example');
    // Bounces come with an empty envelope sender; the whole mail is written by hand (nodemailer has no report type).
    const row = await deliver({ envelope: { from: '', to: [ADDRESS] }, raw: dsn('<dsn-1@mx.example>') });
    expect(row).toMatchObject({ outcome: 'bounce', messageRowId: null });
    expect(await repos().emailAddresses.get('gone@customer.example')).toMatchObject({
      status: 'unreachable',
    });
    const full = await repos().emailAddresses.get('full@customer.example');
    expect(full).toMatchObject({ status: 'ok', softBounces: 1 });
    expect(await countMessages()).toBe(before);
  });

  async function resolveLongAgo(conversationId: string) {
    const longAgo = new Date(Date.now() - 90 * 24 * 3_600_000);
    await app.services.ctx.db
      .updateTable('conversations')
      .set({ status: 'resolved', resolvedAt: longAgo, updatedAt: longAgo })
      .where('id', '=', conversationId)
      .execute();
  }

  /** Customer messages in the inbox (new conversations also get the channel's auto-reply, an outgoing message). */
  async function countMessages(): Promise<number> {
    const row = await app.services.ctx.db
      .selectFrom('messages')
      .where('messageType', '=', 'incoming')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
});

/** A Postfix-style delivery status notification: one permanent failure, one delay. */
function dsn(messageId: string): string {
  return [
    'From: MAILER-DAEMON@mx.example (Mail Delivery System)',
    `To: ${ADDRESS}`,
    'Subject: Undelivered Mail Returned to Sender',
    `Message-ID: ${messageId}`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="BOUND"',
    '',
    '--BOUND',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'I am sorry to have to inform you that your message could not be delivered.',
    '',
    '--BOUND',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example',
    '',
    'Final-Recipient: rfc822; gone@customer.example',
    'Action: failed',
    'Status: 5.1.1',
    'Diagnostic-Code: smtp; 550 5.1.1 User unknown',
    '',
    'Final-Recipient: rfc822; full@customer.example',
    'Action: delayed',
    'Status: 4.2.2',
    'Diagnostic-Code: smtp; 452 4.2.2 Mailbox full',
    '',
    '--BOUND',
    'Content-Type: message/rfc822',
    '',
    `From: ${ADDRESS}`,
    'To: gone@customer.example',
    'Subject: Your order',
    '',
    'Hello',
    '--BOUND--',
    '',
  ].join('\r\n');
}
