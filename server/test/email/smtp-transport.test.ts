import { describe, expect, it, test } from 'vitest';
import {
  classifySmtpError,
  EmailRecipientDeferredError,
  SmtpTransport,
} from '../../src/channels/email/email.transport.ts';
import { EmailRecipientRejectedError } from '../../src/channels/email/email.types.ts';
import { ChannelRejectedError, ChannelUnavailableError } from '../../src/channels/errors.ts';
import { SmtpSink } from '../fakes/smtp-sink.ts';

test('the SMTP transport sends through a real server and reports a refused recipient as unreachable', async () => {
  const sink = await SmtpSink.start();
  sink.recipientRules.set('bad@x.test', { code: 550, message: 'No such user' });
  const t = new SmtpTransport({ url: sink.url, from: 'Shop <shop@x.test>' });
  const r = await t.send({ to: 'a@x.test', subject: 'Привет', text: 'hi', html: '<b>hi</b>' });
  expect(r.messageId).toMatch(/^</);
  await sink.waitFor(1);
  expect(sink.mails[0]?.parsed.subject).toBe('Привет');
  await expect(t.send({ to: 'bad@x.test', subject: 's', text: 't' })).rejects.toMatchObject({
    recipientUnreachable: true,
    errorCode: 550,
  });
  t.close();
  await sink.close();
});

describe('classifySmtpError', () => {
  it('blames the address only for answers to RCPT TO, and counts 4xx there or at DATA as deferrals', () => {
    const rcpt550 = classifySmtpError({
      code: 'EENVELOPE',
      command: 'RCPT TO',
      responseCode: 550,
      response: '550 no',
    });
    expect(rcpt550).toBeInstanceOf(EmailRecipientRejectedError);
    const from550 = classifySmtpError({
      code: 'EENVELOPE',
      command: 'MAIL FROM',
      responseCode: 550,
      response: '550 x',
    });
    expect(from550).toBeInstanceOf(ChannelRejectedError);
    expect(from550).not.toBeInstanceOf(EmailRecipientRejectedError);
    const data552 = classifySmtpError({
      code: 'EMESSAGE',
      command: 'DATA',
      responseCode: 552,
      response: '552 spam',
    });
    expect((data552 as ChannelRejectedError).recipientUnreachable).toBe(false);
    expect(classifySmtpError({ command: 'RCPT TO', responseCode: 452, response: '452 full' })).toBeInstanceOf(
      EmailRecipientDeferredError,
    );
    expect(classifySmtpError({ command: 'DATA', responseCode: 451, response: '451 later' })).toBeInstanceOf(
      EmailRecipientDeferredError,
    );
    const greeting = classifySmtpError({ command: 'CONN', responseCode: 421, response: '421 busy' });
    expect(greeting).toBeInstanceOf(ChannelUnavailableError);
    expect(greeting).not.toBeInstanceOf(EmailRecipientDeferredError);
    expect(
      classifySmtpError({ code: 'EENVELOPE', command: 'API', message: 'Invalid recipient "a b"' }),
    ).toBeInstanceOf(EmailRecipientRejectedError);
    expect(classifySmtpError({ code: 'EAUTH', command: 'AUTH PLAIN', responseCode: 535 })).toBeInstanceOf(
      ChannelRejectedError,
    );
  });
});
