import { useEffect, useMemo, useState } from 'react';
import { useI18n } from '../../../i18n/i18n.tsx';
import { type PreviewSource, usePreview, useTelegramTemplates } from '../create-api.ts';
import { type BroadcastDraft, buttonRows } from '../create-logic.ts';
import { AttachmentField } from './AttachmentField.tsx';
import { ButtonsEditor } from './ButtonsEditor.tsx';
import { TelegramPreview } from './TelegramPreview.tsx';

/** A language tag as an example, not a word to translate. */
const LANGUAGE_EXAMPLE = 'en';

/** A value that settles 400 ms after the last change, so the preview is not re-rendered on every key press. */
function useSettled<T>(value: T): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), 400);
    return () => clearTimeout(timer);
  }, [value]);
  return settled;
}

/** Step 2: a saved template or text written here (with language variants), buttons, and the preview as Telegram shows it. */
export function MessageStep({
  draft,
  change,
}: {
  draft: BroadcastDraft;
  change: (patch: Partial<BroadcastDraft>) => void;
}) {
  const { t } = useI18n();
  const templates = useTelegramTemplates();
  const [language, setLanguage] = useState('');
  const template = templates.data?.find((x) => x.id === draft.templateId);

  const source = useMemo<PreviewSource | null>(() => {
    const own = buttonRows(draft.buttons.filter((b) => b.text.trim() && b.value.trim()));
    if (draft.messageKind === 'template') {
      if (!template) return null;
      return {
        body: template.body,
        variants: template.variants ?? {},
        buttons: own.length ? own : template.buttons,
        // No sample data: a broadcast sends without `data`, and the preview must show what recipients will get.
      };
    }
    const variants = Object.fromEntries(
      draft.variants
        .filter((v) => v.language.trim() && v.body.trim())
        .map((v) => [v.language.trim(), v.body]),
    );
    return { body: draft.content, variants, buttons: own };
  }, [draft, template]);
  const settled = useSettled(source);
  const preview = usePreview(settled, language);
  const languages = Object.keys(source?.variants ?? {});

  const setVariant = (i: number, patch: Partial<BroadcastDraft['variants'][number]>) =>
    change({ variants: draft.variants.map((v, j) => (j === i ? { ...v, ...patch } : v)) });

  return (
    <fieldset className="card bc-message">
      <legend>{t('broadcasts.step.message')}</legend>
      <div className="bc-message-grid">
        <div>
          <div className="segmented" role="radiogroup" aria-label={t('broadcasts.message.kind')}>
            <label>
              <input
                type="radio"
                name="bc-message-kind"
                checked={draft.messageKind === 'inline'}
                onChange={() => change({ messageKind: 'inline' })}
              />
              {t('broadcasts.message.inline')}
            </label>
            <label>
              <input
                type="radio"
                name="bc-message-kind"
                checked={draft.messageKind === 'template'}
                onChange={() => change({ messageKind: 'template' })}
              />
              {t('broadcasts.message.template')}
            </label>
          </div>
          {draft.messageKind === 'template' ? (
            <>
              <label htmlFor="bc-template">{t('broadcasts.message.templateName')}</label>
              <select
                id="bc-template"
                value={draft.templateId}
                onChange={(e) => change({ templateId: e.target.value })}
              >
                <option value="">{t('broadcasts.create.choose')}</option>
                {(templates.data ?? []).map((x) => (
                  <option key={x.id} value={x.id}>
                    {x.name}
                  </option>
                ))}
              </select>
            </>
          ) : (
            <>
              <label htmlFor="bc-content">{t('broadcasts.message.text')}</label>
              <textarea
                id="bc-content"
                rows={6}
                value={draft.content}
                onChange={(e) => change({ content: e.target.value })}
              />
              <p className="hint">{t('broadcasts.message.textHint')}</p>
              {draft.variants.map((v, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: variants are edited in place by position
                <div key={i} className="bc-variant">
                  <label className="compact-field">
                    {t('broadcasts.message.language')}
                    <input
                      value={v.language}
                      size={6}
                      maxLength={10}
                      placeholder={LANGUAGE_EXAMPLE}
                      onChange={(e) => setVariant(i, { language: e.target.value })}
                    />
                  </label>
                  <textarea
                    rows={4}
                    aria-label={t('broadcasts.message.variantText', { language: v.language || '…' })}
                    value={v.body}
                    onChange={(e) => setVariant(i, { body: e.target.value })}
                  />
                  <button
                    type="button"
                    className="button-quiet"
                    onClick={() => change({ variants: draft.variants.filter((_, j) => j !== i) })}
                  >
                    {t('broadcasts.message.removeVariant')}
                  </button>
                </div>
              ))}
              <button
                type="button"
                onClick={() => change({ variants: [...draft.variants, { language: '', body: '' }] })}
              >
                {t('broadcasts.message.addVariant')}
              </button>
              {draft.variants.length > 0 ? (
                <p className="hint">{t('broadcasts.message.variantsHint')}</p>
              ) : null}
            </>
          )}
          <ButtonsEditor buttons={draft.buttons} onChange={(buttons) => change({ buttons })} />
          <AttachmentField attachment={draft.attachment} onChange={(attachment) => change({ attachment })} />
        </div>
        <div>
          <label htmlFor="bc-preview-language">{t('broadcasts.preview.language')}</label>
          <select id="bc-preview-language" value={language} onChange={(e) => setLanguage(e.target.value)}>
            <option value="">{t('broadcasts.preview.defaultLanguage')}</option>
            {languages.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
          <TelegramPreview
            rendered={preview.data}
            error={preview.error}
            loading={preview.isFetching}
            attachment={draft.attachment}
          />
          <p className="hint">{t('broadcasts.preview.hint')}</p>
        </div>
      </div>
    </fieldset>
  );
}
