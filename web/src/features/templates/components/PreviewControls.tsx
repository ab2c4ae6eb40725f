import { useState } from 'react';
import { useI18n } from '../../../i18n/i18n.tsx';
import { type ContactOption, useContactSearch } from '../api.ts';

/** Whom the preview is for (a searched contact, or the sample contact) and in which language. */
export function PreviewControls(props: {
  contact: ContactOption | null;
  onContact: (c: ContactOption | null) => void;
  language: string;
  onLanguage: (language: string) => void;
  languages: string[];
}) {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const found = useContactSearch(q);
  const pick = (c: ContactOption | null) => {
    props.onContact(c);
    setQ('');
  };
  return (
    <div className="preview-controls">
      <p className="preview-for">
        {t('templates.preview.for')}{' '}
        <strong data-testid="preview-contact">
          {props.contact
            ? (props.contact.name ?? props.contact.username ?? props.contact.id)
            : t('templates.preview.sample')}
        </strong>
        {props.contact ? (
          <button type="button" className="button-quiet" onClick={() => pick(null)}>
            {t('templates.preview.useSample')}
          </button>
        ) : null}
      </p>
      <label htmlFor="preview-contact-search">{t('templates.preview.findContact')}</label>
      <input
        id="preview-contact-search"
        type="search"
        value={q}
        placeholder={t('templates.preview.findHint')}
        onChange={(e) => setQ(e.target.value)}
        autoComplete="off"
      />
      {q.trim() && found.data ? (
        found.data.length ? (
          <ul className="contact-results" aria-label={t('templates.preview.results')}>
            {found.data.map((c) => (
              <li key={c.id}>
                <button type="button" className="button-quiet" onClick={() => pick(c)}>
                  {c.name ?? c.username ?? c.id}
                  {c.username ? <span className="hint"> @{c.username}</span> : null}
                  {c.language ? <span className="hint"> · {c.language}</span> : null}
                </button>
              </li>
            ))}
          </ul>
        ) : (
          <p className="hint">{t('templates.preview.noContacts')}</p>
        )
      ) : null}
      {found.error ? (
        <p className="form-error">{t('error.generic', { message: found.error.message })}</p>
      ) : null}
      <label htmlFor="preview-language">{t('templates.preview.language')}</label>
      <select id="preview-language" value={props.language} onChange={(e) => props.onLanguage(e.target.value)}>
        <option value="">{t('templates.preview.contactLanguage')}</option>
        {props.languages.map((l) => (
          <option key={l} value={l}>
            {l}
          </option>
        ))}
      </select>
    </div>
  );
}
