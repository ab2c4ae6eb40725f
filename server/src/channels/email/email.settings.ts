import type { Channel } from '../../db/schema.ts';
import type { SecretBox } from '../../lib/secret-box.ts';

/** How an email channel receives mail: polling/IDLE on an IMAP mailbox, the built-in SMTP receiver, or not at all. */
export type EmailInbound = 'imap' | 'smtp' | 'none';
export const EMAIL_INBOUND_KINDS: readonly EmailInbound[] = ['imap', 'smtp', 'none'];

/** One mail server's address and login; the password is kept apart, sealed (see EmailChannelSecrets). */
export interface MailServerSettings {
  host: string;
  port: number;
  /** Implicit TLS (465 for SMTP, 993 for IMAP); false: plain, upgraded with STARTTLS when offered. */
  secure: boolean;
  user: string;
}

/**
 * What an email channel keeps in `channels.settings` (never a password). `channels.external_id` is the address,
 * lower-cased, so the same mailbox cannot be connected twice.
 */
export interface EmailChannelSettings {
  address: string;
  /** The sender's display name; null: the workspace_name setting. */
  fromName: string | null;
  smtp: MailServerSettings;
  imap: (MailServerSettings & { mailbox: string }) | null;
  inbound: EmailInbound;
  /** Messages per second to this channel's SMTP server; null: EMAIL_RATE_PER_SECOND. */
  ratePerSecond: number | null;
}

/** The passwords, sealed together as JSON in `channels.secret_sealed`. */
export interface EmailChannelSecrets {
  smtpPassword: string;
  imapPassword: string | null;
}

/** The channel's settings with defaults filled in (rows written by ChannelsService always have every key). */
export function emailSettingsOf(channel: Pick<Channel, 'settings'>): EmailChannelSettings {
  const s = channel.settings as Partial<EmailChannelSettings>;
  if (!s.address || !s.smtp) throw new Error('not an email channel: settings have no address or smtp');
  return {
    address: s.address,
    fromName: s.fromName ?? null,
    smtp: s.smtp,
    imap: s.imap ? { ...s.imap, mailbox: s.imap.mailbox || 'INBOX' } : null,
    inbound: s.inbound ?? 'none',
    ratePerSecond: s.ratePerSecond ?? null,
  };
}

/** The plaintext passwords, for the send and receive paths only; never for API answers or logs. */
export function emailSecretsOf(box: SecretBox, channel: Pick<Channel, 'secretSealed'>): EmailChannelSecrets {
  if (!channel.secretSealed) throw new Error('email channel has no sealed passwords');
  const s = JSON.parse(box.open(channel.secretSealed)) as Partial<EmailChannelSecrets>;
  return { smtpPassword: s.smtpPassword ?? '', imapPassword: s.imapPassword ?? null };
}

/** Seals the passwords for `channels.secret_sealed`. */
export function sealEmailSecrets(box: SecretBox, secrets: EmailChannelSecrets): string {
  return box.seal(JSON.stringify(secrets));
}
