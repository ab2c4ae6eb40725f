import { describe, expect, test } from 'vitest';
import { autoReplySignal, messageIdOf, readEmail, syntheticMessageId } from './email.parse.ts';

const crlf = (lines: string[]) => Buffer.from(lines.join('\r\n'));

const postfixBounce = crlf([
  'From: MAILER-DAEMON@mx.shop.example (Mail Delivery System)',
  'To: support@shop.example',
  'Subject: Undelivered Mail Returned to Sender',
  'Message-ID: <20261207100000.ABC@mx.shop.example>',
  'Auto-Submitted: auto-replied',
  'MIME-Version: 1.0',
  'Content-Type: multipart/report; report-type=delivery-status;',
  '\tboundary="ABC.1/mx.shop.example"',
  '',
  '--ABC.1/mx.shop.example',
  'Content-Description: Notification',
  'Content-Type: text/plain; charset=us-ascii',
  '',
  'This is the mail system at host mx.shop.example.',
  '',
  '--ABC.1/mx.shop.example',
  'Content-Description: Delivery report',
  'Content-Type: message/delivery-status',
  '',
  'Reporting-MTA: dns; mx.shop.example',
  'Arrival-Date: Mon,  7 Dec 2026 10:00:00 +0000 (UTC)',
  '',
  'Final-Recipient: rfc822; gone@customer.example',
  'Original-Recipient: rfc822;gone@customer.example',
  'Action: failed',
  'Status: 5.1.1',
  'Diagnostic-Code: smtp; 550 5.1.1 <gone@customer.example>: Recipient address',
  '    rejected: User unknown',
  '',
  'Final-Recipient: rfc822; full@customer.example',
  'Action: delayed',
  'Status: 4.2.2',
  'Diagnostic-Code: smtp; 452 4.2.2 Mailbox full',
  '',
  'Final-Recipient: rfc822; fine@customer.example',
  'Action: delivered',
  'Status: 2.0.0',
  '',
  '--ABC.1/mx.shop.example',
  'Content-Type: message/rfc822',
  '',
  'From: support@shop.example',
  'To: gone@customer.example',
  'Subject: Your order',
  '',
  'Hello',
  '--ABC.1/mx.shop.example--',
  '',
]);

describe('readEmail', () => {
  test('reads a delivery report: failed and delayed recipients, not delivered ones', async () => {
    const mail = await readEmail(postfixBounce);
    expect(mail).toEqual({
      kind: 'bounce',
      messageId: '<20261207100000.ABC@mx.shop.example>',
      recipients: [
        {
          address: 'gone@customer.example',
          status: '5.1.1',
          reason: 'smtp; 550 5.1.1 <gone@customer.example>: Recipient address rejected: User unknown',
        },
        { address: 'full@customer.example', status: '4.2.2', reason: 'smtp; 452 4.2.2 Mailbox full' },
      ],
    });
  });

  test('recognises an out-of-office reply by its headers', async () => {
    const mail = await readEmail(
      crlf([
        'From: Anna <anna@example.com>',
        'To: support@shop.example',
        'Subject: Re: Your order',
        'Message-ID: <ooo-1@example.com>',
        'Auto-Submitted: auto-replied',
        '',
        'I am away until Monday.',
      ]),
    );
    expect(mail).toEqual({
      kind: 'auto_reply',
      messageId: '<ooo-1@example.com>',
      signal: 'Auto-Submitted: auto-replied',
      from: 'anna@example.com',
    });
  });

  test("reads a person's mail: sender lower-cased, threading headers, recipients from Delivered-To", async () => {
    const mail = await readEmail(
      crlf([
        'Delivered-To: Support+c-token@shop.example',
        'From: "Anna Smith" <Anna@Example.com>',
        'To: Shop <support@shop.example>',
        'Cc: boss@example.com',
        'Subject: Re: Your order',
        'Date: Mon, 7 Dec 2026 10:05:00 +0000',
        'Message-ID: <reply-1@example.com>',
        'In-Reply-To: <ours-2@shop.example>',
        'References: <ours-1@shop.example>',
        ' <ours-2@shop.example>',
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="X"',
        '',
        '--X',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Where is it?',
        '--X',
        'Content-Type: application/pdf; name="invoice.pdf"',
        'Content-Disposition: attachment; filename="invoice.pdf"',
        'Content-Transfer-Encoding: base64',
        '',
        Buffer.from('%PDF-1.4 test').toString('base64'),
        '--X--',
        '',
      ]),
    );
    if (mail?.kind !== 'message') throw new Error(`expected a message, got ${mail?.kind}`);
    expect(mail.from).toEqual({ address: 'anna@example.com', name: 'Anna Smith' });
    // As written: a reply token in the +tag is case-sensitive.
    expect(mail.recipients).toEqual([
      'support@shop.example',
      'boss@example.com',
      'Support+c-token@shop.example',
    ]);
    expect(mail.inReplyTo).toBe('<ours-2@shop.example>');
    expect(mail.references).toEqual(['<ours-1@shop.example>', '<ours-2@shop.example>']);
    expect(mail.text).toBe('Where is it?');
    expect(mail.date?.toISOString()).toBe('2026-12-07T10:05:00.000Z');
    expect(mail.attachments).toHaveLength(1);
    expect(mail.attachments[0]).toMatchObject({ fileName: 'invoice.pdf', mimeType: 'application/pdf' });
    expect(mail.attachments[0]?.content.toString()).toBe('%PDF-1.4 test');
    expect(mail.attachments[0]?.checksum).toMatch(/^[0-9a-f]{64}$/);
  });
});

