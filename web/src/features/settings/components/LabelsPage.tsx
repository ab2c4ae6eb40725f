import { type FormEvent, useState } from 'react';
import { useI18n } from '../../../i18n/i18n.tsx';
import { errorAt, type FieldErrors, fieldErrors, problemText } from '../../../lib/field-errors.ts';
import { usePermissions } from '../../../lib/me.ts';
import { LoadError, ProblemAlert } from '../../../lib/ProblemAlert.tsx';
import { useDeleteLabel, useLabels, useSaveLabel } from '../api.ts';
import type { Label } from '../types.ts';
import { FieldMessage } from './CopyField.tsx';
import { EditDeleteActions, FormButtons } from './ListParts.tsx';

const DEFAULT_COLOR = '#6b7280';

/** Conversation labels with their colours; a rename follows onto every conversation that has the label. */
export function LabelsPage() {
  const { t } = useI18n();
  const can = usePermissions();
  const labels = useLabels();
  const remove = useDeleteLabel();
  const [editing, setEditing] = useState<string | null>(null);
  const [problem, setProblem] = useState('');
  const writable = can('settings:write');
  return (
    <div className="page">
      <h1>{t('settings.labels.title')}</h1>
      {writable ? <LabelForm /> : null}
      <LoadError error={labels.error} />
      {labels.data?.length === 0 ? <p className="page-message">{t('settings.labels.empty')}</p> : null}
      <ul className="label-list">
        {labels.data?.map((label) =>
          editing === label.id ? (
            <li key={label.id}>
              <LabelForm label={label} onDone={() => setEditing(null)} />
            </li>
          ) : (
            <li key={label.id} className="label-row">
              <span className="swatch" style={{ background: label.color }} aria-hidden="true" />
              <span className="label-name">{label.name}</span>
              <span className="hint">{label.description}</span>
              {writable ? (
                <EditDeleteActions
                  onEdit={() => setEditing(label.id)}
                  confirmDelete={t('settings.labels.confirmDelete', { name: label.name })}
                  onDelete={() =>
                    remove.mutate(label.id, { onError: (err) => setProblem(problemText(err, t)) })
                  }
                />
              ) : null}
            </li>
          ),
        )}
      </ul>
      <ProblemAlert message={problem} />
    </div>
  );
}

function LabelForm({ label, onDone }: { label?: Label; onDone?: () => void }) {
  const { t } = useI18n();
  const save = useSaveLabel();
  const prefix = label ? `label-${label.id}` : 'label-new';
  const [name, setName] = useState(label?.name ?? '');
  const [color, setColor] = useState(label?.color ?? DEFAULT_COLOR);
  const [description, setDescription] = useState(label?.description ?? '');
  const [errors, setErrors] = useState<FieldErrors>({});

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setErrors({});
    save.mutate(
      { id: label?.id, name: name.trim(), color, description: description.trim() || null },
      {
        onSuccess: () => {
          if (!label) {
            setName('');
            setDescription('');
          }
          onDone?.();
        },
        onError: (err) => setErrors(fieldErrors(err)),
      },
    );
  };
  return (
    <form className="card narrow" onSubmit={submit}>
      <h2>{label ? t('settings.labels.edit', { name: label.name }) : t('settings.labels.create')}</h2>
      <div className="field-row">
        <div className="grow">
          <label htmlFor={`${prefix}-name`}>{t('settings.name')}</label>
          <input
            id={`${prefix}-name`}
            required
            maxLength={100}
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </div>
        <div>
          <label htmlFor={`${prefix}-color`}>{t('settings.labels.color')}</label>
          <input
            id={`${prefix}-color`}
            type="color"
            className="color-input"
            value={color}
            onChange={(e) => setColor(e.target.value)}
          />
        </div>
      </div>
      <FieldMessage id={`${prefix}-name-error`} message={errorAt(errors, 'name')} />
      <FieldMessage id={`${prefix}-color-error`} message={errorAt(errors, 'color')} />
      <label htmlFor={`${prefix}-description`}>{t('settings.description')}</label>
      <input
        id={`${prefix}-description`}
        maxLength={500}
        value={description}
        onChange={(e) => setDescription(e.target.value)}
      />
      <FieldMessage id={`${prefix}-description-error`} message={errorAt(errors, 'description')} />
      <FieldMessage id={`${prefix}-error`} message={errors['']} />
      <FormButtons
        createLabel={t('settings.labels.create')}
        existing={!!label}
        pending={save.isPending}
        onCancel={onDone}
      />
    </form>
  );
}
