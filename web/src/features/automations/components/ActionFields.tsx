import type { ReactNode } from 'react';
import { useI18n } from '../../../i18n/i18n.tsx';
import { type ActionDraft, type AttributeType, PRIORITIES } from '../action-form.ts';
import { problemAt } from '../rule-form.ts';
import {
  AssignFields,
  BroadcastFields,
  CouponFields,
  LabelField,
  NotificationFields,
  WaitFields,
} from './ActionParts.tsx';
import { FieldProblem } from './FieldProblem.tsx';
import { PRIORITY_LABEL } from './labels.ts';

/** The typed inputs of one action; each problem the API names (`actions[i].field`) shows under its input. */
export function ActionFields(props: {
  action: ActionDraft;
  index: number;
  problems: Record<string, string>;
  onChange: (next: ActionDraft) => void;
}) {
  const { t } = useI18n();
  const { action: a, index } = props;
  const id = (field: string) => `au-a-${a.key}-${field}`;
  const problem = (field: string) => (
    <FieldProblem text={problemAt(props.problems, `actions.${index}.${field}`)} />
  );
  const setV = (patch: Record<string, string>) => props.onChange({ ...a, v: { ...a.v, ...patch } });
  const setOn = (field: string, on: boolean) => props.onChange({ ...a, on: { ...a.on, [field]: on } });
  const text = (
    field: string,
    label: string,
    opts: { multiline?: boolean; hint?: string; apiField?: string } = {},
  ) => (
    <div>
      <label htmlFor={id(field)}>{label}</label>
      {opts.multiline ? (
        <textarea
          id={id(field)}
          rows={3}
          value={a.v[field] ?? ''}
          onChange={(e) => setV({ [field]: e.target.value })}
        />
      ) : (
        <input id={id(field)} value={a.v[field] ?? ''} onChange={(e) => setV({ [field]: e.target.value })} />
      )}
      {opts.hint ? <p className="hint">{opts.hint}</p> : null}
      {problem(opts.apiField ?? field)}
    </div>
  );
  const check = (field: string, label: string) => (
    <label className="compact-field">
      <input
        type="checkbox"
        checked={Boolean(a.on[field])}
        onChange={(e) => setOn(field, e.target.checked)}
      />
      {label}
    </label>
  );
  const row = (...children: ReactNode[]) => <div className="au-row">{children}</div>;

  switch (a.type) {
    case 'send_notification':
      return (
        <NotificationFields a={a} id={id} setV={setV} problem={problem}>
          {text('data', t('automations.field.data'), { hint: t('automations.hint.data') })}
        </NotificationFields>
      );
    case 'wait':
      return <WaitFields a={a} id={id} setV={setV} problem={problem} />;
    case 'stop_if_event':
      return (
        <>
          {text('event', t('automations.field.eventName'))}
          {check('sameOccurrence', t('automations.field.sameOccurrence'))}
        </>
      );
    case 'add_tags':
    case 'remove_tags':
      return text('tags', t('automations.field.tags'), { hint: t('automations.hint.commaList') });
    case 'set_attribute':
      return row(
        <div key="k">{text('key', t('automations.field.attributeKey'))}</div>,
        <div key="t">
          <label htmlFor={id('valueType')}>{t('automations.field.valueType')}</label>
          <select
            id={id('valueType')}
            value={a.v.valueType}
            onChange={(e) => setV({ valueType: e.target.value as AttributeType })}
          >
            <option value="text">{t('automations.valueType.text')}</option>
            <option value="number">{t('automations.valueType.number')}</option>
            <option value="boolean">{t('automations.valueType.boolean')}</option>
            <option value="null">{t('automations.valueType.null')}</option>
          </select>
        </div>,
        a.v.valueType === 'null' ? null : a.v.valueType === 'boolean' ? (
          <div key="v">
            <label htmlFor={id('value')}>{t('automations.field.value')}</label>
            <select
              id={id('value')}
              value={a.v.value === 'true' ? 'true' : 'false'}
              onChange={(e) => setV({ value: e.target.value })}
            >
              <option value="true">{t('automations.yes')}</option>
              <option value="false">{t('automations.no')}</option>
            </select>
          </div>
        ) : (
          <div key="v">{text('value', t('automations.field.value'))}</div>
        ),
      );
    case 'issue_coupon':
      return <CouponFields a={a} id={id} setV={setV} problem={problem} check={check} />;
    case 'assign_conversation':
      return <AssignFields a={a} id={id} setV={setV} problem={problem} />;
    case 'set_priority':
      return (
        <>
          <label htmlFor={id('priority')}>{t('automations.field.priority')}</label>
          <select
            id={id('priority')}
            value={a.v.priority}
            onChange={(e) => setV({ priority: e.target.value })}
          >
            {PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {t(PRIORITY_LABEL[p]!)}
              </option>
            ))}
          </select>
          {problem('priority')}
        </>
      );
    case 'add_label':
      return <LabelField a={a} id={id} setV={setV} problem={problem} />;
    case 'send_reply':
      return text('text', t('automations.field.replyText'), { multiline: true });
    case 'add_note':
      return text('text', t('automations.field.noteText'), { multiline: true });
    case 'webhook':
      return row(
        <div key="u">{text('url', t('automations.field.url'))}</div>,
        <div key="s">
          {text('secret', t('automations.field.secret'), { hint: t('automations.hint.secret') })}
        </div>,
      );
    case 'notify_staff':
      return (
        <>
          {text('text', t('automations.field.staffText'), { multiline: true })}
          {text('roles', t('automations.field.roles'), { hint: t('automations.hint.roles') })}
        </>
      );
    case 'send_broadcast':
      return <BroadcastFields a={a} id={id} setV={setV} problem={problem} />;
    case 'support_report':
      return <p className="hint">{t('automations.hint.supportReport')}</p>;
    case 'retention_cleanup':
      return <p className="hint">{t('automations.hint.retention')}</p>;
    default:
      return <p className="hint">{t('automations.hint.unknownAction')}</p>;
  }
}
