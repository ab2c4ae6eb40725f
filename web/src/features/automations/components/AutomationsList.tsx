import { useI18n } from '../../../i18n/i18n.tsx';
import { ApiError } from '../../../lib/api.ts';
import { problemText } from '../../../lib/field-errors.ts';
import { usePermissions } from '../../../lib/me.ts';
import { Link, navigate } from '../../../lib/router.tsx';
import { type Automation, useAutomations, useToggleAutomation } from '../api.ts';
import { localName, type TriggerKind } from '../rule-form.ts';
import { RUN_STATUS_LABEL, TRIGGER_LABEL } from './labels.ts';

/** Every rule with its on/off switch, what starts it, its runs by status and its last run; built-ins marked. */
export function AutomationsList() {
  const { t, locale, fmt } = useI18n();
  const can = usePermissions();
  const rules = useAutomations();
  const toggle = useToggleAutomation();
  const writable = can('automations:write');

  if (rules.isPending) return <p className="page-message">{t('app.loading')}</p>;
  if (rules.isError) return <p className="page-message form-error">{problemText(rules.error, t)}</p>;
  return (
    <div className="page automations">
      <div className="au-head">
        <h1>{t('automations.title')}</h1>
        {writable ? (
          <button type="button" className="button-primary" onClick={() => navigate('/automations/new')}>
            {t('automations.new')}
          </button>
        ) : null}
      </div>
      <p className="hint">{t('automations.intro')}</p>
      {toggle.isError ? (
        <p className="form-error" role="alert">
          {t('automations.toggleFailed', {
            name: sortRules(rules.data, locale).find((r) => r.rule.id === toggle.variables?.id)?.name ?? '',
            reason: refusalText(toggle.error, t),
          })}
        </p>
      ) : null}
      {rules.data.length === 0 ? <p className="page-message">{t('automations.empty')}</p> : null}
      <table className="table au-table">
        <thead>
          <tr>
            <th>{t('automations.col.enabled')}</th>
            <th>{t('automations.col.name')}</th>
            <th>{t('automations.col.trigger')}</th>
            <th>{t('automations.col.runs')}</th>
            <th>{t('automations.col.lastRun')}</th>
          </tr>
        </thead>
        <tbody>
          {sortRules(rules.data, locale).map(({ rule, name }) => (
            <Row
              key={rule.id}
              rule={rule}
              name={name}
              lastRun={rule.lastRunAt ? fmt.dateTime(rule.lastRunAt) : t('automations.never')}
              disabled={!writable || toggle.isPending}
              onToggle={(enabled) => toggle.mutate({ id: rule.id, enabled })}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The trigger's own values in brief: the event name, the cron and zone, the days; the language-neutral part. */
function triggerDetail(trigger: Record<string, unknown>): string {
  const parts = [
    trigger.event,
    trigger.cron,
    trigger.timezone,
    trigger.attribute,
    trigger.days,
    trigger.waitingMinutes,
  ];
  return parts.filter((p) => p !== undefined && p !== null && p !== '').join(' · ');
}

/** Every problem the API named, with its field (`actions[0].templateId: must be an id`), so the rule to fix is clear. */
function refusalText(err: unknown, t: Parameters<typeof problemText>[1]): string {
  if (err instanceof ApiError && err.details.length > 0)
    return err.details.map((d) => (d.path ? `${d.path}: ${d.message}` : d.message)).join('; ');
  return problemText(err, t);
}

/** Built-in rules first, then by the name shown (built-ins' names depend on the language, the API sorts by the stored one). */
function sortRules(rules: Automation[], locale: 'ru' | 'en') {
  return rules
    .map((rule) => ({ rule, name: rule.builtinKey ? localName(rule.name, locale) : rule.name }))
    .sort(
      (a, b) =>
        Number(b.rule.builtinKey !== null) - Number(a.rule.builtinKey !== null) ||
        a.name.localeCompare(b.name, locale),
    );
}

function Row(props: {
  rule: Automation;
  name: string;
  lastRun: string;
  disabled: boolean;
  onToggle: (enabled: boolean) => void;
}) {
  const { t, fmt } = useI18n();
  const { rule } = props;
  const counts = Object.entries(rule.runCounts ?? {}).filter(([, n]) => n > 0);
  const kind = (rule.trigger as { kind?: TriggerKind }).kind;
  return (
    <tr data-testid="automation-row">
      <td>
        <label className="switch">
          <input
            type="checkbox"
            role="switch"
            aria-checked={rule.enabled}
            checked={rule.enabled}
            disabled={props.disabled}
            aria-label={t('automations.enabledFor', { name: props.name })}
            onChange={(e) => props.onToggle(e.target.checked)}
          />
          <span>{rule.enabled ? t('automations.on') : t('automations.off')}</span>
        </label>
      </td>
      <td>
        <Link to={`/automations/${rule.id}`}>{props.name}</Link>
        {rule.builtinKey ? <span className="tag au-builtin">{t('automations.builtin')}</span> : null}
      </td>
      <td>
        {kind && kind in TRIGGER_LABEL ? t(TRIGGER_LABEL[kind]) : kind}
        <div className="hint au-mono">{triggerDetail(rule.trigger as Record<string, unknown>)}</div>
      </td>
      <td>
        <div className="au-counts">
          {counts.length === 0
            ? '—'
            : counts.map(([status, n]) => (
                <span key={status} className={`au-status au-status-${status}`}>
                  {status in RUN_STATUS_LABEL
                    ? t(RUN_STATUS_LABEL[status as keyof typeof RUN_STATUS_LABEL])
                    : status}{' '}
                  {fmt.number(n)}
                </span>
              ))}
        </div>
      </td>
      <td>{props.lastRun}</td>
    </tr>
  );
}
