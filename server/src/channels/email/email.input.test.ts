import { describe, expect, it } from 'vitest';
import { checkEmailSettings, mergeEmailSettings } from './email.input.ts';

const smtp = { host: 'smtp.yandex.ru', port: 465, user: 'help@shop.ru', password: 'p1' };

describe('checkEmailSettings', () => {
  it('fills defaults: secure from the port, inbound from imap, INBOX, and takes the passwords out', () => {
    const { value, problems } = checkEmailSettings({
      address: ' Help@Shop.RU ',
      smtp,
      imap: { host: 'imap.yandex.ru', user: 'help@shop.ru', password: 'p2' },
    });
    expect(problems).toEqual([]);
    expect(value).toEqual({
      settings: {
        address: 'help@shop.ru',
        fromName: null,
        smtp: { host: 'smtp.yandex.ru', port: 465, secure: true, user: 'help@shop.ru' },
        imap: { host: 'imap.yandex.ru', port: 993, secure: true, user: 'help@shop.ru', mailbox: 'INBOX' },
        inbound: 'imap',
        ratePerSecond: null,
      },
      passwords: { smtp: 'p1', imap: 'p2' },
    });
  });

  it('needs passwords only when none is stored', () => {
    const bare = { address: 'a@shop.ru', smtp: { host: 'h', user: 'u' } };
    expect(checkEmailSettings(bare).problems).toEqual([
      { path: '/settings/smtp/password', message: 'is required with a user' },
    ]);
    expect(checkEmailSettings(bare, { smtpPassword: true, imapPassword: false }).problems).toEqual([]);
    // No user: a relay that needs no login (a local Postfix), so no password either.
    expect(checkEmailSettings({ address: 'a@shop.ru', smtp: { host: 'h' } }).problems).toEqual([]);
  });

  it('refuses inbound "imap" without IMAP settings and an unknown inbound kind', () => {
    expect(
      checkEmailSettings({ address: 'a@shop.ru', smtp, inbound: 'imap' }).problems.map((p) => p.path),
    ).toEqual(['/settings/imap']);
    expect(
      checkEmailSettings({ address: 'a@shop.ru', smtp, inbound: 'pop3' }).problems.map((p) => p.path),
    ).toEqual(['/settings/inbound']);
  });

  it('takes back the settings an answer showed (passwordSet is ignored)', () => {
    const res = checkEmailSettings(
      { address: 'a@shop.ru', smtp: { host: 'h', user: 'u', passwordSet: true } },
      { smtpPassword: true, imapPassword: false },
    );
    expect(res.problems).toEqual([]);
    expect(res.value?.settings.smtp).toEqual({ host: 'h', port: 587, secure: false, user: 'u' });
  });

  it('refuses unknown keys inside the server objects too', () => {
    const res = checkEmailSettings({ address: 'a@shop.ru', smtp: { ...smtp, tls: true } });
    expect(res.problems.map((p) => p.path)).toEqual(['/settings/smtp/tls']);
  });
});

describe('mergeEmailSettings', () => {
  const stored = {
    address: 'a@shop.ru',
    fromName: 'Shop',
    smtp: { host: 'smtp.shop.ru', port: 587, secure: false, user: 'a' },
    imap: { host: 'imap.shop.ru', port: 993, secure: true, user: 'a', mailbox: 'INBOX' },
    inbound: 'imap' as const,
    ratePerSecond: 5,
  };

  it('merges server fields one by one, so a password rotation names only the password', () => {
    expect(mergeEmailSettings(stored, { smtp: { password: 'new' } })).toEqual({
      ...stored,
      smtp: { ...stored.smtp, password: 'new' },
    });
  });

  it('removes IMAP with imap: null', () => {
    expect(mergeEmailSettings(stored, { imap: null, inbound: 'none' })).toMatchObject({
      imap: null,
      inbound: 'none',
    });
  });
});
