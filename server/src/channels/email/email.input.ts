import type { FieldProblem } from '../../lib/errors.ts';
import {
  EMAIL_INBOUND_KINDS,
  type EmailChannelSettings,
  type EmailInbound,
  type MailServerSettings,
} from './email.settings.ts';

/** The keys an email channel's `settings` may hold; anything else is refused so a typo never silently does nothing. */
const SETTING_KEYS = ['address', 'fromName', 'smtp', 'imap', 'inbound', 'ratePerSecond'];
// `passwordSet` is what answers show instead of the password: accepted and ignored, so a GET's settings can be sent back.
const SERVER_KEYS = ['host', 'port', 'secure', 'user', 'password', 'passwordSet'];
const IMAP_KEYS = [...SERVER_KEYS, 'mailbox'];
/** Local part, @, a domain with a dot: what a mail server will accept as a sender, without RFC 5322's corners. */
const ADDRESS = /^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]+$/;
const HOST = /^[A-Za-z0-9._:[\]-]{1,253}$/;

/** The settings as checked, with the passwords taken out (they are sealed apart). */
export interface CheckedEmailSettings {
  settings: EmailChannelSettings;
  /** Passwords given in this request; absent ones keep the stored value. */
  passwords: { smtp?: string; imap?: string };
}

/**
 * Checks an email channel's `settings` (POST, or PATCH after merging with the stored ones). `stored` says which
 * passwords the channel already has, so a PATCH need not repeat them. Returns every problem with its path under the body.
 */
export function checkEmailSettings(
  raw: unknown,
  stored: { smtpPassword: boolean; imapPassword: boolean } = { smtpPassword: false, imapPassword: false },
): { value: CheckedEmailSettings | null; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const at = (path: string, message: string) => problems.push({ path: `/settings${path}`, message });
  if (!isObject(raw)) {
    problems.push({
      path: '/settings',
      message: 'is required for an email channel: an object with address and smtp',
    });
    return { value: null, problems };
  }
  unknownKeys(raw, SETTING_KEYS, '', at);

  const address = typeof raw.address === 'string' ? raw.address.trim().toLowerCase() : '';
  if (raw.address === undefined) at('/address', 'is required: the mailbox address mail is sent from');
  else if (address.length > 254 || !ADDRESS.test(address))
    at('/address', 'must be an email address such as support@shop.example');

  let fromName: string | null = null;
  if (raw.fromName !== undefined && raw.fromName !== null) {
    if (typeof raw.fromName !== 'string' || raw.fromName.trim() === '' || raw.fromName.length > 100)
      at('/fromName', 'must be a string of 1 to 100 characters, or null for the workspace name');
    else fromName = raw.fromName.trim();
  }

  const inbound = (raw.inbound ?? (raw.imap ? 'imap' : 'none')) as EmailInbound;
  if (!EMAIL_INBOUND_KINDS.includes(inbound))
    at('/inbound', `must be one of ${EMAIL_INBOUND_KINDS.join(', ')}`);

  const passwords: CheckedEmailSettings['passwords'] = {};
  const smtp = server(raw.smtp, '/smtp', SERVER_KEYS, 587, at);
  if (raw.smtp === undefined) at('/smtp', 'is required: {host, port, secure, user, password}');
  if (smtp) {
    const pw = passwordOf(raw.smtp, '/smtp', at);
    if (pw !== undefined) passwords.smtp = pw;
    if (smtp.user && pw === undefined && !stored.smtpPassword)
      at('/smtp/password', 'is required with a user');
  }

  let imap: EmailChannelSettings['imap'] = null;
  if (raw.imap !== undefined && raw.imap !== null) {
    const s = server(raw.imap, '/imap', IMAP_KEYS, 993, at);
    if (s) {
      const rawImap = raw.imap as Record<string, unknown>;
      const mailbox = rawImap.mailbox ?? 'INBOX';
      if (typeof mailbox !== 'string' || mailbox.trim() === '' || mailbox.length > 200)
        at('/imap/mailbox', 'must be a mailbox name such as INBOX');
      if (!s.user) at('/imap/user', 'is required: IMAP always needs a login');
      const pw = passwordOf(raw.imap, '/imap', at);
      if (pw !== undefined) passwords.imap = pw;
      else if (!stored.imapPassword) at('/imap/password', 'is required');
      imap = { ...s, mailbox: typeof mailbox === 'string' ? mailbox.trim() : 'INBOX' };
    }
  }
  if (inbound === 'imap' && raw.imap == null)
    at('/imap', 'is required when inbound is "imap": {host, port, secure, user, password, mailbox?}');

  let ratePerSecond: number | null = null;
  if (raw.ratePerSecond !== undefined && raw.ratePerSecond !== null) {
    const r = raw.ratePerSecond;
    if (typeof r !== 'number' || !(r > 0) || r > 10_000)
      at(
        '/ratePerSecond',
        'must be a number of messages per second above 0 and at most 10000 (e.g. 0.5 or 14)',
      );
    else ratePerSecond = r;
  }

  if (problems.length > 0 || !smtp) return { value: null, problems };
  return {
    value: { settings: { address, fromName, smtp, imap, inbound, ratePerSecond }, passwords },
    problems,
  };
}

