import { ChannelRejectedError } from '../errors.ts';

/**
 * The email channel's shapes, shared by the transport (outgoing mail), the receiver (incoming mail) and their callers
 * (notifications, inbox replies). Addresses are plain `local@domain`; display names travel separately.
 */

/** A file attached to an outgoing email, read from our own storage. */
export interface OutgoingEmailAttachment {
  storageKey: string;
  fileName: string;
  mimeType?: string;
}

/** One email to send. `text` is always present (the plain part); `html` is the rich part when there is one. */
export interface OutgoingEmail {
  to: string;
  toName?: string;
  subject: string;
  text: string;
  html?: string;
  /** Extra headers, e.g. List-Unsubscribe and List-Unsubscribe-Post for marketing mail (RFC 8058). */
  headers?: Record<string, string>;
  /** Threading: the Message-ID this mail answers and the chain before it. */
  inReplyTo?: string;
  references?: string[];
  /** Where the customer's answer should go (an address carrying the conversation's reply token). */
  replyTo?: string;
  /** Our own Message-ID (`<id@domain>`); generated when absent. Recorded so replies can be threaded. */
  messageId?: string;
  attachments?: OutgoingEmailAttachment[];
}

/** What the SMTP server accepted. */
export interface EmailSendResult {
  /** The Message-ID the mail went out with, angle brackets included. */
  messageId: string;
  /** The server's final reply line, for the record. */
  response: string;
}

/** Something that sends mail: the installation's SMTP_URL mailer, or an email channel's own server. */
export interface EmailSender {
  send(mail: OutgoingEmail): Promise<EmailSendResult>;
}

/**
 * A permanent refusal of one recipient (SMTP 5xx, or an address that cannot exist): the address is unreachable.
 * Other permanent problems (bad credentials, a refused sender) are plain ChannelRejectedError: not the recipient's fault.
 */
export class EmailRecipientRejectedError extends ChannelRejectedError {
  override get recipientUnreachable(): boolean {
    return true;
  }
}
