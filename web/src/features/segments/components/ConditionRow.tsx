import { useI18n } from '../../../i18n/i18n.tsx';
import {
  CONVERSATION_STATUSES,
  defaultCondition,
  opsFor,
  parseNumberInput,
  SUBJECTS,
  type Subject,
  subjectOf,
  valueKind,
  withOp,
  withValueType,
} from '../condition-kinds.ts';
import {
  moveNode,
  type NodePath,
  problemsAt,
  removeNode,
  replaceNode,
  TREE_LIMITS,
  wrapInGroup,
} from '../filter-tree.ts';
import type { Condition } from '../filter-types.ts';
import { useBuilder } from './builder-context.ts';
import { CONVERSATION_OP_LABEL, OP_LABEL, STATUS_LABEL, SUBJECT_LABEL, VALUE_TYPE_LABEL } from './labels.ts';
import { MoveButtons } from './MoveButtons.tsx';
import { NodeProblems } from './NodeProblems.tsx';
import { ValueInput } from './ValueInput.tsx';

/** One condition: what it tests, the operator, the typed value, and its tools (move, group, remove). */
export function ConditionRow({
  condition: c,
  path,
  siblings,
}: {
  condition: Condition;
  path: NodePath;
  siblings: number;
}) {
  const { t } = useI18n();
  const { root, change, problems, readOnly, idPrefix } = useBuilder();
  const set = (next: Condition) => change(replaceNode(root, path, next));
  const subject = subjectOf(c);
  const index = path[path.length - 1] ?? 0;
  const opLabels = c.type === 'conversation' ? { ...OP_LABEL, ...CONVERSATION_OP_LABEL } : OP_LABEL;
  const kind = valueKind(c);
  const own = problemsAt(problems, path);
  return (
    <div className={`filter-condition${own.length ? ' has-problem' : ''}`} data-testid="filter-condition">
      <div className="filter-condition-fields">
        <select
          aria-label={t('segments.builder.subject')}
          value={subject}
          disabled={readOnly}
          onChange={(e) => set(defaultCondition(e.target.value as Subject))}
        >
          {SUBJECTS.map((s) => (
            <option key={s} value={s}>
              {t(SUBJECT_LABEL[s])}
            </option>
          ))}
        </select>
        {c.type === 'attribute' ? (
          <>
            <input
              className="filter-short"
              aria-label={t('segments.builder.attributeKey')}
              placeholder={t('segments.builder.attributeKeyHint')}
              list={`${idPrefix}-attributes`}
              value={c.key ?? ''}
              disabled={readOnly}
              onChange={(e) => set({ ...c, key: e.target.value })}
            />
            <select
              aria-label={t('segments.builder.valueType')}
              value={c.valueType ?? 'string'}
              disabled={readOnly}
              onChange={(e) => set(withValueType(c, e.target.value as 'string'))}
            >
              {(['string', 'number', 'boolean', 'date'] as const).map((vt) => (
                <option key={vt} value={vt}>
                  {t(VALUE_TYPE_LABEL[vt])}
                </option>
              ))}
            </select>
          </>
        ) : null}
        {c.type === 'event' ? (
          <input
            className="filter-short"
            aria-label={t('segments.builder.eventName')}
            placeholder={t('segments.builder.eventNameHint')}
            list={`${idPrefix}-events`}
            value={c.name ?? ''}
            disabled={readOnly}
            onChange={(e) => set({ ...c, name: e.target.value })}
          />
        ) : null}
        {c.type === 'notification' ? <NotificationKey condition={c} set={set} /> : null}
        {opsFor(c).length > 1 ? (
          <select
            aria-label={t('segments.builder.op')}
            value={c.op}
            disabled={readOnly}
            onChange={(e) => set(withOp(c, e.target.value))}
          >
            {opsFor(c).map((op) => (
              <option key={op} value={op}>
                {t(opLabels[op] ?? 'segments.op.eq')}
              </option>
            ))}
          </select>
        ) : null}
        {kind !== 'none' ? (
          <ValueInput
            kind={kind}
            value={c.value ?? null}
            onChange={(value) => set({ ...c, value })}
            disabled={readOnly}
            id={`${idPrefix}-${path.join('-')}`}
          />
        ) : null}
        {c.type === 'event' ? <EventCounts condition={c} set={set} /> : null}
        {c.type === 'channel' || c.type === 'conversation' ? <ChannelPick condition={c} set={set} /> : null}
      </div>
      {c.type === 'conversation' ? (
        <fieldset className="filter-statuses" disabled={readOnly}>
          <legend className="visually-hidden">{t('segments.builder.statuses')}</legend>
          {CONVERSATION_STATUSES.map((s) => (
            <label key={s} className="compact-field">
              <input
                type="checkbox"
                checked={(c.status ?? ['open']).includes(s)}
                onChange={(e) => {
                  const now = c.status ?? ['open'];
                  set({ ...c, status: e.target.checked ? [...now, s] : now.filter((x) => x !== s) });
                }}
              />
              {t(STATUS_LABEL[s])}
            </label>
          ))}
        </fieldset>
      ) : null}
      {readOnly ? null : (
        <div className="filter-node-tools">
          <MoveButtons
            index={index}
            siblings={siblings}
            move={(delta) => change(moveNode(root, path, delta))}
          />
          <button
            type="button"
            className="button-quiet"
            disabled={path.length >= TREE_LIMITS.depth}
            onClick={() => change(wrapInGroup(root, path, 'or'))}
          >
            {t('segments.builder.wrap')}
          </button>
          <button
            type="button"
            className="button-quiet danger"
            onClick={() => change(removeNode(root, path))}
          >
            {t('segments.builder.remove')}
          </button>
        </div>
      )}
      <NodeProblems problems={own} />
    </div>
  );
}

