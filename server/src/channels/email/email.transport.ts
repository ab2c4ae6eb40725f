import type { Transporter } from 'nodemailer';
import { FileNotFoundError, type FileStorage } from '../../storage/file-storage.ts';
import { ChannelRejectedError, ChannelUnavailableError } from '../errors.ts';
import {
  EmailRecipientRejectedError,
  type EmailSender,
  type EmailSendResult,
  type OutgoingEmail,
} from './email.types.ts';

/** A sender: `Name <address>`, a bare address, or the name and address apart. */
export type MailFrom = string | { name: string; address: string };

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
  /** `Name <address>`, a bare address, or the two apart (nodemailer quotes the name). */
  from: MailFrom;
  /** Parallel connections of the pool. */
  maxConnections?: number;
  /** Where attachment bytes are read from; without it, mail with attachments is refused. */
  storage?: FileStorage;
  /** Connection, greeting and idle-socket timeouts in ms; default 30 s, 30 s and 60 s. */
  timeoutMs?: number;
}

/**
 * Sends mail through one SMTP server with a pool of connections (nodemailer). Errors are mapped to the two channel
 * kinds: 5xx on the recipient → EmailRecipientRejectedError (the address is unreachable), other 5xx → ChannelRejectedError,
 * 4xx and network problems → ChannelUnavailableError (retry later; EmailRecipientDeferredError when the recipient or the
 * message was deferred, which counts towards the address's soft bounces).
 */
export class SmtpTransport implements EmailSender {
  /** The pool, made on first use: importing nodemailer would cost every process start-up time, sending or not. */
  private pool: Promise<Transporter> | null = null;

  constructor(private readonly settings: SmtpSettings) {}

  private transporter(): Promise<Transporter> {
    this.pool ??= this.createPool();
    return this.pool;
  }

  private async createPool(): Promise<Transporter> {
    const { default: nodemailer } = await import('nodemailer');
    const settings = this.settings;
    // nodemailer waits up to 2 minutes to connect and 10 minutes on a silent socket: a stuck server would hold a send job
    // that long. A minute of silence is plenty for a server that still works.
    const t = settings.timeoutMs;
    const timeouts = {
      connectionTimeout: t ?? 30_000,
      greetingTimeout: t ?? 30_000,
      socketTimeout: t ?? 60_000,
    };
    const pool = { pool: true, maxConnections: settings.maxConnections ?? 5, ...timeouts };
    return settings.url
      ? nodemailer.createTransport({ ...pool, url: settings.url } as never)
      : nodemailer.createTransport({
          ...pool,
          host: settings.host,
          port: settings.port,
          secure: settings.secure ?? false,
          auth: settings.user ? { user: settings.user, pass: settings.password ?? '' } : undefined,
        });
  }

  /** Sends one mail; `opts.from` overrides the configured sender (a channel's display name read at send time). */
  async send(mail: OutgoingEmail, opts: { from?: MailFrom } = {}): Promise<EmailSendResult> {
    // Opened before the SMTP exchange: a missing file is our problem, not the server's.
    const attachments = mail.attachments?.length ? await this.attachmentsOf(mail) : undefined;
    try {
      const info = await (await this.transporter()).sendMail({
        from: opts.from ?? this.settings.from,
        to: mail.toName ? { name: mail.toName, address: mail.to } : mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        headers: mail.headers,
        inReplyTo: mail.inReplyTo,
        references: mail.references,
        replyTo: mail.replyTo,
        messageId: mail.messageId,
        attachments,
      });
      return { messageId: info.messageId ?? mail.messageId ?? '', response: info.response ?? '' };
    } catch (err) {
      // Streams the failed exchange never read would keep their files open.
      for (const a of attachments ?? []) a.content.destroy();
      throw classifySmtpError(err);
    }
  }

  /** Checks that the server answers and accepts the credentials (used when a channel is saved). */
  async verify(): Promise<void> {
    try {
      await (await this.transporter()).verify();
    } catch (err) {
      throw classifySmtpError(err);
    }
  }

  close(): void {
    void this.pool?.then((t) => t.close());
  }

  /** Streams each file from storage (nodemailer reads them while writing DATA, so nothing is buffered whole). */
  private async attachmentsOf(mail: OutgoingEmail) {
    const storage = this.settings.storage;
    if (!storage) throw new ChannelRejectedError('no file storage to read attachments from', 0, 'smtp');
    return Promise.all(
      (mail.attachments ?? []).map(async (a) => {
        try {
          return { filename: a.fileName, contentType: a.mimeType, content: await storage.get(a.storageKey) };
        } catch (err) {
          if (err instanceof FileNotFoundError)
            throw new ChannelRejectedError(
              `the attached file ${a.fileName} is missing from storage`,
              0,
              'storage',
            );
          throw err;
        }
      }),
    );
  }
}

/**
 * A 4xx to the recipient or to the message (mailbox full, greylisting, over quota): retry later; when retries run out the
 * address gets a soft bounce. A 4xx elsewhere (greeting, login, MAIL FROM) is the server's problem, not the address's.
 */
export class EmailRecipientDeferredError extends ChannelUnavailableError {}

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
  const aboutRecipient = e.command === 'RCPT TO';
  if (code !== undefined && code >= 500) {
    // Only RCPT TO blames the address: a refused MAIL FROM is also EENVELOPE, and a DATA refusal is about the content.
    if (aboutRecipient) return new EmailRecipientRejectedError(text, code, 'smtp');
    return new ChannelRejectedError(text, code, 'smtp');
  }
  // nodemailer refuses an address that cannot be written in an envelope before talking to the server.
  if (e.code === 'EENVELOPE' && e.command === 'API' && /recipient/i.test(text))
    return new EmailRecipientRejectedError(text, 553, 'smtp');
  if (e.code === 'EAUTH') return new ChannelRejectedError(text, code ?? 535, 'smtp');
  if (code !== undefined && code >= 400 && (aboutRecipient || e.command === 'DATA'))
    return new EmailRecipientDeferredError(`SMTP: ${text}`, null, code);
  return new ChannelUnavailableError(`SMTP: ${text}`, null, code ?? null);
}
