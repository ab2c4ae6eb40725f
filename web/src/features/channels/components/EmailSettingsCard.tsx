import { type FormEvent, useEffect, useState } from 'react';
import { useI18n } from '../../../i18n/i18n.tsx';
import { ApiError } from '../../../lib/api.ts';
import { fieldErrors, problemText } from '../../../lib/field-errors.ts';
import { useUpdateChannel } from '../api.ts';
import { type EmailForm, emailFormFromChannel, emailSettingsFromForm } from '../email-form.ts';
import type { ChannelDetail } from '../types.ts';
import { ChannelFormButtons } from './ChannelFormButtons.tsx';
import { EmailFields, emailErrorsByField } from './EmailFields.tsx';

const passwordSet = (v: unknown) =>
  typeof v === 'object' && v !== null && (v as { passwordSet?: unknown }).passwordSet === true;

/** A mailbox's sender, servers and passwords; changed servers are tried again by the API before it saves. */
export function EmailSettingsCard({ channel, writable }: { channel: ChannelDetail; writable: boolean }) {
  const { t } = useI18n();
  const update = useUpdateChannel(channel.id);
  const [form, setForm] = useState<EmailForm>(() => emailFormFromChannel(channel.name, channel.settings));
  const [errors, setErrors] = useState<ReturnType<typeof emailErrorsByField>>({});
  const [saved, setSaved] = useState(false);

  useEffect(() => setForm(emailFormFromChannel(channel.name, channel.settings)), [channel]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setErrors({});
    setSaved(false);
    update.mutate(
      { name: form.name.trim(), settings: emailSettingsFromForm(form, true) },
      {
        onSuccess: () => setSaved(true),
        onError: (err) =>
          setErrors(
            err instanceof ApiError && err.status !== 403
              ? emailErrorsByField(fieldErrors(err))
              : { '': problemText(err, t) },
          ),
      },
    );
  };
  const togglePause = () =>
    update.mutate(
      { status: channel.status === 'paused' ? 'active' : 'paused' },
      { onError: (err) => setErrors({ '': problemText(err, t) }) },
    );

  return (
    <section className="card" aria-labelledby="mailbox-title">
      <h2 id="mailbox-title">{t('settings.email.title')}</h2>
      <form onSubmit={submit}>
        <fieldset disabled={!writable}>
          <EmailFields
            prefix="email-edit"
            form={form}
            onChange={setForm}
            errors={errors}
            existing={{
              smtpPasswordSet: passwordSet(channel.settings.smtp),
              imapPasswordSet: passwordSet(channel.settings.imap),
            }}
          />
          <ChannelFormButtons
            saved={saved}
            writable={writable}
            pending={update.isPending}
            saveLabel={update.isPending ? t('settings.email.testing') : t('settings.save')}
            paused={channel.status === 'paused'}
            onTogglePause={togglePause}
          />
        </fieldset>
      </form>
    </section>
  );
}