type Setter = (next: Condition) => void;

/** "at least N times within D days" (did) or "within D days" (did not); an empty D means ever. */
function EventCounts({ condition: c, set }: { condition: Condition; set: Setter }) {
  const { t } = useI18n();
  const { readOnly } = useBuilder();
  return (
    <>
      {c.op === 'did' ? (
        <label className="compact-field">
          {t('segments.builder.atLeast')}
          <input
            type="number"
            min={1}
            className="filter-number"
            value={c.atLeast ?? ''}
            disabled={readOnly}
            onChange={(e) => set({ ...c, atLeast: parseNumberInput(e.target.value) ?? undefined })}
          />
          {t('segments.builder.times')}
        </label>
      ) : null}
      <label className="compact-field">
        {t('segments.builder.withinDays')}
        <input
          type="number"
          min={1}
          className="filter-number"
          placeholder={t('segments.builder.ever')}
          value={c.withinDays ?? ''}
          disabled={readOnly}
          onChange={(e) => set({ ...c, withinDays: parseNumberInput(e.target.value) ?? undefined })}
        />
        {t('segments.builder.days')}
      </label>
    </>
  );
}

/** The channel a reachability or conversation condition is about: any, any Telegram bot, or one channel. */
function ChannelPick({ condition: c, set }: { condition: Condition; set: Setter }) {
  const { t } = useI18n();
  const { channels, readOnly } = useBuilder();
  const current = c.channelId ? `id:${c.channelId}` : c.channelType ? `type:${c.channelType}` : '';
  const pick = (v: string) => {
    const { channelId: _i, channelType: _t, ...rest } = c;
    if (v.startsWith('id:')) set({ ...rest, channelId: v.slice(3) });
    else if (v.startsWith('type:') && c.type === 'channel') set({ ...rest, channelType: v.slice(5) });
    else set(rest as Condition);
  };
  return (
    <select
      aria-label={t('segments.builder.channel')}
      value={current}
      disabled={readOnly}
      onChange={(e) => pick(e.target.value)}
    >
      <option value="">{t('segments.builder.anyChannel')}</option>
      {c.type === 'channel' ? (
        <option value="type:telegram">{t('segments.builder.anyTelegram')}</option>
      ) : null}
      {channels.map((ch) => (
        <option key={ch.id} value={`id:${ch.id}`}>
          {ch.name}
        </option>
      ))}
      {c.channelId && !channels.some((ch) => ch.id === c.channelId) ? (
        <option value={current}>{c.channelId}</option>
      ) : null}
    </select>
  );
}

/** The notification type (a select of the known ones, else typed) and optionally one channel kind. */
function NotificationKey({ condition: c, set }: { condition: Condition; set: Setter }) {
  const { t } = useI18n();
  const { notificationTypes, readOnly } = useBuilder();
  return (
    <>
      {notificationTypes.length > 0 ? (
        <select
          aria-label={t('segments.builder.notificationType')}
          value={c.key ?? ''}
          disabled={readOnly}
          onChange={(e) => set({ ...c, key: e.target.value })}
        >
          <option value="">{t('segments.builder.choose')}</option>
          {notificationTypes.map((n) => (
            <option key={n.key} value={n.key}>
              {n.name || n.key}
            </option>
          ))}
          {c.key && !notificationTypes.some((n) => n.key === c.key) ? (
            <option value={c.key}>{c.key}</option>
          ) : null}
        </select>
      ) : (
        <input
          className="filter-short"
          aria-label={t('segments.builder.notificationType')}
          value={c.key ?? ''}
          disabled={readOnly}
          onChange={(e) => set({ ...c, key: e.target.value })}
        />
      )}
      <select
        aria-label={t('segments.builder.notificationChannel')}
        value={c.channel ?? ''}
        disabled={readOnly}
        onChange={(e) => {
          const { channel: _c, ...rest } = c;
          set(e.target.value ? { ...rest, channel: e.target.value as 'telegram' } : (rest as Condition));
        }}
      >
        <option value="">{t('segments.builder.anyChannelKind')}</option>
        <option value="telegram">{t('segments.builder.kindTelegram')}</option>
        <option value="email">{t('segments.builder.kindEmail')}</option>
      </select>
    </>
  );
}
