import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer/index.js';
import { type EmailChannelSettings, sealEmailSecrets } from '../../src/channels/email/email.settings.ts';
import type { Channel } from '../../src/db/schema.ts';
import { eventually } from '../support/eventually.ts';
import type { TestApp } from '../support/test-app.ts';

/** Fixtures for receiving mail: email channels written straight to the database, mail sent with nodemailer. */

/** An active email channel receiving `inbound`; IMAP settings and password when given. */
export async function makeEmailChannel(
  app: TestApp,
  opts: {
    address: string;
    inbound: EmailChannelSettings['inbound'];
    imap?: EmailChannelSettings['imap'];
    imapPassword?: string;
  },
): Promise<Channel> {
  const settings: EmailChannelSettings = {
    address: opts.address,
    fromName: null,
    smtp: { host: '127.0.0.1', port: 25, secure: false, user: opts.address },
    imap: opts.imap ?? null,
    inbound: opts.inbound,
    ratePerSecond: null,
  };
  return app.services.ctx.repos.channels.create({
    type: 'email',
    name: `Mail ${opts.address}`,
    externalId: opts.address.toLowerCase(),
    settings: settings as unknown as Record<string, unknown>,
    secretSealed: sealEmailSecrets(app.services.ctx.secretBox, {
      smtpPassword: 'unused',
      imapPassword: opts.imapPassword ?? null,
    }),
  });
}

/** Sends one mail to the app's built-in SMTP receiver (a fresh connection each time, so stop() never waits on it). */
export async function sendToReceiver(app: TestApp, mail: Mail.Options & { envelope?: Mail.Envelope }) {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: app.smtpReceiver!.port,
    secure: false,
    ignoreTLS: true,
  });
  try {
    return await transport.sendMail(mail);
  } finally {
    transport.close();
  }
}

/** The channel's stored mails once `count` of them are processed (the email.process jobs ran). */
export async function processedMails(app: TestApp, channelId: string, count: number) {
  return eventually(
    async () => {
      const rows = await app.services.ctx.repos.emailInbound.listByChannel(channelId);
      const done = rows.filter((r) => r.processedAt !== null);
      return done.length >= count ? rows : undefined;
    },
    15_000,
    `${count} processed mails`,
  );
}
