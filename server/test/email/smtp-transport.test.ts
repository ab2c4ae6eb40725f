import { expect, test } from 'vitest';
import { SmtpTransport } from '../../src/channels/email/email.transport.ts';
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
