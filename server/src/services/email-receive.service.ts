import { Readable } from 'node:stream';
import type { IncomingAttachment, IncomingMessageEvent } from '../channels/channel.ts';
import type { BouncedRecipient } from '../channels/email/email.dsn.ts';
import { type PersonMail, readEmail } from '../channels/email/email.parse.ts';
import { trimQuoted } from '../channels/email/email.quotes.ts';
import { conversationOfReplyAddress } from '../channels/email/email.reply-token.ts';
import { emailSettingsOf } from '../channels/email/email.settings.ts';
import type { Channel } from '../db/schema.ts';
import type { ClaimedEmail } from '../repositories/email-inbound.repository.ts';
import type { Repos } from '../repositories/index.ts';
import { newStorageKey } from '../storage/storage-key.ts';
import { inferKind } from './attachment-kind.ts';
import { inTransaction, type ServiceContext } from './context.ts';
import type { ReceiveService } from './receive.service.ts';

/** A Date header further back than this is not believed (a mail resent from an archive): the arrival time is used. */
const MAX_DATE_AGE_MS = 7 * 24 * 3_600_000;

/**
 * Incoming email, from stored bytes to the inbox. The receivers (IMAP holders, the built-in SMTP server) call `store`,
 * which keeps the raw mail once per (channel, Message-ID) and queues `email.process` in the same transaction; only then
 * do they acknowledge (\Seen, or the 250 after DATA). `process` parses the mail (mailparser) and applies it: a delivery
 * report updates the bounced addresses, an automatic reply is recorded and ignored, a person's mail becomes a message
 * through the channel-neutral receive path (ReceiveService), threaded by reply token or In-Reply-To/References.
 */
