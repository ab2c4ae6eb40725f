/** The mailbox form's fields as typed (ports are text until sent), and the API's settings object they become. */
export interface EmailForm {
  name: string;
  address: string;
  fromName: string;
  smtpHost: string;
  smtpPort: string;
  smtpSecure: boolean;
  smtpUser: string;
  smtpPassword: string;
  inbound: 'imap' | 'smtp' | 'none';
  imapHost: string;
  imapPort: string;
  imapSecure: boolean;
  imapUser: string;
  imapPassword: string;
  imapMailbox: string;
}

export const EMPTY_EMAIL_FORM: EmailForm = {
  name: '',
  address: '',
  fromName: '',
  smtpHost: '',
  smtpPort: '587',
  smtpSecure: false,
  smtpUser: '',
  smtpPassword: '',
  inbound: 'imap',
  imapHost: '',
  imapPort: '993',
  imapSecure: true,
  imapUser: '',
  imapPassword: '',
  imapMailbox: 'INBOX',
};

/** Which form field shows an API error on each settings path (`/settings/smtp/password` → `smtpPassword`). */
export const EMAIL_FIELD_BY_PATH: Record<string, keyof EmailForm> = {
  name: 'name',
  'settings/address': 'address',
  'settings/fromName': 'fromName',
  'settings/smtp/host': 'smtpHost',
  'settings/smtp/port': 'smtpPort',
  // The TLS switches have no message line of their own: their problems show under the port beside them.
  'settings/smtp/secure': 'smtpPort',
  'settings/smtp/user': 'smtpUser',
  'settings/smtp/password': 'smtpPassword',
  'settings/inbound': 'inbound',
  'settings/imap': 'imapHost',
  'settings/imap/host': 'imapHost',
  'settings/imap/port': 'imapPort',
  'settings/imap/secure': 'imapPort',
  'settings/imap/user': 'imapUser',
  'settings/imap/password': 'imapPassword',
  'settings/imap/mailbox': 'imapMailbox',
};

/** A port as a number when it is one; else the text, so the API names the field and says why. */
const port = (text: string): number | string =>
  /^\d+$/.test(text.trim()) ? Number(text.trim()) : text.trim();

/**
 * The `settings` of POST/PATCH /channels for this form. With `existing` (an edit), an empty password keeps the stored
 * one (the API merges smtp/imap field by field), so nobody has to type the password again to rename the sender.
 */
export function emailSettingsFromForm(form: EmailForm, existing = false): Record<string, unknown> {
  const smtp: Record<string, unknown> = {
    host: form.smtpHost.trim(),
    port: port(form.smtpPort),
    secure: form.smtpSecure,
  };
  // No user means a trusted relay without login, so there is no password to send either.
  if (form.smtpUser.trim()) {
    smtp.user = form.smtpUser.trim();
    if (form.smtpPassword || !existing) smtp.password = form.smtpPassword;
  }
  const settings: Record<string, unknown> = {
    address: form.address.trim(),
    fromName: form.fromName.trim() || null,
    smtp,
    inbound: form.inbound,
  };
  if (form.inbound === 'imap') {
    const imap: Record<string, unknown> = {
      host: form.imapHost.trim(),
      port: port(form.imapPort),
      secure: form.imapSecure,
      user: form.imapUser.trim(),
      mailbox: form.imapMailbox.trim() || 'INBOX',
    };
    if (form.imapPassword || !existing) imap.password = form.imapPassword;
    settings.imap = imap;
  } else {
    settings.imap = null;
  }
  return settings;
}

const text = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback);
const obj = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};

/** The form filled from a stored mailbox (passwords stay empty: the API never returns them). */
export function emailFormFromChannel(name: string, settings: Record<string, unknown>): EmailForm {
  const smtp = obj(settings.smtp);
  const imap = settings.imap ? obj(settings.imap) : null;
  const inbound = settings.inbound === 'smtp' || settings.inbound === 'none' ? settings.inbound : 'imap';
  return {
    name,
    address: text(settings.address),
    fromName: text(settings.fromName),
    smtpHost: text(smtp.host),
    smtpPort: smtp.port === undefined ? '587' : String(smtp.port),
    smtpSecure: smtp.secure === true,
    smtpUser: text(smtp.user),
    smtpPassword: '',
    inbound: imap ? inbound : inbound === 'imap' ? 'none' : inbound,
    imapHost: text(imap?.host),
    imapPort: imap?.port === undefined ? '993' : String(imap.port),
    imapSecure: imap ? imap.secure === true : true,
    imapUser: text(imap?.user),
    imapPassword: '',
    imapMailbox: text(imap?.mailbox, 'INBOX'),
  };
}

/** Port 465 is TLS from the first byte; 587 and 25 upgrade with STARTTLS. Typing a port suggests the matching switch. */
export function secureForSmtpPort(portText: string, current: boolean): boolean {
  if (portText.trim() === '465') return true;
  if (portText.trim() === '587' || portText.trim() === '25') return false;
  return current;
}
