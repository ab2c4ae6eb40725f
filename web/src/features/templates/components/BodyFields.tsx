import { useMemo } from 'react';
import { useI18n } from '../../../i18n/i18n.tsx';
import { type TemplateDraft, variantLanguages } from '../template-draft.ts';
import { FieldProblems } from './FieldProblems.tsx';

/** The default body and the language variants side by side; focus is reported so the variables panel knows where to insert. */
export function BodyFields(props: {
  draft: TemplateDraft;
  onChange: (next: TemplateDraft) => void;
  problems: Record<string, string[]>;
  disabled: boolean;
  onFocusField: (field: string, el: HTMLTextAreaElement) => void;
}) {
  const { t, locale } = useI18n();
  const { draft, onChange, problems, disabled, onFocusField } = props;
  const names = useMemo(() => new Intl.DisplayNames([locale], { type: 'language' }), [locale]);
  const languages = variantLanguages(draft);
  return (
    <div className="template-bodies">
      <div className="template-body">
        <label htmlFor="template-body">{t('templates.body.default')}</label>
        <textarea
          id="template-body"
          rows={10}
          value={draft.body}
          disabled={disabled}
          required
          aria-invalid={problems.body ? true : undefined}
          onFocus={(e) => onFocusField('body', e.currentTarget)}
          onChange={(e) => onChange({ ...draft, body: e.target.value })}
        />
        <p className="hint">{t('templates.body.defaultHint')}</p>
        <FieldProblems messages={problems.body} />
      </div>
      {languages.map((lang) => (
        <div className="template-body" key={lang}>
          <label htmlFor={`template-variant-${lang}`}>
            {t('templates.body.variant', { language: `${names.of(lang) ?? lang} (${lang})` })}
          </label>
          <textarea
            id={`template-variant-${lang}`}
            rows={10}
            value={draft.variants[lang] ?? ''}
            disabled={disabled}
            aria-invalid={problems[`variants.${lang}`] ? true : undefined}
            onFocus={(e) => onFocusField(`variants.${lang}`, e.currentTarget)}
            onChange={(e) => onChange({ ...draft, variants: { ...draft.variants, [lang]: e.target.value } })}
          />
          <p className="hint">{t('templates.body.variantHint')}</p>
          <FieldProblems messages={problems[`variants.${lang}`]} />
        </div>
      ))}
    </div>
  );
}