export class EmailReceiveService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly receive: ReceiveService,
  ) {}

  /** Stores one received mail and queues its processing in one transaction; false for a mail already stored. */
  async store(
    channelId: string,
    mail: { raw: Buffer; messageId: string; via: 'imap' | 'smtp'; envelopeTo?: string[] },
  ): Promise<boolean> {
    return inTransaction(this.ctx, (r) => storeMail(r, channelId, mail));
  }

  /**
   * The `email.process` job: applies one stored mail once. On the job's last attempt a failure is written on the row and
   * the channel's health before it is rethrown.
   */
  async process(id: number, opts: { lastAttempt?: boolean } = {}): Promise<void> {
    try {
      await this.processOnce(id);
    } catch (err) {
      if (opts.lastAttempt)
        await this.ctx.repos.emailInbound.recordError(id, err instanceof Error ? err.message : String(err));
      throw err;
    }
  }

  private async processOnce(id: number): Promise<void> {
    const stored = await this.ctx.repos.emailInbound.rawOfUnprocessed(id);
    if (!stored) return;
    // Parsing and writing attachment bytes happen before the transaction: both are slow and need no lock. The storage
    // keys follow from the row, so a retry overwrites its own earlier files instead of leaving more behind.
    const mail = await readEmail(stored.raw);
    const files = mail?.kind === 'message' ? await this.storeFiles(id, stored.receivedAt, mail) : [];
    const run = () =>
      inTransaction(this.ctx, async (r) => {
        const row = await r.emailInbound.claimForProcessing(id);
        if (!row) return;
        if (!mail) return r.emailInbound.recordOutcome(id, 'ignored', { reason: 'no From address' });
        if (mail.kind === 'bounce') return this.applyBounce(r, id, mail.recipients);
        if (mail.kind === 'auto_reply')
          return r.emailInbound.recordOutcome(id, 'auto_reply', { signal: mail.signal, from: mail.from });
        await this.applyMessage(r, row, stored.receivedAt, mail, files);
      });
    try {
      await run();
    } catch (err) {
      // Two first mails of one new address processed at once both create its identity: the loser retries and finds it.
      if ((err as { code?: string }).code !== '23505') throw err;
      await run();
    }
  }

  /** DSN: a permanent failure (5.x.x) makes the address unreachable; a transient one (4.x.x) counts a soft bounce. */
  private async applyBounce(r: Repos, id: number, recipients: BouncedRecipient[]): Promise<void> {
    for (const b of recipients) {
      const reason = `DSN ${b.status}: ${b.reason}`.slice(0, 1000);
      if (b.status.startsWith('5')) await r.emailAddresses.markUnreachable(b.address, reason);
      else await r.emailAddresses.recordSoftBounce(b.address, reason, this.ctx.config.emailSoftBounceLimit);
    }
    await r.emailInbound.recordOutcome(id, 'bounce', {
      recipients: recipients.map((b) => ({ address: b.address, status: b.status })),
    });
  }

  private async applyMessage(
    r: Repos,
    row: ClaimedEmail,
    receivedAt: Date,
    mail: PersonMail,
    files: IncomingAttachment[],
  ): Promise<void> {
    const channel = await r.channels.get(row.channelId);
    if (channel?.type !== 'email')
      return r.emailInbound.recordOutcome(row.id, 'ignored', { reason: 'not an email channel' });
    // Our own mail coming back (a copy to ourselves, a forwarding loop) is not a customer writing.
    if (mail.from.address === ownAddress(channel))
      return r.emailInbound.recordOutcome(row.id, 'ignored', { reason: "from the channel's own address" });

    const sentAt = believableDate(mail.date, receivedAt);
    await this.ensureIdentity(r, channel.id, mail, sentAt);
    const thread = await this.threadOf(r, channel.id, mail, row.envelopeTo);
    const { text, trimmed } = trimQuoted(mail.text);
    const name = splitName(mail.from.name);
    const event: IncomingMessageEvent = {
      type: 'message',
      messageId: mail.messageId,
      // One chat per customer address; the subject names a new conversation (title), later mails keep it.
      chat: {
        externalId: mail.from.address,
        kind: 'private',
        ...(mail.subject ? { title: mail.subject } : {}),
      },
      sender: {
        externalId: mail.from.address,
        isBot: false,
        ...(await this.nameFor(r, channel.id, mail, name)),
      },
      sentAt,
      // A mail with only attachments has no text, like a photo without a caption.
      ...(text ? { text } : {}),
      attachments: files,
      rawKind: 'email',
      ...(thread ? { threadConversationId: thread } : {}),
      channelAttributes: {
        email: {
          messageId: mail.messageId,
          subject: mail.subject,
          references: mail.references,
          inReplyTo: mail.inReplyTo,
          from: mail.from,
        },
        ...(trimmed ? { fullText: mail.text } : {}),
      },
    };
    const result = await this.receive.apply(r, channel.id, event);
    await r.emailInbound.recordOutcome(
      row.id,
      'message',
      { conversationId: result?.conversation?.id ?? null, threadedBy: thread ? 'thread' : 'address' },
      result?.message?.id ?? null,
    );
  }

  /**
   * The identity of this address on the channel. A new address joins the contact who already has it as their email (a
   * Telegram customer writing by mail is one person), else a new contact with this email.
   */
  private async ensureIdentity(r: Repos, channelId: string, mail: PersonMail, at: Date): Promise<void> {
    const address = mail.from.address;
    if (await r.identities.findForUpdate(channelId, address)) return;
    let contactId = await r.emailInbound.contactIdByEmail(address);
    if (!contactId) {
      const name = splitName(mail.from.name);
      const contact = await r.contacts.create({
        name: mail.from.name ?? null,
        firstName: name.firstName ?? address.slice(0, address.indexOf('@')),
        ...(name.lastName ? { lastName: name.lastName } : {}),
        email: address,
      });
      await r.realtime.publish('contacts', 'contact.created', { contact: contact as never });
      contactId = contact.id;
    }
    await r.identities.create(contactId, channelId, address, at);
  }

  /**
   * The sender's names for the receive path, which refreshes the contact with them: a display name fills names the
   * contact lacks but never overwrites what an agent, an import or Telegram set (mail display names are often just
   * the address or a company's).
   */
  private async nameFor(
    r: Repos,
    channelId: string,
    mail: PersonMail,
    name: { firstName?: string; lastName?: string },
  ): Promise<{ firstName: string; lastName?: string }> {
    const identity = await r.identities.findForUpdate(channelId, mail.from.address);
    const contact = identity ? await r.contacts.get(identity.contactId) : undefined;
    const firstName =
      contact?.firstName || name.firstName || mail.from.address.split('@')[0] || mail.from.address;
    const lastName = contact?.lastName || name.lastName;
    return lastName ? { firstName, lastName } : { firstName };
  }

  /**
   * The conversation a reply continues: the reply token in any recipient address (To, Cc, Delivered-To, the SMTP
   * envelope), else the newest of our messages its In-Reply-To or References name. Undefined: the inbox's usual rule.
   */
  private async threadOf(
    r: Repos,
    channelId: string,
    mail: PersonMail,
    envelopeTo: string[],
  ): Promise<string | undefined> {
    for (const address of [...envelopeTo, ...mail.recipients]) {
      const id = conversationOfReplyAddress(this.ctx.secretBox, address);
      if (id) return id;
    }
    const ids = [...(mail.inReplyTo ? [mail.inReplyTo] : []), ...[...mail.references].reverse()];
    return r.emailInbound.conversationOfMessageIds(channelId, ids);
  }

  /** Writes each file's bytes to FileStorage; keys `yyyy/mm/mail-<row>-<n>`, so a retry overwrites its own files. */
  private async storeFiles(id: number, receivedAt: Date, mail: PersonMail): Promise<IncomingAttachment[]> {
    const storage = this.ctx.storage;
    if (!storage || mail.attachments.length === 0) return [];
    const out: IncomingAttachment[] = [];
    for (const [n, file] of mail.attachments.entries()) {
      const key = newStorageKey(receivedAt, `mail-${id}-${n}`);
      const { size } = await storage.put(key, Readable.from([file.content]));
      out.push({
        kind: inferKind(file.mimeType),
        fileId: key,
        fileUniqueId: file.checksum,
        storageKey: key,
        size,
        mimeType: file.mimeType,
        ...(file.fileName ? { fileName: file.fileName } : {}),
      });
    }
    return out;
  }
}

