import { SendRateLimiter } from '../channels/email/email.rate.ts';
import { emailSecretsOf, emailSettingsOf } from '../channels/email/email.settings.ts';
import {
  EmailRecipientDeferredError,
  type MailFrom,
  SmtpTransport,
} from '../channels/email/email.transport.ts';
import {
  EmailRecipientRejectedError,
  type EmailSender,
  type EmailSendResult,
  type OutgoingEmail,
} from '../channels/email/email.types.ts';
import type { Channel, EmailAddress } from '../db/schema.ts';
import type { ServiceContext } from './context.ts';

/** How long the workspace_name setting (the default sender name) is reused before it is read again. */
const SENDER_NAME_TTL_MS = 30_000;

/**
 * Who sends mail: each email channel through its own SMTP server, and the installation through SMTP_URL. Transports
 * (connection pools) are cached per channel and rebuilt when its settings or passwords change. Every sender waits for
 * its SMTP server's rate limit (SendRateLimiter: per process) before each mail.
 *
 * Callers send through `EmailSenders.sendAndRecordBounces(sender, mail, { lastAttempt })`, never `sender.send` directly:
 * that one method keeps email_addresses right for notifications and inbox replies alike (hard bounce → unreachable,
 * soft bounce counted when the last retry fails, success clears the count).
 */
export class EmailSenders {
  private system: PooledSender | null = null;
  private readonly channels = new Map<string, { fingerprint: string; sender: PooledSender }>();
  private senderName: { value: string; until: number } | null = null;

  constructor(private readonly ctx: ServiceContext) {}

  /**
   * THE way to send one email: sends it through `sender` (from `forChannel` or `default`) and records what it says about
   * the recipient's address in email_addresses.
   * - an address already unreachable is not tried: EmailRecipientRejectedError, nothing sent;
   * - accepted → `recordDelivered` (the soft-bounce count starts again) and the result (our Message-ID) is returned;
   * - 5xx to the recipient → `markUnreachable`, then EmailRecipientRejectedError is thrown (recipientUnreachable: true,
   *   so the caller falls back to another channel or fails the message for good);
   * - 4xx to the recipient or the message → EmailRecipientDeferredError (a ChannelUnavailableError: retry later); when
   *   `opts.lastAttempt` says no retry follows, it also counts a soft bounce (`recordSoftBounce`, limit
   *   EMAIL_SOFT_BOUNCE_LIMIT) before throwing;
   * - anything else (server down, login refused) is thrown unchanged and says nothing about the address.
   * `opts.known` is the address's row when the caller read it already (the notification drain reads it with its claim;
   * null: no row), which saves the read here.
   */
  async sendAndRecordBounces(
    sender: EmailSender,
    mail: OutgoingEmail,
    opts: { lastAttempt?: boolean; known?: EmailAddress | null } = {},
  ): Promise<EmailSendResult> {
    const addresses = this.ctx.repos.emailAddresses;
    const known = opts.known !== undefined ? opts.known : await addresses.get(mail.to);
    if (known?.status === 'unreachable')
      throw new EmailRecipientRejectedError(
        `the address is unreachable: ${known.lastReason ?? 'it bounced before'}`,
        550,
        'smtp',
      );
    let result: EmailSendResult;
    try {
      result = await sender.send(mail);
    } catch (err) {
      if (err instanceof EmailRecipientRejectedError)
        await addresses.markUnreachable(mail.to, `${err.errorCode} ${err.description}`);
      else if (err instanceof EmailRecipientDeferredError && opts.lastAttempt)
        await addresses.recordSoftBounce(mail.to, err.message, this.ctx.config.emailSoftBounceLimit);
      throw err;
    }
    if (known && known.softBounces > 0) await addresses.recordDelivered(mail.to);
    return result;
  }

