import { type FormEvent, useState } from 'react';
import { useI18n } from '../../../i18n/i18n.tsx';
import { errorAt, type FieldErrors, fieldErrors, problemText } from '../../../lib/field-errors.ts';
import { usePermissions } from '../../../lib/me.ts';
import { LoadError, ProblemAlert } from '../../../lib/ProblemAlert.tsx';
import { TelegramHtml } from '../../../lib/TelegramHtml.tsx';
import { useCannedResponses, useDeleteCannedResponse, useSaveCannedResponse } from '../api.ts';
import type { CannedResponseRow } from '../types.ts';
import { FieldMessage } from './CopyField.tsx';
import { EditDeleteActions, FormButtons } from './ListParts.tsx';

/** Shared reply snippets: typed `/shortcut` in the composer; content is Telegram HTML with Liquid variables. */
export function CannedResponsesPage() {
  const { t } = useI18n();
  const can = usePermissions();
  const canned = useCannedResponses();
  const remove = useDeleteCannedResponse();
  const [editing, setEditing] = useState<string | null>(null);
  const [filter, setFilter] = useState('');
  const [problem, setProblem] = useState('');
  const writable = can('settings:write');
  const needle = filter.trim().toLowerCase();
  const rows = (canned.data ?? []).filter(
    (c) => !needle || c.shortCode.toLowerCase().includes(needle) || c.content.toLowerCase().includes(needle),
  );
  return (
    <div className="page">
      <h1>{t('settings.canned.title')}</h1>
      {writable ? <CannedForm /> : null}
      <label htmlFor="canned-filter" className="visually-hidden">
        {t('settings.canned.search')}
      </label>
      <input
        id="canned-filter"
        type="search"
        className="narrow"
        placeholder={t('settings.canned.search')}
        value={filter}
        onChange={(e) => setFilter(e.target.value)}
      />
      <LoadError error={canned.error} />
      {canned.data?.length === 0 ? <p className="page-message">{t('settings.canned.empty')}</p> : null}
      <ul className="canned-list">
        {rows.map((c) =>
          editing === c.id ? (
            <li key={c.id}>
              <CannedForm canned={c} onDone={() => setEditing(null)} />
            </li>
          ) : (
            <li key={c.id} className="card">
              <div className="card-head">
                <h2>
                  <code>/{c.shortCode}</code>
                </h2>
                {writable ? (
                  <EditDeleteActions
                    onEdit={() => setEditing(c.id)}
                    confirmDelete={t('settings.canned.confirmDelete', { code: c.shortCode })}
                    onDelete={() =>
                      remove.mutate(c.id, { onError: (err) => setProblem(problemText(err, t)) })
                    }
                  />
                ) : null}
              </div>
              <div className="canned-preview">
                <TelegramHtml html={c.content} />
              </div>
            </li>
          ),
        )}
      </ul>
      <ProblemAlert message={problem} />
    </div>
  );
}

/** Creates or changes a canned response, with a live preview of how Telegram shows its HTML. */
function CannedForm({ canned, onDone }: { canned?: CannedResponseRow; onDone?: () => void }) {
  const { t } = useI18n();
  const save = useSaveCannedResponse();
  const prefix = canned ? `canned-${canned.id}` : 'canned-new';
  const [shortCode, setShortCode] = useState(canned?.shortCode ?? '');
  const [content, setContent] = useState(canned?.content ?? '');
  const [errors, setErrors] = useState<FieldErrors>({});

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setErrors({});
    save.mutate(
      { id: canned?.id, shortCode: shortCode.trim().replace(/^\//, ''), content },
      {
        onSuccess: () => {
          if (!canned) {
            setShortCode('');
            setContent('');
          }
          onDone?.();
        },
        onError: (err) => setErrors(fieldErrors(err)),
      },
    );
  };
  return (
    <form className="card" onSubmit={submit}>
      <h2>{canned ? t('settings.canned.edit', { code: canned.shortCode }) : t('settings.canned.create')}</h2>
      <label htmlFor={`${prefix}-code`}>{t('settings.canned.shortCode')}</label>
      <input
        id={`${prefix}-code`}
        required
        maxLength={51}
        className="narrow"
        value={shortCode}
        onChange={(e) => setShortCode(e.target.value)}
      />
      <FieldMessage id={`${prefix}-code-error`} message={errorAt(errors, 'shortCode')} />
      <div className="editor-preview">
        <div>
          <label htmlFor={`${prefix}-content`}>{t('settings.canned.content')}</label>
          <textarea
            id={`${prefix}-content`}
            required
            rows={6}
            value={content}
            onChange={(e) => setContent(e.target.value)}
          />
          <p className="hint">{t('settings.canned.variablesHint')}</p>
          <FieldMessage id={`${prefix}-content-error`} message={errorAt(errors, 'content')} />
        </div>
        <div>
          <p className="preview-title">{t('settings.canned.preview')}</p>
          <div className="canned-preview" data-testid="canned-preview">
            {content.trim() ? (
              <TelegramHtml html={content} />
            ) : (
              <span className="hint">{t('settings.canned.previewEmpty')}</span>
            )}
          </div>
        </div>
      </div>
      <FieldMessage id={`${prefix}-error`} message={errors['']} />
      <FormButtons
        createLabel={t('settings.canned.create')}
        existing={!!canned}
        pending={save.isPending}
        onCancel={onDone}
      />
    </form>
  );
}
