import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationOfReplyAddress } from '../../src/channels/email/email.reply-token.ts';
import { SmtpSink } from '../fakes/smtp-sink.ts';
import { eventually } from '../support/eventually.ts';
import { bearer, startTestApp, type TestApp } from '../support/test-app.ts';
import { connectMailbox, mailConversation as shared } from './mail-conversation.ts';

// An agent's reply in an email conversation leaves by email through the channel's SMTP server (the sink), threaded.
let app: TestApp;
let sink: SmtpSink;
let admin: string;
let channelId: string;

const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
  app.http!.inject({
    method,
    url,
    headers: bearer(admin),
    ...(payload ? { payload: payload as object } : {}),
  });

const mailConversation = (customer: string, received: { subject: string; references: string[] }) =>
  shared(app, channelId, customer, received);

async function reply(conversationId: string, body: Record<string, unknown>) {
  const res = await api('POST', `/api/v1/conversations/${conversationId}/messages`, body);
  if (res.statusCode !== 201) throw new Error(`reply: ${res.statusCode} ${res.body}`);
  return res.json();
}

const messageRow = (id: string) =>
  app.services.ctx.db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

beforeAll(async () => {
  sink = await SmtpSink.start();
  app = await startTestApp();
  admin = (await app.userWithRole('admin')).token;
  channelId = await connectMailbox(app, admin, sink.port, { fromName: 'Школа Ромашка' });
});
afterAll(async () => {
  await app?.stop();
  await sink?.close();
});

