import { useState } from 'react';
import type { MessageKey } from '../i18n/en.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { contactLabel, useContactSearch } from './contact-search.ts';
import './contact-search.css';

/** The feature's own words for the picker (each feature words its label and its "none found" differently). */
export interface ContactSearchTexts {
  label: MessageKey;
  placeholder: MessageKey;
  none: MessageKey;
  change: MessageKey;
}

/**
 * Picks a contact by name, @username, phone or email; the chosen one is shown with a way to pick another.
 * `chosenName` names a contact chosen before this page opened (e.g. from the address); otherwise the picker
 * shows the label it was chosen by, or the bare id.
 */
export function ContactSearch({
  id,
  value,
  onChange,
  texts,
  chosenName,
}: {
  id: string;
  value: string;
  onChange: (id: string) => void;
  texts: ContactSearchTexts;
  chosenName?: string | null;
}) {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const [picked, setPicked] = useState('');
  const found = useContactSearch(q);
  return (
    <div className="contact-picker">
      <label htmlFor={id}>{t(texts.label)}</label>
      {value ? (
        <p>
          <span className="contact-chosen" data-testid="chosen-contact">
            {chosenName || picked || value}
          </span>{' '}
          <button type="button" className="button-quiet" onClick={() => onChange('')}>
            {t(texts.change)}
          </button>
        </p>
      ) : (
        <>
          <input
            id={id}
            type="search"
            value={q}
            placeholder={t(texts.placeholder)}
            onChange={(e) => setQ(e.target.value)}
          />
          {found.data && q.trim().length >= 2 ? (
            <ul className="contact-found">
              {found.data.length === 0 ? <li className="hint">{t(texts.none)}</li> : null}
              {found.data.map((c) => (
                <li key={c.id}>
                  <button
                    type="button"
                    className="button-quiet"
                    onClick={() => {
                      setPicked(contactLabel(c));
                      setQ('');
                      onChange(c.id);
                    }}
                  >
                    {contactLabel(c)}
                  </button>
                </li>
              ))}
            </ul>
          ) : null}
        </>
      )}
    </div>
  );
}
