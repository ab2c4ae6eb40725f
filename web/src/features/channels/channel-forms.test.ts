import { describe, expect, it } from 'vitest';
import {
  EMPTY_EMAIL_FORM,
  emailFormFromChannel,
  emailSettingsFromForm,
  secureForSmtpPort,
} from './email-form.ts';
import { healthVerdict } from './health.ts';
import { optionalInt } from './inbox-settings-form.ts';
import { telegramFormFromSettings, telegramSettingsFromForm } from './telegram-settings.ts';
import type { ChannelHealth } from './types.ts';

const mailbox = {
  ...EMPTY_EMAIL_FORM,
  name: 'Support',
  address: ' Help@Example.com ',
  smtpHost: 'smtp.example.com',
  smtpPort: '465',
  smtpSecure: true,
  smtpUser: 'help',
  smtpPassword: 's3cret',
  imapHost: 'imap.example.com',
  imapUser: 'help',
  imapPassword: 'imap-pass',
};

describe('mailbox form ↔ API settings', () => {
  it('sends the servers with numeric ports, IMAP only when mail is read over IMAP', () => {
    expect(emailSettingsFromForm(mailbox)).toEqual({
      address: 'Help@Example.com',
      fromName: null,
      inbound: 'imap',
      smtp: { host: 'smtp.example.com', port: 465, secure: true, user: 'help', password: 's3cret' },
      imap: {
        host: 'imap.example.com',
        port: 993,
        secure: true,
        user: 'help',
        password: 'imap-pass',
        mailbox: 'INBOX',
      },
    });
    expect(emailSettingsFromForm({ ...mailbox, inbound: 'smtp' }).imap).toBeNull();
  });

  it('leaves the login out for a trusted relay, and a typed port as text for the API to name', () => {
    const s = emailSettingsFromForm({ ...mailbox, smtpUser: '', smtpPassword: '', smtpPort: '25x' });
    expect(s.smtp).toEqual({ host: 'smtp.example.com', port: '25x', secure: true });
  });

  it('keeps the stored passwords on an edit when the fields are left empty', () => {
    const edited = emailSettingsFromForm({ ...mailbox, smtpPassword: '', imapPassword: '' }, true);
    expect(edited.smtp).not.toHaveProperty('password');
    expect(edited.imap).not.toHaveProperty('password');
    const rotated = emailSettingsFromForm({ ...mailbox, smtpPassword: 'new', imapPassword: '' }, true);
    expect((rotated.smtp as { password: string }).password).toBe('new');
  });

  it('fills the form from a stored mailbox without passwords, and round-trips it', () => {
    const stored = {
      address: 'help@example.com',
      fromName: 'Help desk',
      inbound: 'imap',
      smtp: { host: 'smtp.example.com', port: 587, secure: false, user: 'help', passwordSet: true },
      imap: {
        host: 'imap.example.com',
        port: 993,
        secure: true,
        user: 'help',
        mailbox: 'Support',
        passwordSet: true,
      },
    };
    const form = emailFormFromChannel('Support', stored);
    expect(form).toMatchObject({
      smtpPort: '587',
      smtpSecure: false,
      imapMailbox: 'Support',
      smtpPassword: '',
    });
    const back = emailSettingsFromForm(form, true);
    expect(back).toEqual({
      address: 'help@example.com',
      fromName: 'Help desk',
      inbound: 'imap',
      smtp: { host: 'smtp.example.com', port: 587, secure: false, user: 'help' },
      imap: { host: 'imap.example.com', port: 993, secure: true, user: 'help', mailbox: 'Support' },
    });
  });

  it('suggests TLS from the start for port 465 and STARTTLS for 587', () => {
    expect(secureForSmtpPort('465', false)).toBe(true);
    expect(secureForSmtpPort('587', true)).toBe(false);
    expect(secureForSmtpPort('2525', true)).toBe(true);
  });
});