describe('answering an email conversation', () => {
  it('sends HTML and text with Re: subject, threading headers, Reply-To token and our Message-ID recorded', async () => {
    const conv = await mailConversation('anna@customer.test', {
      subject: 'RE: Вопрос по оплате',
      references: ['<first@shop.test>'],
    });
    const sent = await reply(conv.conversationId, {
      content: 'Здравствуйте!\nЧек <b>отправлен</b> повторно.',
    });

    await sink.waitFor(1);
    const mail = sink.to('anna@customer.test')[0]!;
    const p = mail.parsed;
    expect(p.subject).toBe('Re: Вопрос по оплате');
    expect(p.inReplyTo).toBe(conv.messageId);
    expect(p.references).toEqual(['<first@shop.test>', conv.messageId]);
    expect(p.from?.value[0]).toEqual({ name: 'Школа Ромашка', address: 'help@shop.test' });
    const replyTo = p.replyTo?.value[0]?.address ?? '';
    expect(replyTo).toMatch(/^help\+c-.+@shop\.test$/);
    expect(conversationOfReplyAddress(app.services.ctx.secretBox, replyTo)).toBe(conv.conversationId);
    expect(p.html).toContain('Чек <b>отправлен</b> повторно.');
    expect(p.html).toContain('Здравствуйте!<br>');
    expect(p.text?.trim()).toBe('Здравствуйте!\nЧек отправлен повторно.');

    // The message is sent and carries our Message-ID, so the customer's answer (In-Reply-To) finds this conversation.
    const row = await eventually(async () => {
      const m = await messageRow(sent.id);
      return m.deliveryStatus === 'sent' ? m : undefined;
    });
    expect(row.sourceId).toBe(p.messageId);
    expect(row.sourceId).toBe(`<${sent.id}@shop.test>`);
  });

  it('attaches uploaded files from storage', async () => {
    const conv = await mailConversation('boris@customer.test', { subject: 'Договор', references: [] });
    const boundary = '----email-reply-boundary';
    const pdf = Buffer.from('%PDF-1.4 договор\n', 'utf8');
    const upload = await app.http!.inject({
      method: 'POST',
      url: '/api/v1/attachments',
      headers: { ...bearer(admin), 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: Buffer.concat([
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="dogovor.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
        ),
        pdf,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]),
    });
    expect(upload.statusCode).toBe(201);
    const before = sink.mails.length;
    await reply(conv.conversationId, { content: 'Договор во вложении.', attachmentIds: [upload.json().id] });
    await sink.waitFor(before + 1);
    const p = sink.to('boris@customer.test')[0]!.parsed;
    expect(p.subject).toBe('Re: Договор');
    expect(p.references).toBe(conv.messageId);
    expect(p.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      ['dogovor.pdf', 'application/pdf'],
    ]);
    expect(p.attachments[0]?.content.equals(pdf)).toBe(true);
  });

  it('fails the message for good and marks the address unreachable when the server refuses it (5xx)', async () => {
    sink.recipientRules.set('gone@customer.test', { code: 550, message: '5.1.1 No such user' });
    const conv = await mailConversation('gone@customer.test', { subject: 'Привет', references: [] });
    const sent = await reply(conv.conversationId, { content: 'Ответ' });
    const row = await eventually(async () => {
      const m = await messageRow(sent.id);
      return m.deliveryStatus === 'failed' ? m : undefined;
    });
    expect(row.deliveryError).toContain('No such user');
    expect(await app.services.ctx.repos.emailAddresses.get('gone@customer.test')).toMatchObject({
      status: 'unreachable',
    });
    const identity = await app.services.ctx.repos.deliveries.identityOfChat(channelId, 'gone@customer.test');
    expect(identity?.reachable).toBe(false);
  });

  it('turns link buttons into links and refuses buttons that answer the bot (400 naming the field)', async () => {
    const conv = await mailConversation('carl@customer.test', { subject: 'Кнопки', references: [] });
    const res = await api('POST', `/api/v1/conversations/${conv.conversationId}/messages`, {
      content: 'Нажмите',
      buttons: { kind: 'inline', rows: [[{ kind: 'callback', text: 'Да', data: 'yes' }]] },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0].path).toBe('/buttons');

    const before = sink.mails.length;
    await reply(conv.conversationId, {
      content: 'Оплатить можно на сайте.',
      buttons: {
        kind: 'inline',
        rows: [[{ kind: 'url', text: 'Оплатить', url: 'https://shop.test/pay?o=1&x=2' }]],
      },
    });
    await sink.waitFor(before + 1);
    const p = sink.to('carl@customer.test')[0]!.parsed;
    expect(p.html).toContain('<a href="https://shop.test/pay?o=1&amp;x=2">Оплатить</a>');
    expect(p.text?.trim()).toBe('Оплатить можно на сайте.\nОплатить (https://shop.test/pay?o=1&x=2)');
  });

  it('refuses to edit or delete a sent email and to send a CSAT survey by email (409: nothing pretends)', async () => {
    const conv = await mailConversation('gleb@customer.test', { subject: 'Доставка', references: [] });
    const sent = await reply(conv.conversationId, { content: 'Отправили сегодня.' });
    await eventually(async () => ((await messageRow(sent.id)).deliveryStatus === 'sent' ? true : undefined));
    const url = `/api/v1/conversations/${conv.conversationId}/messages/${sent.id}`;

    const edit = await api('PATCH', url, { content: 'Отправим завтра.' });
    expect(edit.statusCode).toBe(409);
    expect(edit.json().error.message).toMatch(/sent email cannot be edited/);
    const del = await api('DELETE', url);
    expect(del.statusCode).toBe(409);
    expect(del.json().error.message).toMatch(/sent email cannot be deleted/);
    const row = await messageRow(sent.id);
    expect(row.content).toContain('Отправили сегодня.');
    expect(row.deletedAt).toBeNull();

    const survey = await api('POST', `/api/v1/conversations/${conv.conversationId}/csat`);
    expect(survey.statusCode).toBe(409);
    expect(survey.json().error.message).toMatch(/Telegram bots only/);
    const csatRows = await app.services.ctx.db
      .selectFrom('csatResponses')
      .select('id')
      .where('conversationId', '=', conv.conversationId)
      .execute();
    expect(csatRows).toEqual([]);
  });
});
