import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A mail the sink accepted: the envelope, the raw bytes and the parsed message. */
export interface SunkMail {
  from: string;
  to: string[];
  raw: string;
  parsed: ParsedMail;
}

/** How the sink answers a recipient: accept, refuse for good (5xx) or for now (4xx). */
export type RecipientRule = { code: number; message: string } | null;

/**
 * A real SMTP server (smtp-server) on 127.0.0.1 that keeps what it receives, for tests and benchmarks. Plain SMTP with
 * AUTH optional (any credentials pass unless `password` is set); `rejectRecipient` decides per address.
 */
export class SmtpSink {
  readonly mails: SunkMail[] = [];
  /** Per recipient address (lower-case): the answer to RCPT TO. */
  readonly recipientRules = new Map<string, RecipientRule>();
  private waiters: Array<() => void> = [];

  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
  ) {}

  static async start(opts: { user?: string; password?: string; parse?: boolean } = {}): Promise<SmtpSink> {
    let sink: SmtpSink | null = null;
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onAuth(auth, _session, cb) {
        if (opts.password !== undefined && (auth.username !== opts.user || auth.password !== opts.password))
          return cb(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
        cb(null, { user: auth.username });
      },
      onRcptTo(address, _session, cb) {
        const rule = sink?.recipientRules.get(address.address.toLowerCase());
        if (rule) return cb(Object.assign(new Error(rule.message), { responseCode: rule.code }));
        cb();
      },
      onData(stream, session, cb) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', async () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const parsed = opts.parse === false ? ({} as ParsedMail) : await simpleParser(raw);
          sink?.mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw,
            parsed,
          });
          for (const w of sink?.waiters.splice(0) ?? []) w();
          cb();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    sink = new SmtpSink(server, (server.server.address() as AddressInfo).port);
    return sink;
  }

  /** smtp://127.0.0.1:<port> (no TLS), usable as SMTP_URL. */
  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** Mails addressed to one recipient. */
  to(address: string): SunkMail[] {
    const a = address.toLowerCase();
    return this.mails.filter((m) => m.to.some((t) => t.toLowerCase() === a));
  }

  /** Resolves when `count` mails have arrived in all (rejects after `timeoutMs`). */
  async waitFor(count: number, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.mails.length < count) {
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`SmtpSink: ${this.mails.length} of ${count} mails after ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