/** Stores a mail and queues `email.process` in the caller's transaction; false when the channel already has it. */
export async function storeMail(
  r: Repos,
  channelId: string,
  mail: { raw: Buffer; messageId: string; via: 'imap' | 'smtp'; envelopeTo?: string[] },
): Promise<boolean> {
  const id = await r.emailInbound.insert({ channelId, ...mail });
  if (id === null) return false;
  // The channel's health view shows when it last received something (written at most once a second).
  await r.channels.markUpdateReceived(channelId);
  // One queue per channel would serialise a busy mailbox; mails of one sender rarely race, and the identity's unique
  // key plus one retry settles the race when they do.
  // Ten attempts span about ten hours of backoff: a mail that cannot be applied shows its error the same day.
  await r.jobs.add('email.process', { id }, { maxAttempts: 10 });
  return true;
}

function ownAddress(channel: Channel): string | null {
  try {
    return emailSettingsOf(channel).address.toLowerCase();
  } catch {
    return channel.externalId?.toLowerCase() ?? null;
  }
}

/** The Date header when it is plausible (not in the future, not older than a week before arrival), else the arrival. */
function believableDate(date: Date | null, receivedAt: Date): Date {
  if (!date || Number.isNaN(date.getTime())) return receivedAt;
  const t = date.getTime();
  if (t > receivedAt.getTime() || t < receivedAt.getTime() - MAX_DATE_AGE_MS) return receivedAt;
  return date;
}

/** "Anna Smith" → first and last name; a single word is a first name. Quotes and addresses as names are dropped. */
function splitName(display: string | null): { firstName?: string; lastName?: string } {
  const clean = (display ?? '').replace(/["']/g, '').trim();
  if (!clean || clean.includes('@')) return {};
  const [first, ...rest] = clean.split(/\s+/);
  return rest.length > 0 ? { firstName: first, lastName: rest.join(' ') } : { firstName: first };
}
