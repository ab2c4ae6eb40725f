import nodemailer, { type Transporter } from 'nodemailer';
import { ChannelRejectedError, ChannelUnavailableError } from '../errors.ts';
import {
  EmailRecipientRejectedError,
  type EmailSender,
  type EmailSendResult,
  type OutgoingEmail,
} from './email.types.ts';

/** How to reach one SMTP server. */
export interface SmtpSettings {
  /** smtp:// or smtps:// URL with credentials, or separate fields. */
  url?: string;
  host?: string;
  port?: number;
  /** Implicit TLS (port 465); otherwise STARTTLS when the server offers it. */
  secure?: boolean;
  user?: string;
  password?: string;
  /** `Name <address>` or a bare address. */
  from: string;
  /** Parallel connections of the pool. */
  maxConnections?: number;
}

/**
 * Sends mail through one SMTP server with a pool of connections (nodemailer). Errors are mapped to the two channel
 * kinds: 5xx on the recipient → EmailRecipientRejectedError (the address is unreachable), other 5xx → ChannelRejectedError,
 * 4xx and network problems → ChannelUnavailableError (retry later).
 */
export class SmtpTransport implements EmailSender {
  private readonly transporter: Transporter;

  constructor(private readonly settings: SmtpSettings) {
    const pool = { pool: true, maxConnections: settings.maxConnections ?? 5 };
    this.transporter = settings.url
      ? nodemailer.createTransport({ ...pool, url: settings.url } as never)
      : nodemailer.createTransport({
          ...pool,
          host: settings.host,
          port: settings.port,
          secure: settings.secure ?? false,
          auth: settings.user ? { user: settings.user, pass: settings.password ?? '' } : undefined,
        });
  }

  async send(mail: OutgoingEmail): Promise<EmailSendResult> {
    try {
      const info = await this.transporter.sendMail({
        from: this.settings.from,
        to: mail.toName ? { name: mail.toName, address: mail.to } : mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        headers: mail.headers,
        inReplyTo: mail.inReplyTo,
        references: mail.references,
        replyTo: mail.replyTo,
        messageId: mail.messageId,
      });
      return { messageId: info.messageId ?? mail.messageId ?? '', response: info.response ?? '' };
    } catch (err) {
      throw classifySmtpError(err);
    }
  }

  /** Checks that the server answers and accepts the credentials (used when a channel is saved). */
  async verify(): Promise<void> {
    try {
      await this.transporter.verify();
    } catch (err) {
      throw classifySmtpError(err);
    }
  }

  close(): void {
    this.transporter.close();
  }
}

/** Maps a nodemailer error to ChannelRejectedError / ChannelUnavailableError; see the class comment. */
export function classifySmtpError(err: unknown): Error {
  const e = err as {
    responseCode?: number;
    response?: string;
    code?: string;
    command?: string;
    message?: string;
  };
  const code = e.responseCode;
  const text = e.response ?? e.message ?? String(err);
  if (code !== undefined && code >= 500) {
    // RCPT TO refused, or every recipient refused (EENVELOPE): the address is the problem.
    if (e.command === 'RCPT TO' || e.code === 'EENVELOPE')
      return new EmailRecipientRejectedError(text, code, 'smtp');
    return new ChannelRejectedError(text, code, 'smtp');
  }
  if (e.code === 'EAUTH') return new ChannelRejectedError(text, code ?? 535, 'smtp');
  return new ChannelUnavailableError(`SMTP: ${text}`, null, code ?? null);
}
