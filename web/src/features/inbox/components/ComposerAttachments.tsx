import { useRef, useState } from 'react';
import { useI18n } from '../../../i18n/i18n.tsx';
import { uploadAttachment } from '../api.ts';
import { MAX_ATTACHMENTS, type PendingUpload } from '../composer-logic.ts';

/** The composer's files: each uploads at once (so sending is quick), and is sent by id with the message. */
export function useUploads() {
  const [items, setItems] = useState<PendingUpload[]>([]);
  const seq = useRef(0);
  const patch = (key: string, change: Partial<PendingUpload>) =>
    setItems((list) => list.map((u) => (u.key === key ? { ...u, ...change } : u)));

  const add = (files: File[]) => {
    const room = MAX_ATTACHMENTS - items.length;
    for (const file of files.slice(0, Math.max(0, room))) {
      seq.current += 1;
      const key = `u${seq.current}`;
      setItems((list) => [...list, { key, name: file.name, size: file.size, status: 'uploading' }]);
      uploadAttachment(file).then(
        (a) => patch(key, { status: 'ready', attachmentId: a.id }),
        (err: Error) => patch(key, { status: 'failed', error: err.message }),
      );
    }
  };
  const remove = (key: string) => setItems((list) => list.filter((u) => u.key !== key));
  const clear = () => setItems([]);
  return { items, add, remove, clear };
}

/** The attached files with their upload state, each removable. */
export function Attachments({ uploads }: { uploads: ReturnType<typeof useUploads> }) {
  const { t, fmt } = useI18n();
  if (uploads.items.length === 0) return null;
  return (
    <ul className="composer-files" aria-label={t('inbox.attachments')}>
      {uploads.items.map((u) => (
        <li
          key={u.key}
          className={`composer-file file-${u.status}`}
          data-testid="composer-file"
          data-status={u.status}
        >
          <span className="file-name">{u.name}</span> <span className="hint">{fmt.fileSize(u.size)}</span>{' '}
          <span className={u.status === 'failed' ? 'form-error' : 'hint'}>
            {u.status === 'uploading'
              ? t('inbox.uploading')
              : u.status === 'failed'
                ? t('inbox.uploadFailed', { reason: u.error ?? '' })
                : t('inbox.uploaded')}
          </span>
          <button
            type="button"
            className="button-quiet"
            aria-label={t('inbox.removeFile', { name: u.name })}
            onClick={() => uploads.remove(u.key)}
          >
            ×
          </button>
        </li>
      ))}
    </ul>
  );
}