/** Host, port, secure and user of one server; problems are reported through `at`. */
function server(
  raw: unknown,
  path: string,
  keys: string[],
  defaultPort: number,
  at: (path: string, message: string) => void,
): MailServerSettings | null {
  if (raw === undefined) return null;
  if (!isObject(raw)) {
    at(path, 'must be an object: {host, port, secure, user, password}');
    return null;
  }
  unknownKeys(raw, keys, path, at);
  const host = typeof raw.host === 'string' ? raw.host.trim() : '';
  if (!HOST.test(host)) at(`${path}/host`, 'is required: the server name such as smtp.yandex.ru');
  const port = raw.port ?? defaultPort;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535)
    at(`${path}/port`, 'must be a port number from 1 to 65535');
  // Implicit TLS is what ports 465 (SMTP) and 993 (IMAP) mean; any other port starts plain and upgrades with STARTTLS.
  const secure = raw.secure ?? (port === 465 || port === 993);
  if (typeof secure !== 'boolean')
    at(`${path}/secure`, 'must be true (TLS from the start) or false (STARTTLS)');
  const user = raw.user ?? '';
  if (typeof user !== 'string' || user.length > 320) at(`${path}/user`, 'must be the login name (a string)');
  return {
    host,
    port: port as number,
    secure: secure as boolean,
    user: typeof user === 'string' ? user : '',
  };
}

function passwordOf(
  raw: unknown,
  path: string,
  at: (path: string, message: string) => void,
): string | undefined {
  const pw = (raw as Record<string, unknown>).password;
  if (pw === undefined) return undefined;
  if (typeof pw !== 'string' || pw === '' || pw.length > 1000) {
    at(`${path}/password`, 'must be a non-empty string');
    return undefined;
  }
  return pw;
}

function unknownKeys(
  raw: Record<string, unknown>,
  keys: string[],
  path: string,
  at: (path: string, message: string) => void,
): void {
  for (const key of Object.keys(raw))
    if (!keys.includes(key)) at(`${path}/${key}`, `unknown setting; known: ${keys.join(', ')}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A PATCH's settings over the stored ones: given top-level keys replace, `smtp` and `imap` merge field by field (so a
 * password rotation is `{smtp: {password}}`), `imap: null` removes IMAP. Stored settings hold no passwords.
 */
export function mergeEmailSettings(stored: EmailChannelSettings, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const merged: Record<string, unknown> = { ...stored, ...patch };
  if (isObject(patch.smtp)) merged.smtp = { ...stored.smtp, ...patch.smtp };
  if (isObject(patch.imap)) merged.imap = { ...(stored.imap ?? {}), ...patch.imap };
  // Stored nulls stand for "not set": the checker reads absent and null alike.
  return merged;
}
