import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { SMTPServer, SMTPServerSession } from 'smtp-server';
import type { Channel } from '../../db/schema.ts';
import { inTransaction, type ServiceContext } from '../../services/context.ts';
import { storeMail } from '../../services/email-receive.service.ts';
import { messageIdOf, syntheticMessageId } from './email.parse.ts';
import { emailSettingsOf } from './email.settings.ts';

/** Where and how the built-in SMTP receiver listens. */
export interface SmtpReceiverOptions {
  host: string;
  /** 0: any free port (tests). */
  port: number;
  /** Largest mail accepted, announced with SIZE; bigger ones get 552. */
  maxBytes: number;
}

type Session = SMTPServerSession & { channelsByRcpt?: Map<string, string[]> };

/**
 * The built-in SMTP receiver, for setups that forward mail to Switchboard instead of letting it read a mailbox: it
 * accepts mail only for the addresses of active email channels whose inbound mode is "smtp" (and their +tags, where
 * reply tokens live), answers 451 for a paused one and 550 to everything else, so it is no open relay. The 250 after DATA is sent only
 * once the raw mail is stored and its processing queued (one transaction): a failure answers 451 and the sending
 * server retries, a redelivery of a stored mail is accepted and ignored (unique per channel and Message-ID).
 */
export class SmtpReceiver {
  private server: SMTPServer | null = null;
  private readonly log: Logger;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly opts: SmtpReceiverOptions,
  ) {
    this.log = ctx.log.child({ component: 'smtp-receiver' });
  }

  /** Listens; resolves with the bound `host:port`. */
  async start(): Promise<string> {
    // Loaded only when the receiver is switched on (EMAIL_SMTP_PORT): most installations never need it.
    const { SMTPServer: Server } = await import('smtp-server');
    const server = new Server({
      // Mail to our own addresses needs no login (we are the destination, not a relay); STARTTLS is offered.
      authOptional: true,
      disabledCommands: ['AUTH'],
      banner: 'Switchboard',
      size: this.opts.maxBytes,
      // A mail is held in memory until it is stored: bound how many arrive at once (more wait for a connection).
      maxClients: 50,
      // Shutdown waits this long for a mail in flight; a sender cut off without a 250 sends again.
      closeTimeout: 10_000,
      logger: false,
      onRcptTo: (address, session, cb) => {
        this.channelsFor(address.address)
          .then((ids) => {
            if (ids === 'paused')
              return cb(Object.assign(new Error('Mailbox paused, try again later'), { responseCode: 451 }));
            if (ids.length === 0)
              return cb(Object.assign(new Error('No such mailbox here'), { responseCode: 550 }));
            const s = session as Session;
            s.channelsByRcpt ??= new Map();
            // As written: the reply token in a +tag is case-sensitive.
            s.channelsByRcpt.set(address.address, ids);
            cb();
          })
          .catch((err) => {
            this.log.error({ err }, 'RCPT lookup failed');
            cb(Object.assign(new Error('Temporary failure, try again later'), { responseCode: 451 }));
          });
      },
      onData: (stream, session, cb) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('error', (err) => cb(err));
        stream.on('end', () => {
          if (stream.sizeExceeded)
            return cb(Object.assign(new Error('Message too large'), { responseCode: 552 }));
          this.accept(session as Session, Buffer.concat(chunks))
            .then(() => cb())
            .catch((err) => {
              this.log.error({ err }, 'storing received mail failed');
              cb(Object.assign(new Error('Temporary failure, try again later'), { responseCode: 451 }));
            });
        });
      },
    });
    server.on('error', (err) => this.log.warn({ err }, 'SMTP receiver error'));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port, this.opts.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    const bound = server.server.address() as AddressInfo;
    this.log.info({ host: bound.address, port: bound.port }, 'receiving mail over SMTP');
    return `${bound.address}:${bound.port}`;
  }

  /** The port it listens on (after start). */
  get port(): number {
    return (this.server?.server.address() as AddressInfo | null)?.port ?? 0;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Stores the mail once for every channel its accepted recipients belong to, in one transaction. */
  private async accept(session: Session, raw: Buffer): Promise<void> {
    const byChannel = new Map<string, string[]>();
    for (const [rcpt, ids] of session.channelsByRcpt ?? [])
      for (const id of ids) byChannel.set(id, [...(byChannel.get(id) ?? []), rcpt]);
    const messageId = messageIdOf(raw) ?? syntheticMessageId(raw);
    await inTransaction(this.ctx, async (r) => {
      for (const [channelId, envelopeTo] of byChannel)
        await storeMail(r, channelId, { raw, messageId, via: 'smtp', envelopeTo });
    });
  }

  /**
   * Active email channels receiving over SMTP at this address, `local+anything@domain` included. A paused one says
   * "later" (451): the sending server keeps the mail and retries, as Telegram keeps updates for a paused bot.
   */
  private async channelsFor(address: string): Promise<string[] | 'paused'> {
    const base = baseAddress(address);
    if (!base) return [];
    const channel = await this.ctx.repos.channels.findByExternalId('email', base);
    if (!channel || !receivesOverSmtp(channel)) return [];
    return channel.status === 'active' ? [channel.id] : 'paused';
  }
}

/** `Local+tag@Domain` → `local@domain`; null for something that is not an address. */
export function baseAddress(address: string): string | null {
  const at = address.lastIndexOf('@');
  if (at < 1) return null;
  const local = address.slice(0, at).replace(/\+.*$/, '');
  return local ? `${local}@${address.slice(at + 1)}`.toLowerCase() : null;
}

function receivesOverSmtp(channel: Channel): boolean {
  if (channel.type !== 'email') return false;
  try {
    return emailSettingsOf(channel).inbound === 'smtp';
  } catch {
    return false;
  }
}
