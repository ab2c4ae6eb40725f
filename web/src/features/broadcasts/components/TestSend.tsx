import { useState } from 'react';
import { useI18n } from '../../../i18n/i18n.tsx';
import { ApiError } from '../../../lib/api.ts';
import { useContactSearch } from '../../../lib/contact-search.ts';
import { useTestSend } from '../detail-api.ts';

/** The contact chosen for the last test, remembered on this device: usually the person's own Telegram contact. */
const LAST_TEST_CONTACT = 'switchboard.broadcastTestContact';

interface Chosen {
  id: string;
  label: string;
}

function remembered(): Chosen | null {
  try {
    return JSON.parse(localStorage.getItem(LAST_TEST_CONTACT) ?? 'null') as Chosen | null;
  } catch {
    return null;
  }
}

/**
 * Sends the message to one contact now (no recipient row, no counters), e.g. to oneself: people are contacts only
 * through their Telegram chat with the bot, so "myself" is found by name like anyone else and remembered here.
 */
export function TestSend({ id }: { id: string }) {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const [chosen, setChosen] = useState<Chosen | null>(remembered);
  const found = useContactSearch(q);
  const send = useTestSend(id);
  const choose = (c: Chosen) => {
    setChosen(c);
    setQ('');
    localStorage.setItem(LAST_TEST_CONTACT, JSON.stringify(c));
  };
  return (
    <section className="card" aria-labelledby="bc-test">
      <h2 id="bc-test">{t('broadcasts.test.title')}</h2>
      <p className="hint">{t('broadcasts.test.hint')}</p>
      <label htmlFor="bc-test-search">{t('broadcasts.test.search')}</label>
      <input id="bc-test-search" type="search" value={q} onChange={(e) => setQ(e.target.value)} />
      {found.data && q.trim().length >= 2 ? (
        <ul className="bc-found">
          {found.data.length === 0 ? <li className="hint">{t('broadcasts.test.noMatch')}</li> : null}
          {found.data.map((c) => {
            const label = [c.name, c.username ? `@${c.username}` : null].filter(Boolean).join(' ') || c.id;
            return (
              <li key={c.id}>
                <button type="button" className="button-quiet" onClick={() => choose({ id: c.id, label })}>
                  {label}
                </button>
              </li>
            );
          })}
        </ul>
      ) : null}
      {chosen ? (
        <div className="bc-actions">
          <span>{t('broadcasts.test.to', { name: chosen.label })}</span>
          <button type="button" disabled={send.isPending} onClick={() => send.mutate(chosen.id)}>
            {t('broadcasts.test.send')}
          </button>
        </div>
      ) : null}
      {send.isSuccess ? (
        <p className="form-ok" role="status">
          {t('broadcasts.test.sent')}
        </p>
      ) : null}
      {send.error ? (
        <p className="form-error" role="alert">
          {send.error instanceof ApiError && send.error.details[0]
            ? send.error.details[0].message
            : send.error.message}
        </p>
      ) : null}
    </section>
  );
}
