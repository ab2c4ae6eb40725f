import { useI18n } from '../../../i18n/i18n.tsx';
import { SegmentFilterBuilder } from '../../segments/components/SegmentFilterBuilder.tsx';
import { useChannelOptions } from '../api.ts';
import { draftKey } from '../form-values.ts';
import {
  CONVERSATION_STATUSES,
  EVENT_OPS,
  type EventConditionDraft,
  type EventOp,
  hasConversation,
  problemAt,
  type RuleDraft,
} from '../rule-form.ts';
import { FieldProblem } from './FieldProblem.tsx';
import { EVENT_OP_LABEL, STATUS_LABEL } from './labels.ts';

/**
 * Conditions checked when a run starts: a contact filter (the segment builder), the triggering event's properties (event
 * triggers) and the conversation (conversation triggers). Kinds that cannot apply to the trigger are not offered.
 */
export function ConditionsFields(props: {
  draft: RuleDraft;
  onChange: (next: RuleDraft) => void;
  problems: ReadonlyArray<{ path?: string; message: string }>;
  fieldProblems: Record<string, string>;
  readOnly: boolean;
}) {
  const { t } = useI18n();
  const { draft, onChange, fieldProblems } = props;
  const setEvent = (event: EventConditionDraft[]) => onChange({ ...draft, event });
  const conv = draft.conversation;
  const setConv = (patch: Partial<RuleDraft['conversation']>) =>
    onChange({ ...draft, conversation: { ...conv, ...patch } });
  const channels = useChannelOptions();

  return (
    <fieldset className="card" disabled={props.readOnly} data-testid="conditions">
      <legend>{t('automations.section.conditions')}</legend>
      <p className="hint">{t('automations.hint.conditions')}</p>

      <h2>{t('automations.conditions.contact')}</h2>
      {draft.contact ? (
        <>
          <SegmentFilterBuilder
            value={draft.contact}
            onChange={(contact) => onChange({ ...draft, contact })}
            problems={props.problems}
            root="conditions.contact"
            readOnly={props.readOnly}
          />
          <button
            type="button"
            className="button-quiet"
            onClick={() => onChange({ ...draft, contact: null })}
          >
            {t('automations.conditions.removeContact')}
          </button>
        </>
      ) : (
        <button type="button" onClick={() => onChange({ ...draft, contact: { op: 'and', conditions: [] } })}>
          {t('automations.conditions.addContact')}
        </button>
      )}

      {draft.trigger.kind === 'event' || draft.event.length > 0 ? (
        <>
          <h2>{t('automations.conditions.event')}</h2>
          {draft.event.map((c, i) => (
            <div key={c.key} className="au-row au-event-condition">
              <div>
                <label htmlFor={`au-ec-${c.key}-property`}>{t('automations.field.property')}</label>
                <input
                  id={`au-ec-${c.key}-property`}
                  value={c.property}
                  placeholder={t('automations.placeholder.property')}
                  onChange={(e) =>
                    setEvent(draft.event.map((x, k) => (k === i ? { ...x, property: e.target.value } : x)))
                  }
                />
                <FieldProblem text={problemAt(fieldProblems, `conditions.event.${i}.property`)} />
              </div>
              <div>
                <label htmlFor={`au-ec-${c.key}-op`}>{t('automations.field.op')}</label>
                <select
                  id={`au-ec-${c.key}-op`}
                  value={c.op}
                  onChange={(e) =>
                    setEvent(
                      draft.event.map((x, k) => (k === i ? { ...x, op: e.target.value as EventOp } : x)),
                    )
                  }
                >
                  {EVENT_OPS.map((op) => (
                    <option key={op} value={op}>
                      {t(EVENT_OP_LABEL[op])}
                    </option>
                  ))}
                </select>
              </div>
              {c.op === 'exists' ? null : (
                <div>
                  <label htmlFor={`au-ec-${c.key}-value`}>{t('automations.field.value')}</label>
                  <input
                    id={`au-ec-${c.key}-value`}
                    inputMode={c.op === 'gt' || c.op === 'lt' ? 'decimal' : undefined}
                    value={c.value}
                    onChange={(e) =>
                      setEvent(draft.event.map((x, k) => (k === i ? { ...x, value: e.target.value } : x)))
                    }
                  />
                  <FieldProblem text={problemAt(fieldProblems, `conditions.event.${i}.value`)} />
                </div>
              )}
              <button
                type="button"
                className="button-quiet au-remove"
                aria-label={t('automations.conditions.removeEvent', { n: i + 1 })}
                onClick={() => setEvent(draft.event.filter((_, k) => k !== i))}
              >
                ×
              </button>
            </div>
          ))}
          <button
            type="button"
            onClick={() => setEvent([...draft.event, { key: draftKey(), property: '', op: 'eq', value: '' }])}
          >
            {t('automations.conditions.addEvent')}
          </button>
        </>
      ) : null}

      {hasConversation(draft.trigger) ? (
        <>
          <h2>{t('automations.conditions.conversation')}</h2>
          <fieldset>
            <legend className="au-sublegend">{t('automations.field.statuses')}</legend>
            <div className="segmented">
              {CONVERSATION_STATUSES.map((s) => (
                <label key={s}>
                  <input
                    type="checkbox"
                    checked={conv.status.includes(s)}
                    onChange={(e) =>
                      setConv({
                        status: e.target.checked ? [...conv.status, s] : conv.status.filter((x) => x !== s),
                      })
                    }
                  />
                  {t(STATUS_LABEL[s])}
                </label>
              ))}
            </div>
          </fieldset>
          {channels.data && channels.data.length > 0 ? (
            <fieldset>
              <legend className="au-sublegend">{t('automations.field.channels')}</legend>
              <div className="segmented">
                {channels.data.map((ch) => (
                  <label key={ch.id}>
                    <input
                      type="checkbox"
                      checked={conv.channelIds.includes(ch.id)}
                      onChange={(e) =>
                        setConv({
                          channelIds: e.target.checked
                            ? [...conv.channelIds, ch.id]
                            : conv.channelIds.filter((x) => x !== ch.id),
                        })
                      }
                    />
                    {ch.label}
                  </label>
                ))}
              </div>
            </fieldset>
          ) : null}
          <label htmlFor="au-conv-labels">{t('automations.field.labels')}</label>
          <input
            id="au-conv-labels"
            value={conv.labels}
            onChange={(e) => setConv({ labels: e.target.value })}
          />
          <p className="hint">{t('automations.hint.commaList')}</p>
          <FieldProblem text={problemAt(fieldProblems, 'conditions.conversation.labels')} />
          <label htmlFor="au-conv-text">{t('automations.field.textContains')}</label>
          <input
            id="au-conv-text"
            value={conv.textContains}
            onChange={(e) => setConv({ textContains: e.target.value })}
          />
          <FieldProblem text={problemAt(fieldProblems, 'conditions.conversation')} />
        </>
      ) : null}
    </fieldset>
  );
}
