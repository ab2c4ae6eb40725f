import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmailRecipientDeferredError } from '../../src/channels/email/email.transport.ts';
import type { EmailSender } from '../../src/channels/email/email.types.ts';
import type { EmailSenders } from '../../src/services/email-senders.ts';
import { SmtpSink } from '../fakes/smtp-sink.ts';
import { bearer, startTestApp, type TestApp } from '../support/test-app.ts';

// sendAndRecordBounces against a real SMTP server: what the server answers ends up in email_addresses.
let app: TestApp;
let sink: SmtpSink;
let senders: EmailSenders;
let sender: EmailSender;

beforeAll(async () => {
  sink = await SmtpSink.start();
  app = await startTestApp({
    role: 'api',
    env: { SMTP_URL: sink.url, MAIL_FROM: 'noreply@shop.test', EMAIL_SOFT_BOUNCE_LIMIT: '3' },
  });
  senders = app.services.emailSenders;
  const found = await senders.default();
  if (!found) throw new Error('no default sender with SMTP_URL set');
  expect(found.channelId).toBeNull();
  sender = found.sender;
});
afterAll(async () => {
  await app.stop();
  await sink.close();
});

const mail = (to: string) => ({ to, subject: 'Оплата получена', text: 'Спасибо!', html: '<p>Спасибо!</p>' });
const addressRow = (a: string) => app.services.ctx.repos.emailAddresses.get(a);

describe('sending one email and recording what it says about the address', () => {
  it('delivers with the workspace name as the sender of a bare MAIL_FROM and returns our Message-ID', async () => {
    await app.services.ctx.repos.settings.set('workspace_name', 'Школа Ромашка', null);
    const before = sink.mails.length;
    const result = await senders.sendAndRecordBounces(sender, mail('anna@x.test'));
    await sink.waitFor(before + 1);
    const got = sink.to('anna@x.test')[0]!;
    expect(got.parsed.messageId).toBe(result.messageId);
    expect(got.parsed.from?.value[0]).toEqual({ name: 'Школа Ромашка', address: 'noreply@shop.test' });
    expect(got.parsed.text?.trim()).toBe('Спасибо!');
    expect(await addressRow('anna@x.test')).toBeUndefined();
  });

  it('marks an address refused with 5xx unreachable and never tries it again', async () => {
    sink.recipientRules.set('gone@x.test', { code: 550, message: '5.1.1 No such user' });
    await expect(senders.sendAndRecordBounces(sender, mail('Gone@X.test'))).rejects.toMatchObject({
      recipientUnreachable: true,
      errorCode: 550,
    });
    expect(await addressRow('gone@x.test')).toMatchObject({ status: 'unreachable' });
    expect((await addressRow('gone@x.test'))?.lastReason).toContain('No such user');

    // Even once the server would accept it, the address stays unreachable until someone resets it.
    sink.recipientRules.delete('gone@x.test');
    const before = sink.mails.length;
    await expect(senders.sendAndRecordBounces(sender, mail('gone@x.test'))).rejects.toMatchObject({
      recipientUnreachable: true,
    });
    expect(sink.mails.length).toBe(before);
  });

  it('counts a 4xx only when no retry follows, and turns the address unreachable at the limit', async () => {
    sink.recipientRules.set('full@x.test', { code: 452, message: '4.2.2 Mailbox full' });
    // A retry will follow: nothing recorded, the error says "try later".
    const early = await senders.sendAndRecordBounces(sender, mail('full@x.test')).catch((e) => e);
    expect(early).toBeInstanceOf(EmailRecipientDeferredError);
    expect(early.recipientUnreachable).toBeUndefined();
    expect(await addressRow('full@x.test')).toBeUndefined();

    // Retries exhausted twice: two soft bounces, still reachable.
    for (let i = 0; i < 2; i++)
      await expect(
        senders.sendAndRecordBounces(sender, mail('full@x.test'), { lastAttempt: true }),
      ).rejects.toBeInstanceOf(EmailRecipientDeferredError);
    expect(await addressRow('full@x.test')).toMatchObject({ status: 'ok', softBounces: 2 });

    // The mailbox had room again: the count starts over.
    sink.recipientRules.delete('full@x.test');
    await senders.sendAndRecordBounces(sender, mail('full@x.test'));
    expect(await addressRow('full@x.test')).toMatchObject({ status: 'ok', softBounces: 0 });

    sink.recipientRules.set('full@x.test', { code: 452, message: '4.2.2 Mailbox full' });
    for (let i = 0; i < 3; i++)
      await expect(
        senders.sendAndRecordBounces(sender, mail('full@x.test'), { lastAttempt: true }),
      ).rejects.toBeInstanceOf(EmailRecipientDeferredError);
    expect(await addressRow('full@x.test')).toMatchObject({ status: 'unreachable', softBounces: 3 });
  });

  it('says nothing about the address when the server itself is down', async () => {
    const { SmtpTransport } = await import('../../src/channels/email/email.transport.ts');
    const down = new SmtpTransport({ url: 'smtp://127.0.0.1:1', from: 'x@shop.test', timeoutMs: 2000 });
    await expect(
      senders.sendAndRecordBounces(down, mail('someone@x.test'), { lastAttempt: true }),
    ).rejects.toMatchObject({ code: 'channel_unavailable' });
    expect(await addressRow('someone@x.test')).toBeUndefined();
    down.close();
  });
});

describe('the sender for mail outside conversations', () => {
  it('is the oldest active email channel, else SMTP_URL', async () => {
    const { token } = await app.userWithRole('admin');
    const connect = async (address: string) => {
      const res = await app.http!.inject({
        method: 'POST',
        url: '/api/v1/channels',
        headers: bearer(token),
        payload: {
          type: 'email',
          name: address,
          settings: { address, smtp: { host: '127.0.0.1', port: sink.port, secure: false } },
        },
      });
      if (res.statusCode !== 201) throw new Error(res.body);
      return res.json().id as string;
    };
    const first = await connect('first@shop.test');
    const second = await connect('second@shop.test');
    expect((await senders.default())?.channelId).toBe(first);

    const before = sink.mails.length;
    const chosen = (await senders.default())!;
    await senders.sendAndRecordBounces(chosen.sender, mail('dora@x.test'));
    await sink.waitFor(before + 1);
    // No fromName on the channel: the workspace's name is the sender's.
    expect(sink.to('dora@x.test')[0]?.parsed.from?.value[0]).toEqual({
      name: 'Школа Ромашка',
      address: 'first@shop.test',
    });

    const pause = (id: string) =>
      app.http!.inject({
        method: 'PATCH',
        url: `/api/v1/channels/${id}`,
        headers: bearer(token),
        payload: { status: 'paused' },
      });
    expect((await pause(first)).statusCode).toBe(200);
    expect((await senders.default())?.channelId).toBe(second);
    expect((await pause(second)).statusCode).toBe(200);
    expect((await senders.default())?.channelId).toBeNull();
  });
});
