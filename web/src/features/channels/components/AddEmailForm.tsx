import { type FormEvent, useState } from 'react';
import { useI18n } from '../../../i18n/i18n.tsx';
import { ApiError } from '../../../lib/api.ts';
import { fieldErrors, problemText } from '../../../lib/field-errors.ts';
import { Link } from '../../../lib/router.tsx';
import { useAddEmailChannel } from '../api.ts';
import { EMPTY_EMAIL_FORM, type EmailForm, emailSettingsFromForm } from '../email-form.ts';
import type { ChannelDetail } from '../types.ts';
import { EmailFields, emailErrorsByField } from './EmailFields.tsx';

/** Add a mailbox: the API logs in to SMTP (and IMAP) before saving, so a refused login shows on the password field. */
export function AddEmailForm() {
  const { t } = useI18n();
  const add = useAddEmailChannel();
  const [form, setForm] = useState<EmailForm>(EMPTY_EMAIL_FORM);
  const [errors, setErrors] = useState<ReturnType<typeof emailErrorsByField>>({});
  const [added, setAdded] = useState<ChannelDetail | null>(null);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setErrors({});
    setAdded(null);
    add.mutate(
      { name: form.name.trim(), settings: emailSettingsFromForm(form) },
      {
        onSuccess: (channel) => {
          setAdded(channel);
          setForm(EMPTY_EMAIL_FORM);
        },
        onError: (err) =>
          setErrors(
            err instanceof ApiError && err.status !== 403
              ? emailErrorsByField(fieldErrors(err))
              : { '': problemText(err, t) },
          ),
      },
    );
  };
  return (
    <form onSubmit={submit} className="email-form">
      <p className="hint">{t('settings.email.testedOnSave')}</p>
      <EmailFields prefix="email-new" form={form} onChange={setForm} errors={errors} />
      {added ? (
        <p className="form-ok" role="status">
          {t('settings.email.added', { address: String(added.settings.address ?? added.name) })}{' '}
          <Link to={`/settings/channels/${added.id}`}>{t('settings.channel.open')}</Link>
        </p>
      ) : null}
      <button type="submit" className="button-primary" disabled={add.isPending}>
        {add.isPending ? t('settings.email.testing') : t('settings.email.add')}
      </button>
    </form>
  );
}
