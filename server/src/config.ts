import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseDotenv } from 'dotenv';

/** Typed, frozen configuration parsed once from the environment (and an optional `.env`). */
export interface Config {
  port: number;
  host: string;
  publicUrl: string;
  databaseUrl: string | null;
  dataDir: string;
  secretKey: string | null;
  adminEmail: string | null;
  adminPassword: string | null;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  workerConcurrency: number;
  bodyLimitBytes: number;
  /** Largest contact CSV upload (IMPORT_MAX_MB); bigger uploads get 413. */
  importMaxBytes: number;
  apiRateLimitPerMinute: number;
  sessionTtlHours: number;
  /** Behind a reverse proxy: take client addresses from X-Forwarded-For. */
  trustProxy: boolean;
  /** Telegram Bot API root (TELEGRAM_API_ROOT): api.telegram.org, a local Bot API server, or the tests' fake. */
  telegramApiRoot: string;
  /** Extra spacing of Telegram send slots, in percent (TELEGRAM_RATE_HEADROOM_PERCENT): absorbs network jitter. */
  telegramRateHeadroomPercent: number;
  /**
   * What a broadcast does with recipients whose send was in flight when a process died (BROADCAST_IN_DOUBT): `unknown`
   * (default: marked, never resent, so nobody gets it twice) or `resend` (nobody misses it, those few may get it twice).
   */
  broadcastInDoubt: 'unknown' | 'resend';
  /**
   * The installation's own outgoing mail server (SMTP_URL, e.g. smtps://user:pass@host:465): notifications by email when no
   * email channel is set up, and staff mail. Null: only email channels send mail.
   */
  smtpUrl: string | null;
  /** Sender of mail sent through SMTP_URL (MAIL_FROM, e.g. "Shop <noreply@shop.example>"). */
  mailFrom: string | null;
  /**
   * Messages per second to the SMTP_URL server, and to email channels without their own rate (EMAIL_RATE_PER_SECOND);
   * 0 = no limit. Per process, like listmonk's: N worker processes may together send N× this rate.
   */
  emailRatePerSecond: number;
  /** Soft bounces (4xx after every retry) after which an address counts as unreachable (EMAIL_SOFT_BOUNCE_LIMIT). */
  emailSoftBounceLimit: number;
  /** Staff bots alert owners and admins about a conversation waiting longer than this (STAFF_ALERT_WAITING_MINUTES; 0 = off). */
  staffAlertWaitingMinutes: number;
  /**
   * The built-in SMTP receiver for forwarded mail (EMAIL_SMTP_PORT; null = off, the default; 0 = any free port), on
   * EMAIL_SMTP_HOST (default: HOST), taking mails up to EMAIL_SMTP_MAX_MB (default 25). It runs in api/start processes.
   */
  emailSmtp: { port: number; host: string; maxBytes: number } | null;
  /**
   * Days kept before the retention cleanup (built-in rule, daily at 03:00) deletes: raw Telegram updates
   * (RETENTION_TELEGRAM_UPDATES_DAYS, 30), delivery rows of finished broadcasts (RETENTION_BROADCAST_DELIVERIES_DAYS, 90),
   * finished notifications with their log (RETENTION_NOTIFICATIONS_DAYS, 180), raw incoming mail (RETENTION_EMAIL_INBOUND_DAYS,
   * 30). 0 keeps that kind forever.
   */
  retentionDays: {
    telegramUpdates: number;
    broadcastDeliveries: number;
    notifications: number;
    emailInbound: number;
  };
}

/** Thrown when the environment holds a bad value; the message names the variable and the reason. */
export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Reads `.env` from the working directory without overriding variables already set. */
export function loadDotenv(file = path.resolve('.env')): Record<string, string> {
  if (!existsSync(file)) return {};
  return parseDotenv(readFileSync(file));
}

