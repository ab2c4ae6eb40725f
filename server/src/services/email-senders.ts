import { SmtpTransport } from '../channels/email/email.transport.ts';
import type { EmailSender } from '../channels/email/email.types.ts';
import type { Channel } from '../db/schema.ts';
import type { ServiceContext } from './context.ts';

/**
 * Who sends mail: each email channel through its own SMTP server, and the installation through SMTP_URL. Transports
 * (connection pools) are cached per channel and rebuilt when its settings change.
 */
export class EmailSenders {
  private system: SmtpTransport | null = null;

  constructor(private readonly ctx: ServiceContext) {}

  /** The sender of one email channel. */
  forChannel(channel: Channel): EmailSender {
    throw new Error(`email channel ${channel.id}: sending through email channels is not built yet`);
  }

  /**
   * The sender for mail that belongs to no conversation (notifications): the first active email channel, else the
   * SMTP_URL mailer; null when neither exists.
   */
  async default(): Promise<{ sender: EmailSender; channelId: string | null } | null> {
    const { smtpUrl, mailFrom } = this.ctx.config;
    if (!smtpUrl || !mailFrom) return null;
    this.system ??= new SmtpTransport({ url: smtpUrl, from: mailFrom });
    return { sender: this.system, channelId: null };
  }

  /** Closes every pool (shutdown). */
  close(): void {
    this.system?.close();
    this.system = null;
  }
}
