import { useEffect, useState } from 'react';
import { useI18n } from '../../../i18n/i18n.tsx';
import { usePermissions } from '../../../lib/me.ts';
import { uploadBroadcastFile, useAttachmentMeta } from '../create-api.ts';
import type { DraftAttachment } from '../create-logic.ts';

/**
 * The broadcast's one file: upload a photo or any file (it goes out with every message), see its name, or remove it. Uploads
 * need conversations:write (files to send are guarded like replies): other roles are told why and may keep or remove one.
 */
export function AttachmentField(props: {
  attachment: DraftAttachment | null;
  onChange: (attachment: DraftAttachment | null) => void;
}) {
  const { t } = useI18n();
  const canUpload = usePermissions()('conversations:write');
  // A draft opened for editing knows only the file's id: its name is read once.
  const meta = useAttachmentMeta(props.attachment && !props.attachment.name ? props.attachment.id : null);
  const [uploading, setUploading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { attachment, onChange } = props;
  useEffect(() => {
    if (meta.data && attachment && !attachment.name && meta.data.id === attachment.id)
      onChange({ ...attachment, name: meta.data.fileName ?? meta.data.kind, kind: meta.data.kind });
  }, [meta.data, attachment, onChange]);
  const name = attachment?.name || attachment?.id;
  const kind = attachment?.kind;

  const onFile = async (file: File | undefined) => {
    if (!file) return;
    setUploading(true);
    setError(null);
    try {
      props.onChange(await uploadBroadcastFile(file));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setUploading(false);
    }
  };

  return (
    <fieldset className="bc-attachment">
      <legend>{t('broadcasts.attachment.title')}</legend>
      {props.attachment ? (
        <p>
          <span data-testid="broadcast-attachment">
            {name}
            {kind ? (
              <span className="hint">
                {' · '}
                {kind === 'photo'
                  ? t('broadcasts.attachment.kindPhoto')
                  : t('broadcasts.attachment.kindDocument')}
              </span>
            ) : null}
          </span>{' '}
          <button type="button" className="button-quiet" onClick={() => props.onChange(null)}>
            {t('broadcasts.attachment.remove')}
          </button>
        </p>
      ) : (
        <p className="hint">{t('broadcasts.attachment.none')}</p>
      )}
      {canUpload ? (
        <>
          <label htmlFor="bc-attachment-file">
            {t(props.attachment ? 'broadcasts.attachment.replace' : 'broadcasts.attachment.add')}
          </label>
          <input
            id="bc-attachment-file"
            type="file"
            disabled={uploading}
            onChange={(e) => {
              void onFile(e.target.files?.[0]);
              e.target.value = '';
            }}
          />
          <p className="hint">{t('broadcasts.attachment.hint')}</p>
        </>
      ) : (
        <p className="hint">{t('broadcasts.attachment.noUpload')}</p>
      )}
      {uploading ? <p className="hint">{t('broadcasts.attachment.uploading')}</p> : null}
      {error ? (
        <p className="form-error" role="alert">
          {t('error.generic', { message: error })}
        </p>
      ) : null}
    </fieldset>
  );
}
