import type { ImapFlow as ImapFlowClient } from 'imapflow';
import { ChannelRejectedError } from '../errors.ts';
import type { MailServerSettings } from './email.settings.ts';
import { SmtpTransport } from './email.transport.ts';

/** How long a save waits for a mail server before saying it cannot reach it. */
const CHECK_TIMEOUT_MS = 15_000;

/** Why a mail server check failed, in words for the person filling in the form; `field` is what to fix. */
export interface MailServerProblem {
  field: 'host' | 'password' | 'mailbox';
  message: string;
}

/** Connects to the SMTP server and logs in (EHLO, STARTTLS when offered, AUTH); null when all is well. */
export async function checkSmtp(
  server: MailServerSettings,
  password: string,
  opts: { timeoutMs?: number } = {},
): Promise<MailServerProblem | null> {
  const transport = new SmtpTransport({
    ...server,
    password,
    from: server.user,
    maxConnections: 1,
    timeoutMs: opts.timeoutMs ?? CHECK_TIMEOUT_MS,
  });
  try {
    await transport.verify();
    return null;
  } catch (err) {
    if (err instanceof ChannelRejectedError)
      return {
        field: 'password',
        message: `SMTP login refused: ${err.errorCode} ${err.description}`.replace(/\s+/g, ' ').trim(),
      };
    return {
      field: 'host',
      message: `SMTP server ${server.host}:${server.port} did not answer properly: ${(err as Error).message}`,
    };
  } finally {
    transport.close();
  }
}

/** Connects to the IMAP server, logs in and opens the mailbox read-only; null when all is well. */
export async function checkImap(
  server: MailServerSettings & { mailbox: string },
  password: string,
  opts: { timeoutMs?: number } = {},
): Promise<MailServerProblem | null> {
  const timeout = opts.timeoutMs ?? CHECK_TIMEOUT_MS;
  // Loaded on first use: importing it costs start-up time (~200 ms) in every process, most of which never need it.
  const { ImapFlow } = await import('imapflow');
  const client: ImapFlowClient = new ImapFlow({
    host: server.host,
    port: server.port,
    secure: server.secure,
    auth: { user: server.user, pass: password },
    logger: false,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  });
  // A dropped connection is reported through the promise below; without a listener it would crash the process.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (err) {
    const e = err as { authenticationFailed?: boolean; response?: string; message?: string };
    if (e.authenticationFailed)
      return { field: 'password', message: `IMAP login refused: ${e.response || e.message}` };
    return {
      field: 'host',
      message: `IMAP server ${server.host}:${server.port} did not answer properly: ${e.message}`,
    };
  }
  try {
    await client.mailboxOpen(server.mailbox, { readOnly: true });
    return null;
  } catch (err) {
    const e = err as { response?: string; message?: string };
    return {
      field: 'mailbox',
      message: `IMAP mailbox "${server.mailbox}" cannot be opened: ${e.response || e.message}`,
    };
  } finally {
    await client.logout().catch(() => client.close());
  }
}
