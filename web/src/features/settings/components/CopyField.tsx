import { useState } from 'react';
import { useI18n } from '../../../i18n/i18n.tsx';

/** A read-only value (a secret shown once, a sign-in link) with a copy button that says when it worked. */
export function CopyField({ id, label, value }: { id: string; label: string; value: string }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState<boolean | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
    } catch {
      // Clipboard access needs a secure context or a permission; the value stays selectable by hand.
      setCopied(false);
    }
  };
  return (
    <div className="copy-field">
      <label htmlFor={id}>{label}</label>
      <div className="copy-row">
        <input id={id} readOnly value={value} onFocus={(e) => e.target.select()} spellCheck={false} />
        <button type="button" onClick={copy}>
          {t('settings.copy')}
        </button>
      </div>
      {copied === true ? (
        <p className="form-ok" role="status">
          {t('settings.copied')}
        </p>
      ) : null}
      {copied === false ? (
        <p className="hint" role="status">
          {t('settings.copyManually')}
        </p>
      ) : null}
    </div>
  );
}

/** A field's API message under it, tied to the input by `id` (aria-describedby) so screen readers read it too. */
export function FieldMessage({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <p id={id} className="field-error" role="alert">
      {message}
    </p>
  );
}