  /** The sender of one email channel (its SMTP server, its rate limit, its sender name). */
  forChannel(channel: Channel): EmailSender {
    if (channel.type !== 'email') throw new Error(`channel ${channel.id} is not an email channel`);
    const fingerprint = `${channel.secretSealed}|${JSON.stringify(channel.settings)}`;
    const cached = this.channels.get(channel.id);
    if (cached?.fingerprint === fingerprint) return cached.sender;
    cached?.sender.retire();
    const settings = emailSettingsOf(channel);
    const transport = new SmtpTransport({
      ...settings.smtp,
      password: emailSecretsOf(this.ctx.secretBox, channel).smtpPassword,
      from: settings.address,
      storage: this.ctx.storage,
    });
    const sender = new PooledSender(
      transport,
      this.limiterFor(settings.ratePerSecond ?? this.ctx.config.emailRatePerSecond),
      async () => ({ name: settings.fromName ?? (await this.workspaceName()), address: settings.address }),
    );
    this.channels.set(channel.id, { fingerprint, sender });
    return sender;
  }

  /**
   * The sender for mail that belongs to no conversation (notifications): the oldest active email channel, else the
   * SMTP_URL mailer; null when neither exists.
   */
  async default(): Promise<{ sender: EmailSender; channelId: string | null } | null> {
    const channel = await this.ctx.repos.channels.firstActive('email');
    if (channel) return { sender: this.forChannel(channel), channelId: channel.id };
    const { smtpUrl, mailFrom } = this.ctx.config;
    if (!smtpUrl || !mailFrom) return null;
    // MAIL_FROM with a display name is used as written; a bare address gets the workspace's name.
    const named = mailFrom.includes('<');
    this.system ??= new PooledSender(
      new SmtpTransport({ url: smtpUrl, from: mailFrom, storage: this.ctx.storage }),
      this.limiterFor(this.ctx.config.emailRatePerSecond),
      async () => (named ? mailFrom : { name: await this.workspaceName(), address: mailFrom }),
    );
    return { sender: this.system, channelId: null };
  }

  /** Drops a deleted channel's pool (its connections close once idle). */
  forget(channelId: string): void {
    this.channels.get(channelId)?.sender.retire();
    this.channels.delete(channelId);
  }

  /** Closes every pool (shutdown). */
  close(): void {
    this.system?.retire();
    this.system = null;
    for (const { sender } of this.channels.values()) sender.retire();
    this.channels.clear();
  }

  private limiterFor(perSecond: number): SendRateLimiter | null {
    return perSecond > 0 ? new SendRateLimiter(perSecond, this.ctx.clock) : null;
  }

  /** The workspace_name setting (default sender name), read at most every 30 s. */
  private async workspaceName(): Promise<string> {
    const now = Date.now();
    if (this.senderName && this.senderName.until > now) return this.senderName.value;
    const stored = await this.ctx.repos.settings.get('workspace_name');
    const value = typeof stored === 'string' && stored.trim() ? stored : 'Switchboard';
    this.senderName = { value, until: now + SENDER_NAME_TTL_MS };
    return value;
  }
}

/**
 * One SMTP pool with its rate limit and its sender. Retiring it (settings changed, channel deleted, shutdown) closes the
 * pool once no send is in flight, so a rebuild never cuts off a mail half-written.
 */
class PooledSender implements EmailSender {
  private inFlight = 0;
  private retired = false;

  constructor(
    private readonly transport: SmtpTransport,
    private readonly limiter: SendRateLimiter | null,
    private readonly from: () => Promise<MailFrom>,
  ) {}

  async send(mail: OutgoingEmail): Promise<EmailSendResult> {
    this.inFlight++;
    try {
      await this.limiter?.acquire();
      return await this.transport.send(mail, { from: await this.from() });
    } finally {
      this.inFlight--;
      if (this.retired && this.inFlight === 0) this.transport.close();
    }
  }

  retire(): void {
    this.retired = true;
    if (this.inFlight === 0) this.transport.close();
  }
}
