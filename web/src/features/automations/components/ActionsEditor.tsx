import { useState } from 'react';
import { useI18n } from '../../../i18n/i18n.tsx';
import { type ActionType, CONTACT_ACTIONS, CONVERSATION_ACTIONS } from '../action-form.ts';
import {
  addAction,
  hasConversation,
  moveAction,
  problemAt,
  type RuleDraft,
  removeAction,
} from '../rule-form.ts';
import { ActionFields } from './ActionFields.tsx';
import { FieldProblem } from './FieldProblem.tsx';
import { ACTION_LABEL } from './labels.ts';

/** The rule's steps in order: each with its own inputs, moved up or down, removed; new ones added at the end. */
export function ActionsEditor(props: {
  draft: RuleDraft;
  onChange: (next: RuleDraft) => void;
  problems: Record<string, string>;
  readOnly: boolean;
}) {
  const { t } = useI18n();
  const { draft, onChange, problems } = props;
  const offered = hasConversation(draft.trigger)
    ? [...CONTACT_ACTIONS, ...CONVERSATION_ACTIONS]
    : CONTACT_ACTIONS;
  const [adding, setAdding] = useState<ActionType>('wait');
  const last = draft.actions.length - 1;

  return (
    <fieldset className="card" disabled={props.readOnly} data-testid="actions">
      <legend>{t('automations.section.actions')}</legend>
      <FieldProblem text={problems.actions} />
      <ol className="au-actions">
        {draft.actions.map((action, i) => (
          <li key={action.key} className="au-action" data-testid="action">
            <div className="au-action-head">
              <span className="au-step">{i + 1}</span>
              <strong>{action.type in ACTION_LABEL ? t(ACTION_LABEL[action.type]) : action.type}</strong>
              <span className="au-action-tools">
                <button
                  type="button"
                  disabled={i === 0}
                  aria-label={t('automations.action.moveUp', { n: i + 1 })}
                  onClick={() => onChange(moveAction(draft, i, -1))}
                >
                  ↑
                </button>
                <button
                  type="button"
                  disabled={i === last}
                  aria-label={t('automations.action.moveDown', { n: i + 1 })}
                  onClick={() => onChange(moveAction(draft, i, 1))}
                >
                  ↓
                </button>
                <button
                  type="button"
                  className="au-danger"
                  aria-label={t('automations.action.remove', { n: i + 1 })}
                  onClick={() => onChange(removeAction(draft, i))}
                >
                  ×
                </button>
              </span>
            </div>
            <ActionFields
              action={action}
              index={i}
              problems={problems}
              onChange={(next) =>
                onChange({ ...draft, actions: draft.actions.map((a, k) => (k === i ? next : a)) })
              }
            />
            <FieldProblem text={problemAt(problems, `actions.${i}.type`)} />
          </li>
        ))}
      </ol>
      <div className="au-add">
        <label htmlFor="au-add-type" className="visually-hidden">
          {t('automations.action.addType')}
        </label>
        <select id="au-add-type" value={adding} onChange={(e) => setAdding(e.target.value as ActionType)}>
          {offered.map((type) => (
            <option key={type} value={type}>
              {t(ACTION_LABEL[type])}
            </option>
          ))}
        </select>
        <button type="button" onClick={() => onChange(addAction(draft, adding))}>
          {t('automations.action.add')}
        </button>
      </div>
    </fieldset>
  );
}
