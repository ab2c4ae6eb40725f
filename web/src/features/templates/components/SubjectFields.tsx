import { useI18n } from '../../../i18n/i18n.tsx';
import { SIDE_BY_SIDE, type TemplateDraft } from '../template-draft.ts';
import { FieldProblems } from './FieldProblems.tsx';

/** An email template's subject and its ru/en variants (notifications use the variant of the body's language). */
export function SubjectFields(props: {
  draft: TemplateDraft;
  onChange: (next: TemplateDraft) => void;
  problems: Record<string, string[]>;
}) {
  const { t } = useI18n();
  const { draft, onChange, problems } = props;
  return (
    <div className="template-subjects">
      <div>
        <label htmlFor="template-subject">{t('templates.subject')}</label>
        <input
          id="template-subject"
          value={draft.subject}
          maxLength={500}
          onChange={(e) => onChange({ ...draft, subject: e.target.value })}
        />
        <FieldProblems messages={problems.subject} />
      </div>
      {SIDE_BY_SIDE.map((lang) => (
        <div key={lang}>
          <label htmlFor={`template-subject-${lang}`}>{t('templates.subjectIn', { language: lang })}</label>
          <input
            id={`template-subject-${lang}`}
            value={draft.subjectVariants[lang] ?? ''}
            maxLength={500}
            onChange={(e) =>
              onChange({ ...draft, subjectVariants: { ...draft.subjectVariants, [lang]: e.target.value } })
            }
          />
          <FieldProblems messages={problems[`subjectVariants.${lang}`]} />
        </div>
      ))}
    </div>
  );
}