/** Parses and validates configuration; collects every problem before failing so the user fixes them at once. */
export function loadConfig(env: NodeJS.ProcessEnv = { ...loadDotenv(), ...process.env }): Config {
  const problems: string[] = [];
  const str = (name: string): string | null => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? null : v.trim();
  };
  const int = (name: string, def: number, min: number, max: number): number => {
    const raw = str(name);
    if (raw === null) return def;
    // Plain decimal only: Number() would also take 0x10, 1e3 and 12.0.
    const n = /^-?\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name}: must be an integer from ${min} to ${max}, got "${raw}"`);
      return def;
    }
    return n;
  };

  const decimal = (name: string, def: number, min: number, max: number): number => {
    const raw = str(name);
    if (raw === null) return def;
    const n = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : Number.NaN;
    if (!(n >= min && n <= max)) {
      problems.push(`${name}: must be a number from ${min} to ${max} (e.g. 0.5), got "${raw}"`);
      return def;
    }
    return n;
  };

  const bool = (name: string, def: boolean): boolean => {
    const raw = str(name);
    if (raw === null) return def;
    if (raw === 'true' || raw === '1') return true;
    if (raw === 'false' || raw === '0') return false;
    problems.push(`${name}: must be true or false, got "${raw}"`);
    return def;
  };

  const port = int('PORT', 3000, 0, 65535);
  const host = str('HOST') ?? '127.0.0.1';

  const databaseUrl = str('DATABASE_URL');
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL: must start with postgres:// or postgresql://');
  }

  const displayHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  let publicUrl = str('PUBLIC_URL') ?? `http://${displayHost}:${port}`;
  try {
    const u = new URL(publicUrl);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol');
    publicUrl = publicUrl.replace(/\/+$/, '');
  } catch {
    problems.push(
      `PUBLIC_URL: must be an http(s) URL such as https://switchboard.example.com, got "${publicUrl}"`,
    );
  }

  const secretKey = str('SWITCHBOARD_SECRET_KEY');
  if (secretKey && decodeKey(secretKey) === null) {
    problems.push(
      'SWITCHBOARD_SECRET_KEY: must be 32 bytes as 64 hex characters or base64 (openssl rand -hex 32)',
    );
  }

  const adminEmail = str('SWITCHBOARD_ADMIN_EMAIL');
  const adminPassword = env.SWITCHBOARD_ADMIN_PASSWORD ?? null;
  if (adminEmail && !/^[^@\s]+@[^@\s]+$/.test(adminEmail)) {
    problems.push(`SWITCHBOARD_ADMIN_EMAIL: not an email address: "${adminEmail}"`);
  }
  if ((adminEmail === null) !== (adminPassword === null || adminPassword === '')) {
    problems.push('SWITCHBOARD_ADMIN_EMAIL and SWITCHBOARD_ADMIN_PASSWORD: set both or neither');
  }
  if (adminPassword && adminPassword.length < 8) {
    problems.push('SWITCHBOARD_ADMIN_PASSWORD: must be at least 8 characters');
  }

  const logLevel = (str('LOG_LEVEL') ?? 'info') as Config['logLevel'];
  const broadcastInDoubt = (str('BROADCAST_IN_DOUBT') ?? 'unknown') as Config['broadcastInDoubt'];
  if (broadcastInDoubt !== 'unknown' && broadcastInDoubt !== 'resend')
    problems.push(`BROADCAST_IN_DOUBT: must be unknown or resend, got "${broadcastInDoubt}"`);
  if (!LOG_LEVELS.includes(logLevel)) {
    problems.push(`LOG_LEVEL: must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }

  let telegramApiRoot = str('TELEGRAM_API_ROOT') ?? 'https://api.telegram.org';
  if (!isHttpUrl(telegramApiRoot)) {
    problems.push(
      `TELEGRAM_API_ROOT: must be an http(s) URL such as https://api.telegram.org, got "${telegramApiRoot}"`,
    );
  }
  telegramApiRoot = telegramApiRoot.replace(/\/+$/, '');

  const smtpUrl = str('SMTP_URL');
  if (smtpUrl && !/^smtps?:\/\/[^/]+/.test(smtpUrl))
    problems.push('SMTP_URL: must look like smtp://user:pass@host:587 or smtps://user:pass@host:465');
  const mailFrom = str('MAIL_FROM');
  if (smtpUrl && !mailFrom)
    problems.push('MAIL_FROM: required with SMTP_URL (e.g. "Shop <noreply@shop.example>")');

  const config: Config = {
    port,
    host,
    publicUrl,
    databaseUrl,
    dataDir: path.resolve(str('SWITCHBOARD_DATA_DIR') ?? './data'),
    secretKey,
    adminEmail,
    adminPassword: adminPassword || null,
    logLevel,
    workerConcurrency: int('WORKER_CONCURRENCY', 10, 1, 200),
    bodyLimitBytes: int('BODY_LIMIT_MB', 10, 1, 1024) * 1024 * 1024,
    importMaxBytes: int('IMPORT_MAX_MB', 1024, 1, 2048) * 1024 * 1024,
    apiRateLimitPerMinute: int('API_RATE_LIMIT_PER_MINUTE', 1200, 1, 1_000_000),
    sessionTtlHours: int('SESSION_TTL_HOURS', 24 * 30, 1, 24 * 365),
    trustProxy: bool('TRUST_PROXY', false),
    telegramApiRoot,
    telegramRateHeadroomPercent: decimal('TELEGRAM_RATE_HEADROOM_PERCENT', 0.5, 0, 50),
    broadcastInDoubt,
    smtpUrl,
    mailFrom,
    emailRatePerSecond: int('EMAIL_RATE_PER_SECOND', 0, 0, 10_000),
    emailSoftBounceLimit: int('EMAIL_SOFT_BOUNCE_LIMIT', 3, 1, 100),
    staffAlertWaitingMinutes: int('STAFF_ALERT_WAITING_MINUTES', 15, 0, 10_080),
    emailSmtp:
      str('EMAIL_SMTP_PORT') === null
        ? null
        : {
            port: int('EMAIL_SMTP_PORT', 0, 0, 65535),
            host: str('EMAIL_SMTP_HOST') ?? host,
            maxBytes: int('EMAIL_SMTP_MAX_MB', 25, 1, 1024) * 1024 * 1024,
          },
    retentionDays: {
      telegramUpdates: int('RETENTION_TELEGRAM_UPDATES_DAYS', 30, 0, 36500),
      broadcastDeliveries: int('RETENTION_BROADCAST_DELIVERIES_DAYS', 90, 0, 36500),
      notifications: int('RETENTION_NOTIFICATIONS_DAYS', 180, 0, 36500),
      emailInbound: int('RETENTION_EMAIL_INBOUND_DAYS', 30, 0, 36500),
    },
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}

/** Accepts a 32-byte key as hex or base64; returns null when it is neither. */
export function decodeKey(value: string): Buffer | null {
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  const b = Buffer.from(value, 'base64');
  return b.length === 32 ? b : null;
}

/** Whether a string is an absolute http: or https: URL. */
export function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}