test('reads the text of an HTML-only mail, quotes marked as quotes', async () => {
  const mail = await readEmail(
    crlf([
      'From: anna@example.com',
      'To: support@shop.example',
      'Subject: Hi',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<div>Hello <b>there</b></div><div><br></div><div><br></div><blockquote>old</blockquote>',
    ]),
  );
  expect(mail).toMatchObject({ kind: 'message', text: 'Hello there\n\n> old' });
});

describe('autoReplySignal', () => {
  const headers =
    (h: Record<string, string>) =>
    (name: string): string | null =>
      h[name] ?? null;

  test('reads the headers robots set', () => {
    expect(autoReplySignal(headers({ 'auto-submitted': 'no' }), 'Hello')).toBeNull();
    expect(autoReplySignal(headers({ 'auto-submitted': 'auto-generated' }), 'Hello')).toMatch(
      /auto-generated/,
    );
    expect(autoReplySignal(headers({ 'x-autoreply': 'yes' }), 'Hello')).toBe('x-autoreply');
    expect(autoReplySignal(headers({ 'x-autorespond': 'Vacation' }), 'Hello')).toBe('x-autorespond');
    expect(autoReplySignal(headers({ precedence: 'bulk' }), 'Hello')).toBe('Precedence: bulk');
    expect(autoReplySignal(headers({ precedence: 'list' }), 'Hello')).toBeNull();
  });

  test('takes an out-of-office subject as a hint, in English and Russian, without catching customers', () => {
    const none = headers({});
    expect(autoReplySignal(none, 'Out of Office: Re: Your order')).not.toBeNull();
    expect(autoReplySignal(none, 'Automatic reply: Your order')).not.toBeNull();
    expect(autoReplySignal(none, 'Автоответ: Ваш заказ')).not.toBeNull();
    expect(autoReplySignal(none, 'Автоматический ответ: Ваш заказ')).not.toBeNull();
    expect(autoReplySignal(none, 'Out of office hours delivery?')).toBeNull();
    expect(autoReplySignal(none, 'Re: Your order')).toBeNull();
  });
});

describe('messageIdOf', () => {
  test('finds a folded Message-ID without parsing the body, and none when absent', () => {
    expect(messageIdOf(crlf(['Subject: x', 'Message-ID:', ' <long-id@example.com>', '', 'body']))).toBe(
      '<long-id@example.com>',
    );
    expect(messageIdOf(crlf(['Subject: x', '', 'Message-ID: <in-body@example.com>']))).toBeNull();
  });

  test('stands in for a missing one with the same id for the same bytes', () => {
    const raw = crlf(['Subject: x', '', 'body']);
    expect(syntheticMessageId(raw)).toBe(syntheticMessageId(Buffer.from(raw)));
    expect(syntheticMessageId(raw)).not.toBe(syntheticMessageId(crlf(['Subject: y', '', 'body'])));
  });
});