describe('bot settings form ↔ API settings', () => {
  it('sends only what is filled in, keeping keys other pages own', () => {
    const form = telegramFormFromSettings({ rateLimitPerSecond: 20, staffBot: true });
    expect(form).toEqual({
      rateLimitPerSecond: '20',
      paidBroadcasts: false,
      settingsCommand: '',
      stopCommand: '',
    });
    expect(
      telegramSettingsFromForm(
        { ...form, paidBroadcasts: true, stopCommand: '/unsubscribe' },
        { staffBot: true },
      ),
    ).toEqual({ staffBot: true, rateLimitPerSecond: 20, paidBroadcasts: true, stopCommand: 'unsubscribe' });
  });

  it('drops cleared fields so their defaults apply again, and sends a non-number as typed', () => {
    const stored = { rateLimitPerSecond: 20, paidBroadcasts: true };
    expect(
      telegramSettingsFromForm(
        { ...telegramFormFromSettings(stored), rateLimitPerSecond: '', paidBroadcasts: false },
        stored,
      ),
    ).toEqual({});
    expect(telegramSettingsFromForm({ ...telegramFormFromSettings({}), rateLimitPerSecond: 'fast' })).toEqual(
      {
        rateLimitPerSecond: 'fast',
      },
    );
  });

  it('reads an empty number field as "no limit"', () => {
    expect(optionalInt('')).toBeNull();
    expect(optionalInt(' 12 ')).toBe(12);
    expect(optionalInt('2.5')).toBe(2.5);
  });
});

const healthy: ChannelHealth = {
  status: 'active',
  mode: 'polling',
  lastUpdateAt: '2026-12-07T10:00:00.000Z',
  lastError: null,
  lastErrorAt: null,
  updates: { unprocessed: 0, lastProcessingError: null },
  webhook: null,
  webhookInfoError: null,
  polling: { offset: 10, lease: { databasePid: 42, applicationName: 'worker', connectedAt: null } },
  sending: { sentLastMinute: 0, pausedUntil: null, rateLimitPerSecond: 30, paidBroadcasts: false },
  checkedAt: '2026-12-07T10:01:00.000Z',
};
const now = Date.parse('2026-12-07T10:01:00.000Z');

describe('channel health verdict', () => {
  it('is ok for a polled bot with a live poller and nothing failing', () => {
    expect(healthVerdict(healthy, now)).toBe('ok');
  });

  it('puts a pause by an admin first, then a running 429 pause', () => {
    const limited = { ...healthy, sending: { ...healthy.sending, pausedUntil: '2026-12-07T10:02:00.000Z' } };
    expect(healthVerdict({ ...limited, status: 'paused' }, now)).toBe('paused');
    expect(healthVerdict(limited, now)).toBe('rateLimited');
    expect(healthVerdict(limited, Date.parse('2026-12-07T10:03:00.000Z'))).toBe('ok');
  });

  it('needs attention when nobody polls the bot or an update gave up', () => {
    expect(healthVerdict({ ...healthy, polling: { offset: 1, lease: null } }, now)).toBe('problem');
    const gaveUp = { updateId: 5, error: 'boom', receivedAt: '2026-12-07T09:00:00.000Z' };
    expect(healthVerdict({ ...healthy, updates: { unprocessed: 1, lastProcessingError: gaveUp } }, now)).toBe(
      'problem',
    );
  });

  it('treats a last error as history once an update arrived after it', () => {
    const old = { ...healthy, lastError: 'timeout', lastErrorAt: '2026-12-07T09:00:00.000Z' };
    expect(healthVerdict(old, now)).toBe('ok');
    expect(healthVerdict({ ...old, lastErrorAt: '2026-12-07T10:00:30.000Z' }, now)).toBe('problem');
  });

  it('needs attention when Telegram reports a webhook error newer than the last update', () => {
    const webhook = {
      url: 'https://example.com/webhooks/telegram/1',
      pendingUpdateCount: 3,
      lastErrorDate: '2026-12-07T10:00:30.000Z',
      lastErrorMessage: 'Connection refused',
      maxConnections: 40,
    };
    const h = { ...healthy, mode: 'webhook', polling: null, webhook };
    expect(healthVerdict(h, now)).toBe('problem');
    expect(
      healthVerdict({ ...h, webhook: { ...webhook, lastErrorDate: '2026-12-07T09:00:00.000Z' } }, now),
    ).toBe('ok');
    expect(healthVerdict({ ...h, webhook: null, webhookInfoError: 'Telegram timed out' }, now)).toBe(
      'problem',
    );
  });
});
