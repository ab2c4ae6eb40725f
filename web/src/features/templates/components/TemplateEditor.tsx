import { type FormEvent, useRef, useState } from 'react';
import { useI18n } from '../../../i18n/i18n.tsx';
import { ApiError } from '../../../lib/api.ts';
import { usePermissions } from '../../../lib/me.ts';
import { Link, navigate } from '../../../lib/router.tsx';
import {
  type ContactOption,
  useAttachment,
  useDeleteTemplate,
  useRenderPreview,
  useSaveTemplate,
  useTemplate,
} from '../api.ts';
import {
  draftFromTemplate,
  emptyDraft,
  insertSnippet,
  parseSampleData,
  previewBody,
  problemsByField,
  saveBody,
  type Template,
  type TemplateDraft,
  variantLanguages,
} from '../template-draft.ts';
import { AttachmentField } from './AttachmentField.tsx';
import { BodyFields } from './BodyFields.tsx';
import { ButtonsEditor } from './ButtonsEditor.tsx';
import { FieldProblems } from './FieldProblems.tsx';
import { PreviewControls } from './PreviewControls.tsx';
import { SubjectFields } from './SubjectFields.tsx';
import { TelegramPreview } from './TelegramPreview.tsx';
import { VariablesHelp } from './VariablesHelp.tsx';

/** The sample contact's attributes (server/src/services/templates/variables.ts), shown until a real contact is picked. */
const SAMPLE_ATTRIBUTES = { city: '' };

/** The template just created here: the page reopens on its own address, and should still say it was saved. */
let justCreated: string | null = null;

/** /templates/new and /templates/:id (id or key). */
export function TemplateEditor({ id }: { id: string | null }) {
  const { t } = useI18n();
  const template = useTemplate(id);
  if (id && template.error)
    return (
      <p className="page-message form-error" role="alert">
        {template.error instanceof ApiError && template.error.status === 404
          ? t('app.notFound')
          : t('error.generic', { message: template.error.message })}
      </p>
    );
  if (id && !template.data) return <p className="page-message">{t('app.loading')}</p>;
  return <TemplateForm key={id ?? 'new'} template={template.data ?? null} />;
}

