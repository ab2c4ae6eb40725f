import { useState } from 'react';
import { useI18n } from '../../../i18n/i18n.tsx';
import { usePermissions } from '../../../lib/me.ts';
import { uploadAttachment, useAttachment } from '../api.ts';
import { FieldProblems } from './FieldProblems.tsx';

/** The template's one attachment: upload a file (it goes out with every message), see its name, or remove it. */
export function AttachmentField(props: {
  attachmentId: string | null;
  onChange: (id: string | null) => void;
  problems: string[] | undefined;
  disabled: boolean;
}) {
  const { t } = useI18n();
  const meta = useAttachment(props.attachmentId);
  // Uploads are files to send, guarded like replies (conversations:write); other roles can keep or remove one.
  const canUpload = usePermissions()('conversations:write');
  const [uploading, setUploading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const onFile = async (file: File | undefined) => {
    if (!file) return;
    setUploading(true);
    setError(null);
    try {
      props.onChange((await uploadAttachment(file)).id);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setUploading(false);
    }
  };
  return (
    <fieldset className="card" disabled={props.disabled}>
      <legend>{t('templates.attachment.title')}</legend>
      {props.attachmentId ? (
        <p>
          <span data-testid="template-attachment">
            {meta.data?.fileName ?? meta.data?.kind ?? props.attachmentId}
          </span>{' '}
          <button type="button" className="button-quiet danger" onClick={() => props.onChange(null)}>
            {t('templates.attachment.remove')}
          </button>
        </p>
      ) : (
        <p className="hint">{t('templates.attachment.none')}</p>
      )}
      {canUpload ? (
        <>
          <label htmlFor="template-attachment-file">
            {t(props.attachmentId ? 'templates.attachment.replace' : 'templates.attachment.add')}
          </label>
          <input
            id="template-attachment-file"
            type="file"
            disabled={uploading}
            onChange={(e) => {
              void onFile(e.target.files?.[0]);
              e.target.value = '';
            }}
          />
        </>
      ) : (
        <p className="hint">{t('templates.attachment.noUpload')}</p>
      )}
      {uploading ? <p className="hint">{t('templates.attachment.uploading')}</p> : null}
      {error ? <p className="form-error">{t('error.generic', { message: error })}</p> : null}
      <FieldProblems messages={props.problems} />
    </fieldset>
  );
}
