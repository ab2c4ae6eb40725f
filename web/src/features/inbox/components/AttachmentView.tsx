import { useEffect, useState } from 'react';
import { useI18n } from '../../../i18n/i18n.tsx';
import { fetchBlob } from '../../../lib/api.ts';
import type { Attachment } from '../../../lib/types.ts';

const isImage = (a: Attachment) =>
  a.kind === 'photo' || (a.mimeType?.startsWith('image/') === true && a.mimeType !== 'image/svg+xml');

/**
 * A message's file. The bytes need the bearer token, so images are fetched into a blob: URL for preview, and other
 * files are fetched when asked for and saved under their own name.
 */
export function AttachmentView({ attachment }: { attachment: Attachment }) {
  const { t, fmt } = useI18n();
  const [preview, setPreview] = useState<string | null>(null);
  const stored = attachment.storageStatus === 'stored';
  const image = stored && isImage(attachment);

  useEffect(() => {
    if (!image) return;
    let url: string | null = null;
    let cancelled = false;
    fetchBlob(attachment.url)
      .then((blob) => {
        if (cancelled) return;
        url = URL.createObjectURL(blob);
        setPreview(url);
      })
      .catch(() => setPreview(null));
    return () => {
      cancelled = true;
      if (url) URL.revokeObjectURL(url);
    };
  }, [image, attachment.url]);

  if (attachment.storageStatus === 'pending')
    return <p className="attachment-note">{t('attachment.pending')}</p>;
  if (attachment.storageStatus === 'too_big')
    return <p className="attachment-note">{t('attachment.tooBig')}</p>;
  if (attachment.storageStatus === 'failed')
    return <p className="attachment-note">{t('attachment.failed')}</p>;

  const name = attachment.fileName ?? t('attachment.file');
  const download = async () => {
    const blob = await fetchBlob(attachment.url);
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };
  return (
    <div className="attachment">
      {image && preview ? <img src={preview} alt={attachment.fileName ?? t('attachment.image')} /> : null}
      <button type="button" className="button-quiet" onClick={download}>
        {t('attachment.download', { name })}
        {attachment.size ? <span className="hint"> · {fmt.fileSize(attachment.size)}</span> : null}
      </button>
    </div>
  );
}
