import type { ReactNode } from 'react';
import { useI18n } from '../../../i18n/i18n.tsx';

/** A destructive button that asks first (the browser's own confirm: plain, keyboard-friendly, always on top). */
export function DangerButton({
  confirm,
  onConfirmed,
  children,
}: {
  confirm: string;
  onConfirmed: () => void;
  children: ReactNode;
}) {
  return (
    <button
      type="button"
      className="button-danger"
      onClick={() => {
        if (window.confirm(confirm)) onConfirmed();
      }}
    >
      {children}
    </button>
  );
}

/** Edit and delete for one row of a settings list. */
export function EditDeleteActions({
  onEdit,
  confirmDelete,
  onDelete,
}: {
  onEdit: () => void;
  confirmDelete: string;
  onDelete: () => void;
}) {
  const { t } = useI18n();
  return (
    <span className="row-actions">
      <button type="button" onClick={onEdit}>
        {t('settings.edit')}
      </button>
      <DangerButton confirm={confirmDelete} onConfirmed={onDelete}>
        {t('settings.delete')}
      </DangerButton>
    </span>
  );
}

/** Save (or create, for a new item) and, while editing an existing one, cancel. */
export function FormButtons({
  createLabel,
  existing,
  pending,
  onCancel,
}: {
  createLabel: string;
  existing: boolean;
  pending: boolean;
  onCancel?: () => void;
}) {
  const { t } = useI18n();
  return (
    <div className="form-buttons">
      <button type="submit" className="button-primary" disabled={pending}>
        {existing ? t('settings.save') : createLabel}
      </button>
      {onCancel ? (
        <button type="button" onClick={onCancel}>
          {t('settings.cancel')}
        </button>
      ) : null}
    </div>
  );
}
