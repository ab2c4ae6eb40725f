import { type FormEvent, useEffect, useState } from 'react';
import { useI18n } from '../../../i18n/i18n.tsx';
import { ApiError } from '../../../lib/api.ts';
import { problemText } from '../../../lib/field-errors.ts';
import { useMe, usePermissions } from '../../../lib/me.ts';
import { Link, navigate } from '../../../lib/router.tsx';
import { useAutomation, useDeleteAutomation, useSaveAutomation } from '../api.ts';
import {
  emptyRule,
  localName,
  problemAt,
  problemsByField,
  type RuleDraft,
  ruleFromApi,
  ruleToApi,
} from '../rule-form.ts';
import { ActionsEditor } from './ActionsEditor.tsx';
import { ConditionsFields } from './ConditionsFields.tsx';
import { DryRunPanel } from './DryRunPanel.tsx';
import { FieldProblem } from './FieldProblem.tsx';
import { RunLog } from './RunLog.tsx';
import { TriggerFields } from './TriggerFields.tsx';

/** Creates or edits a rule: trigger, conditions, ordered actions; then the dry run and the run log of a saved rule. */
export function RuleEditor({ id }: { id: string | null }) {
  const { t, locale } = useI18n();
  const can = usePermissions();
  const me = useMe();
  const rule = useAutomation(id);
  const save = useSaveAutomation();
  const remove = useDeleteAutomation();
  const [draft, setDraft] = useState<RuleDraft | null>(null);
  const [saved, setSaved] = useState(false);
  const readOnly = !can('automations:write');
  const zone = me.data?.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;

  useEffect(() => {
    if (id === null && draft === null) setDraft(emptyRule(zone));
    else if (rule.data && draft === null) setDraft(ruleFromApi(rule.data));
  }, [id, rule.data, draft, zone]);

  if (id !== null && rule.isError)
    return <p className="page-message form-error">{problemText(rule.error, t)}</p>;
  if (!draft) return <p className="page-message">{t('app.loading')}</p>;

  const problems = save.error instanceof ApiError ? problemsByField(save.error.details) : {};
  const general =
    save.error && Object.keys(problems).every((k) => k === '') ? problemText(save.error, t) : undefined;
  const change = (next: RuleDraft) => {
    setDraft(next);
    setSaved(false);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate(
      { id, body: ruleToApi(draft) },
      {
        onSuccess: (out) => {
          setSaved(true);
          if (id === null) navigate(`/automations/${out.id}`, true);
        },
      },
    );
  };
  const builtin = rule.data?.builtinKey ?? null;
  const title =
    id === null ? t('automations.newTitle') : builtin ? localName(draft.name, locale) : draft.name;

  return (
    <div className="page automations au-editor">
      <p>
        <Link to="/automations">{t('automations.back')}</Link>
      </p>
      <h1>{title || t('automations.untitled')}</h1>
      {builtin && rule.data?.description ? (
        <p className="hint">{localName(rule.data.description, locale)}</p>
      ) : null}
      <form onSubmit={submit} noValidate>
        <fieldset className="card" disabled={readOnly}>
          <legend>{t('automations.section.rule')}</legend>
          <label htmlFor="au-name">{t('automations.field.name')}</label>
          <input
            id="au-name"
            value={draft.name}
            maxLength={200}
            onChange={(e) => change({ ...draft, name: e.target.value })}
          />
          <FieldProblem text={problemAt(problems, 'name')} />
          <label htmlFor="au-description">{t('automations.field.description')}</label>
          <textarea
            id="au-description"
            rows={2}
            value={draft.description}
            onChange={(e) => change({ ...draft, description: e.target.value })}
          />
          <label className="switch">
            <input
              type="checkbox"
              role="switch"
              aria-checked={draft.enabled}
              checked={draft.enabled}
              onChange={(e) => change({ ...draft, enabled: e.target.checked })}
            />
            <span>{t('automations.field.enabled')}</span>
          </label>
        </fieldset>
        <TriggerFields
          value={draft.trigger}
          onChange={(trigger) => change({ ...draft, trigger })}
          problems={problems}
          readOnly={readOnly}
        />
        <ConditionsFields
          draft={draft}
          onChange={change}
          problems={save.error instanceof ApiError ? save.error.details : []}
          fieldProblems={problems}
          readOnly={readOnly}
        />
        <ActionsEditor draft={draft} onChange={change} problems={problems} readOnly={readOnly} />
        {general ? (
          <p className="form-error" role="alert">
            {general}
          </p>
        ) : null}
        {Object.keys(problems).length > 0 && !general ? (
          // Also listed here with their paths: a problem on a part without its own input still shows somewhere.
          <div className="form-error" role="alert">
            <p>{t('automations.fixFields')}</p>
            <ul className="au-problems">
              {Object.entries(problems).map(([path, message]) => (
                <li key={path}>
                  <code>{path}</code> {message}
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        {saved ? (
          <p className="form-ok" role="status">
            {t('automations.saved')}
          </p>
        ) : null}
        {readOnly ? null : (
          <div className="au-buttons">
            <button type="submit" className="button-primary" disabled={save.isPending}>
              {t('automations.save')}
            </button>
            {id && !builtin ? (
              <button
                type="button"
                className="button-quiet au-danger"
                disabled={remove.isPending}
                onClick={() => {
                  if (!window.confirm(t('automations.deleteConfirm'))) return;
                  remove.mutate(id, { onSuccess: () => navigate('/automations') });
                }}
              >
                {t('automations.delete')}
              </button>
            ) : null}
          </div>
        )}
      </form>
      {id ? (
        <>
          <DryRunPanel id={id} draft={draft} />
          <RunLog id={id} />
        </>
      ) : null}
    </div>
  );
}