function TemplateForm({ template }: { template: Template | null }) {
  const { t } = useI18n();
  const can = usePermissions();
  const writable = can('templates:write');
  const [draft, setDraft] = useState<TemplateDraft>(template ? draftFromTemplate(template) : emptyDraft());
  const [contact, setContact] = useState<ContactOption | null>(null);
  const [language, setLanguage] = useState('');
  const [saveProblems, setSaveProblems] = useState<Record<string, string[]>>({});
  const [savedAt, setSavedAt] = useState<number | null>(() =>
    template !== null && template.id === justCreated ? Date.now() : null,
  );
  const focused = useRef<{ field: string; el: HTMLTextAreaElement } | null>(null);
  const save = useSaveTemplate();
  const remove = useDeleteTemplate();
  const attachment = useAttachment(draft.attachmentId);
  const preview = useRenderPreview(previewBody(draft, { contactId: contact?.id, language }));

  const change = (next: TemplateDraft) => {
    setDraft(next);
    setSaveProblems({});
    setSavedAt(null);
  };
  const previewProblems =
    preview.error instanceof ApiError && !preview.isPlaceholderData
      ? problemsByField(preview.error.details)
      : {};
  const problems = Object.keys(saveProblems).length ? saveProblems : previewProblems;
  const sample = parseSampleData(draft.sampleData);

  /** Puts a variable where the caret was in the body last edited (the default body if none was). */
  const insert = (snippet: string) => {
    const target = focused.current;
    const field = target?.field ?? 'body';
    const current = field === 'body' ? draft.body : (draft.variants[field.slice('variants.'.length)] ?? '');
    const start = target?.el.selectionStart ?? current.length;
    const end = target?.el.selectionEnd ?? current.length;
    const { text, caret } = insertSnippet(current, start, end, snippet);
    change(
      field === 'body'
        ? { ...draft, body: text }
        : { ...draft, variants: { ...draft.variants, [field.slice('variants.'.length)]: text } },
    );
    requestAnimationFrame(() => {
      target?.el.focus();
      target?.el.setSelectionRange(caret, caret);
    });
  };

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const body = saveBody(draft);
    if ('problem' in body) {
      setSaveProblems({ sampleData: [t('templates.sampleData.invalid')] });
      return;
    }
    try {
      const saved = await save.mutateAsync({ id: template?.id ?? null, body: body.body });
      setSavedAt(Date.now());
      if (!template) {
        justCreated = saved.id;
        navigate(`/templates/${saved.id}`, true);
      }
    } catch (err) {
      if (err instanceof ApiError && err.details.length) setSaveProblems(problemsByField(err.details));
    }
  };

  const onDelete = async () => {
    if (!template || !window.confirm(t('templates.deleteConfirm', { name: template.name }))) return;
    await remove.mutateAsync(template.id);
    navigate('/templates');
  };

  return (
    <div className="page template-editor">
      <p>
        <Link to="/templates">{t('templates.back')}</Link>
      </p>
      <h1>{template ? template.name : t('templates.new')}</h1>
      <form onSubmit={onSubmit}>
        <div className="template-meta">
          <div>
            <label htmlFor="template-name">{t('templates.name')}</label>
            <input
              id="template-name"
              value={draft.name}
              required
              maxLength={200}
              disabled={!writable}
              onChange={(e) => change({ ...draft, name: e.target.value })}
            />
            <FieldProblems messages={problems.name} />
          </div>
          <div>
            <label htmlFor="template-key">{t('templates.key')}</label>
            <input
              id="template-key"
              value={draft.key}
              maxLength={64}
              disabled={!writable || template?.builtIn}
              placeholder={t('templates.keyHint')}
              onChange={(e) => change({ ...draft, key: e.target.value })}
            />
            <FieldProblems messages={problems.key} />
          </div>
          <div>
            <label htmlFor="template-format">{t('templates.format')}</label>
            <select
              id="template-format"
              value={draft.format}
              disabled={!writable}
              onChange={(e) => change({ ...draft, format: e.target.value as TemplateDraft['format'] })}
            >
              <option value="telegram_html">{t('templates.format.telegram_html')}</option>
              <option value="text">{t('templates.format.text')}</option>
              <option value="email_html">{t('templates.format.email_html')}</option>
            </select>
          </div>
        </div>
        {draft.format === 'email_html' ? (
          <SubjectFields draft={draft} onChange={change} problems={problems} />
        ) : null}
        <BodyFields
          draft={draft}
          onChange={change}
          problems={problems}
          disabled={!writable}
          onFocusField={(field, el) => {
            focused.current = { field, el };
          }}
        />
        <div className="template-layout">
          <div className="template-side">
            <ButtonsEditor
              rows={draft.buttons}
              onChange={(buttons) => change({ ...draft, buttons })}
              problems={problems}
              disabled={!writable}
            />
            <AttachmentField
              attachmentId={draft.attachmentId}
              onChange={(attachmentId) => change({ ...draft, attachmentId })}
              problems={problems.attachmentId}
              disabled={!writable}
            />
            <details className="card">
              <summary>{t('templates.sampleData.title')}</summary>
              <label htmlFor="template-sample-data">{t('templates.sampleData.label')}</label>
              <textarea
                id="template-sample-data"
                rows={5}
                className="mono"
                value={draft.sampleData}
                disabled={!writable}
                onChange={(e) => change({ ...draft, sampleData: e.target.value })}
              />
              {'problem' in sample ? <p className="form-error">{t('templates.sampleData.invalid')}</p> : null}
              <FieldProblems messages={problems.sampleData} />
            </details>
            {writable ? (
              <div className="template-actions">
                <button type="submit" className="button-primary" disabled={save.isPending}>
                  {t('templates.save')}
                </button>
                {savedAt && !save.isPending ? (
                  <span className="form-ok" role="status">
                    {t('templates.saved')}
                  </span>
                ) : null}
                {template && !template.builtIn ? (
                  <button
                    type="button"
                    className="button-quiet danger"
                    onClick={onDelete}
                    disabled={remove.isPending}
                  >
                    {t('templates.delete')}
                  </button>
                ) : null}
              </div>
            ) : null}
            {Object.keys(saveProblems).length ? (
              <p className="form-error" role="alert">
                {t('templates.saveInvalid')}
              </p>
            ) : save.error && !(save.error instanceof ApiError && save.error.details.length) ? (
              <p className="form-error" role="alert">
                {t('error.generic', { message: save.error.message })}
              </p>
            ) : null}
          </div>
          <aside className="template-preview-column">
            <section className="card" aria-labelledby="template-preview-title" aria-busy={preview.isFetching}>
              <h2 id="template-preview-title">{t('templates.preview.title')}</h2>
              <PreviewControls
                contact={contact}
                onContact={setContact}
                language={language}
                onLanguage={setLanguage}
                languages={variantLanguages(draft)}
              />
              {preview.data ? (
                <TelegramPreview
                  preview={preview.data}
                  attachmentName={
                    draft.attachmentId ? (attachment.data?.fileName ?? attachment.data?.kind ?? '…') : null
                  }
                />
              ) : draft.body.trim() === '' ? (
                <p className="hint">{t('templates.preview.empty')}</p>
              ) : null}
              {preview.error && !preview.isPlaceholderData ? (
                <p className="form-error" data-testid="preview-error">
                  {preview.error instanceof ApiError && preview.error.status === 400
                    ? t('templates.preview.invalid')
                    : t('error.generic', { message: preview.error.message })}
                </p>
              ) : null}
            </section>
            <VariablesHelp
              attributes={contact ? contact.attributes : SAMPLE_ATTRIBUTES}
              sampleData={'data' in sample ? sample.data : {}}
              onInsert={insert}
            />
          </aside>
        </div>
      </form>
    </div>
  );
}
