import type { ImapFlow, MailboxObject } from 'imapflow';
import type { Channel } from '../../db/schema.ts';
import { inTransaction, type ServiceContext } from '../../services/context.ts';
import { storeMail } from '../../services/email-receive.service.ts';
import { messageIdOf, syntheticMessageId } from './email.parse.ts';
import { emailSecretsOf, emailSettingsOf } from './email.settings.ts';

/**
 * One IMAP session on one channel's mailbox. It catches up (every mail after the stored UID, each stored with the new
 * position in one transaction, then marked \Seen), and waits for news: imapflow keeps the connection in IDLE when the
 * server has it (new mail wakes us at once) and polls with NOOP when it does not; either way `exists` tells us.
 *
 * Where to start: the stored UID while UIDVALIDITY is unchanged; after a UIDVALIDITY change (mailbox recreated) every
 * mail again, the stored ones being recognised by Message-ID; on the very first connection only the unseen mails (a
 * shop's years of read mail do not belong in the inbox).
 */
export class ImapMailbox {
  private wake: (() => void) | null = null;
  private closed = false;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly channel: Channel,
    private readonly opts: { pollMs: number },
  ) {}

  /** Runs until `signal` aborts (resolves) or the session fails (rejects); `onHealthy` after each catch-up. */
  async run(signal: AbortSignal, onHealthy: () => void): Promise<void> {
    const settings = emailSettingsOf(this.channel);
    if (!settings.imap) throw new Error('the channel has no IMAP settings');
    const { imapPassword } = emailSecretsOf(this.ctx.secretBox, this.channel);
    // Loaded on first use: importing it costs start-up time (~200 ms) in every process, most of which never need it.
    const { ImapFlow: Client } = await import('imapflow');
    const client = new Client({
      host: settings.imap.host,
      port: settings.imap.port,
      secure: settings.imap.secure,
      auth: { user: settings.imap.user, pass: imapPassword ?? '' },
      logger: false,
      // IDLE (or, without it, the NOOP polling) starts a second after our last command instead of imapflow's 15 s:
      // new mail is only announced while idling, and a reader that just caught up has nothing else to do.
      autoIdleDelay: 1000,
      maxIdleTime: this.opts.pollMs,
    });
    let failure: Error | null = null;
    client.on('error', (err: Error) => {
      failure = err;
      this.poke();
    });
    client.on('close', () => {
      this.closed = true;
      this.poke();
    });
    client.on('exists', () => this.poke());
    const onAbort = () => this.poke();
    signal.addEventListener('abort', onAbort);
    try {
      await client.connect();
      const box = await client.mailboxOpen(settings.imap.mailbox);
      while (!signal.aborted) {
        const woken = this.nextWake();
        await this.catchUp(client, box, settings.imap.mailbox);
        onHealthy();
        if (signal.aborted) break;
        await Promise.race([woken, delay(this.opts.pollMs)]);
        if (failure) throw failure;
        if (this.closed) throw new Error('IMAP connection closed');
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      if (!this.closed) await client.logout().catch(() => client.close());
    }
  }

  /** Stores every mail after the reading position, oldest first; each is marked \Seen once stored. */
  private async catchUp(client: ImapFlow, box: MailboxObject, mailbox: string): Promise<void> {
    const uidValidity = Number(box.uidValidity);
    const repo = this.ctx.repos.emailInbound;
    const position = await repo.imapPosition(this.channel.id);
    const firstTime = !position;
    const last =
      position && position.uidValidity === uidValidity && position.mailbox === mailbox ? position.lastUid : 0;
    const found = firstTime
      ? await client.search({ seen: false }, { uid: true })
      : await client.search({ uid: `${last + 1}:*` }, { uid: true });
    // "n:*" always includes the newest mail even when its UID is below n: filter.
    const uids = (found || []).filter((u) => u > last).sort((a, b) => a - b);
    for (const uid of uids) {
      const msg = await client.fetchOne(String(uid), { uid: true, source: true }, { uid: true });
      if (msg === false || !msg.source) continue;
      const raw = msg.source;
      await inTransaction(this.ctx, async (r) => {
        await storeMail(r, this.channel.id, {
          raw,
          messageId: messageIdOf(raw) ?? syntheticMessageId(raw),
          via: 'imap',
        });
        await r.emailInbound.saveImapPosition(this.channel.id, { mailbox, uidValidity, lastUid: uid });
      });
      // Only now: a crash before this line leaves the mail unseen but stored, and the position already past it.
      await client.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true });
    }
    if (firstTime || last === 0) {
      // Read mail below the first look stays where it is; from here on every new UID counts.
      const lastUid = Math.max(uids.at(-1) ?? 0, (box.uidNext ?? 1) - 1);
      await repo.saveImapPosition(this.channel.id, { mailbox, uidValidity, lastUid });
    }
  }

  private nextWake(): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }

  private poke(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
