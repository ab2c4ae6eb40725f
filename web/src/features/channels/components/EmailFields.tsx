import type { MessageKey } from '../../../i18n/en.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import type { FieldErrors } from '../../../lib/field-errors.ts';
import { EMAIL_FIELD_BY_PATH, type EmailForm, secureForSmtpPort } from '../email-form.ts';

/** API errors keyed by form field (`settings/smtp/password` → `smtpPassword`); the rest under ''. */
export function emailErrorsByField(errors: FieldErrors): Partial<Record<keyof EmailForm | '', string>> {
  const out: Partial<Record<keyof EmailForm | '', string>> = {};
  for (const [path, message] of Object.entries(errors)) {
    const field = EMAIL_FIELD_BY_PATH[path] ?? '';
    out[field] = out[field] ? `${out[field]}; ${message}` : message;
  }
  return out;
}

interface Props {
  prefix: string;
  form: EmailForm;
  onChange: (form: EmailForm) => void;
  errors: Partial<Record<keyof EmailForm | '', string>>;
  /** Editing a stored mailbox: empty passwords keep the stored ones. */
  existing?: { smtpPasswordSet: boolean; imapPasswordSet: boolean };
}

/** The mailbox fields (sender, SMTP, how mail comes in, IMAP), each showing the API's message for it. */
export function EmailFields({ prefix, form, onChange, errors, existing }: Props) {
  const { t } = useI18n();
  const set = (patch: Partial<EmailForm>) => onChange({ ...form, ...patch });
  const text = (field: keyof EmailForm, label: MessageKey, extra: Record<string, unknown> = {}) => {
    const id = `${prefix}-${field}`;
    const error = errors[field];
    return (
      <div className="field">
        <label htmlFor={id}>{t(label)}</label>
        <input
          id={id}
          value={String(form[field])}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
          onChange={(e) => set({ [field]: e.target.value } as Partial<EmailForm>)}
          {...extra}
        />
        {error ? (
          <p id={`${id}-error`} className="field-error" role="alert">
            {error}
          </p>
        ) : null}
      </div>
    );
  };
  const keepHint = (isSet: boolean | undefined) =>
    isSet ? { placeholder: t('settings.email.passwordKept') } : {};

  return (
    <>
      {text('name', 'channels.name', { required: true, maxLength: 100 })}
      {text('address', 'settings.email.address', { required: true, type: 'email' })}
      {text('fromName', 'settings.email.fromName')}
      <fieldset className="subfields">
        <legend>{t('settings.email.smtp')}</legend>
        <div className="field-row">
          <div className="grow">{text('smtpHost', 'settings.email.host', { required: true })}</div>
          <div className="field">
            <label htmlFor={`${prefix}-smtpPort`}>{t('settings.email.port')}</label>
            <input
              id={`${prefix}-smtpPort`}
              inputMode="numeric"
              className="short-input"
              value={form.smtpPort}
              aria-invalid={errors.smtpPort ? true : undefined}
              onChange={(e) =>
                set({
                  smtpPort: e.target.value,
                  smtpSecure: secureForSmtpPort(e.target.value, form.smtpSecure),
                })
              }
            />
          </div>
        </div>
        {errors.smtpPort ? (
          <p className="field-error" role="alert">
            {errors.smtpPort}
          </p>
        ) : null}
        <label className="check">
          <input
            type="checkbox"
            checked={form.smtpSecure}
            onChange={(e) => set({ smtpSecure: e.target.checked })}
          />
          {t('settings.email.secure')}
        </label>
        {text('smtpUser', 'settings.email.user', { autoComplete: 'off' })}
        {text('smtpPassword', 'settings.email.password', {
          type: 'password',
          autoComplete: 'new-password',
          ...keepHint(existing?.smtpPasswordSet),
        })}
      </fieldset>
      <label htmlFor={`${prefix}-inbound`}>{t('settings.email.inbound')}</label>
      <select
        id={`${prefix}-inbound`}
        value={form.inbound}
        onChange={(e) => set({ inbound: e.target.value as EmailForm['inbound'] })}
      >
        <option value="imap">{t('settings.email.inboundImap')}</option>
        <option value="smtp">{t('settings.email.inboundSmtp')}</option>
        <option value="none">{t('settings.email.inboundNone')}</option>
      </select>
      {errors.inbound ? (
        <p className="field-error" role="alert">
          {errors.inbound}
        </p>
      ) : null}
      {form.inbound === 'imap' ? (
        <fieldset className="subfields">
          <legend>{t('settings.email.imap')}</legend>
          <div className="field-row">
            <div className="grow">{text('imapHost', 'settings.email.host', { required: true })}</div>
            <div>
              {text('imapPort', 'settings.email.port', { inputMode: 'numeric', className: 'short-input' })}
            </div>
          </div>
          <label className="check">
            <input
              type="checkbox"
              checked={form.imapSecure}
              onChange={(e) => set({ imapSecure: e.target.checked })}
            />
            {t('settings.email.secure')}
          </label>
          {text('imapUser', 'settings.email.user', { autoComplete: 'off', required: true })}
          {text('imapPassword', 'settings.email.password', {
            type: 'password',
            autoComplete: 'new-password',
            ...keepHint(existing?.imapPasswordSet),
          })}
          {text('imapMailbox', 'settings.email.mailbox')}
        </fieldset>
      ) : null}
      {errors[''] ? (
        <p className="form-error" role="alert">
          {errors['']}
        </p>
      ) : null}
    </>
  );
}
