import { useMemo } from 'react';
import { useI18n } from '../../../i18n/i18n.tsx';
import { useSegmentOptions } from '../api.ts';
import { nextRuns } from '../cron-preview.ts';
import {
  CONVERSATION_EVENTS,
  type ConversationEvent,
  type OffsetDirection,
  problemAt,
  TRIGGER_KINDS,
  type TriggerDraft,
  type TriggerKind,
} from '../rule-form.ts';
import { FieldProblem } from './FieldProblem.tsx';
import { CONVERSATION_EVENT_LABEL, TRIGGER_LABEL } from './labels.ts';
import { OptionSelect } from './OptionSelect.tsx';

/** What starts the rule: the kind, then that kind's own inputs (each kind keeps its values while another is shown). */
export function TriggerFields(props: {
  value: TriggerDraft;
  onChange: (next: TriggerDraft) => void;
  problems: Record<string, string>;
  readOnly: boolean;
}) {
  const { t } = useI18n();
  const { value: d, problems } = props;
  const set = (patch: Partial<TriggerDraft>) => props.onChange({ ...d, ...patch });
  const segments = useSegmentOptions();
  const at = (field: string) => problemAt(problems, `trigger.${field}`);

  return (
    <fieldset className="card" disabled={props.readOnly} data-testid="trigger">
      <legend>{t('automations.section.trigger')}</legend>
      <label htmlFor="au-trigger-kind">{t('automations.field.triggerKind')}</label>
      <select
        id="au-trigger-kind"
        value={d.kind}
        onChange={(e) => set({ kind: e.target.value as TriggerKind })}
      >
        {TRIGGER_KINDS.map((k) => (
          <option key={k} value={k}>
            {t(TRIGGER_LABEL[k])}
          </option>
        ))}
      </select>
      <FieldProblem text={problems['trigger.kind'] ?? problems.trigger} />

      {d.kind === 'event' ? (
        <div className="au-row">
          <div>
            <label htmlFor="au-event">{t('automations.field.eventName')}</label>
            <input
              id="au-event"
              value={d.event}
              placeholder={t('automations.placeholder.event')}
              onChange={(e) => set({ event: e.target.value })}
            />
            <FieldProblem text={at('event')} />
          </div>
          <div>
            <label htmlFor="au-occurrence">{t('automations.field.occurrenceProperty')}</label>
            <input
              id="au-occurrence"
              value={d.occurrenceProperty}
              placeholder={t('automations.placeholder.occurrence')}
              onChange={(e) => set({ occurrenceProperty: e.target.value })}
            />
            <p className="hint">{t('automations.hint.occurrenceProperty')}</p>
            <FieldProblem text={at('occurrenceProperty')} />
          </div>
        </div>
      ) : null}

      {d.kind === 'segment_entered' ? (
        <>
          <OptionSelect
            id="au-segment"
            label={t('automations.field.segment')}
            value={d.segmentId}
            options={segments.data}
            onChange={(segmentId) => set({ segmentId })}
          />
          <FieldProblem text={at('segmentId')} />
        </>
      ) : null}

      {d.kind === 'conversation' ? (
        <div className="au-row">
          <div>
            <label htmlFor="au-conv-event">{t('automations.field.conversationEvent')}</label>
            <select
              id="au-conv-event"
              value={d.conversationEvent}
              onChange={(e) => set({ conversationEvent: e.target.value as ConversationEvent })}
            >
              {CONVERSATION_EVENTS.map((ev) => (
                <option key={ev} value={ev}>
                  {t(CONVERSATION_EVENT_LABEL[ev])}
                </option>
              ))}
            </select>
            <FieldProblem text={at('event')} />
          </div>
          {d.conversationEvent === 'waiting' ? (
            <div>
              <label htmlFor="au-waiting">{t('automations.field.waitingMinutes')}</label>
              <input
                id="au-waiting"
                type="number"
                min={1}
                inputMode="numeric"
                value={d.waitingMinutes}
                onChange={(e) => set({ waitingMinutes: e.target.value })}
              />
              <FieldProblem text={at('waitingMinutes')} />
            </div>
          ) : null}
        </div>
      ) : null}

      {d.kind === 'schedule' ? <ScheduleFields d={d} set={set} at={at} segments={segments.data} /> : null}

      {d.kind === 'date_attribute' ? (
        <div className="au-row">
          <div>
            <label htmlFor="au-attribute">{t('automations.field.dateAttribute')}</label>
            <input
              id="au-attribute"
              list="au-attributes"
              value={d.attribute}
              onChange={(e) => set({ attribute: e.target.value })}
            />
            <datalist id="au-attributes">
              <option value="birthday" />
            </datalist>
            <p className="hint">{t('automations.hint.dateAttribute')}</p>
            <FieldProblem text={at('attribute')} />
          </div>
          <div>
            <label htmlFor="au-offset-direction">{t('automations.field.when')}</label>
            <select
              id="au-offset-direction"
              value={d.offsetDirection}
              onChange={(e) => set({ offsetDirection: e.target.value as OffsetDirection })}
            >
              <option value="before">{t('automations.offset.before')}</option>
              <option value="on">{t('automations.offset.on')}</option>
              <option value="after">{t('automations.offset.after')}</option>
            </select>
            {d.offsetDirection === 'on' ? null : (
              <>
                <label htmlFor="au-offset-days">{t('automations.field.offsetDays')}</label>
                <input
                  id="au-offset-days"
                  type="number"
                  min={1}
                  value={d.offsetDays}
                  onChange={(e) => set({ offsetDays: e.target.value })}
                />
              </>
            )}
            <FieldProblem text={at('offsetDays')} />
          </div>
          <div>
            <label htmlFor="au-local-time">{t('automations.field.atLocalTime')}</label>
            <input
              id="au-local-time"
              type="time"
              value={d.atLocalTime}
              onChange={(e) => set({ atLocalTime: e.target.value })}
            />
            <p className="hint">{t('automations.hint.localTime')}</p>
            <FieldProblem text={at('atLocalTime')} />
          </div>
        </div>
      ) : null}

      {d.kind === 'inactivity' ? (
        <>
          <label htmlFor="au-inactivity">{t('automations.field.inactivityDays')}</label>
          <input
            id="au-inactivity"
            type="number"
            min={1}
            value={d.inactivityDays}
            onChange={(e) => set({ inactivityDays: e.target.value })}
          />
          <FieldProblem text={at('days')} />
        </>
      ) : null}
    </fieldset>
  );
}

function ScheduleFields(props: {
  d: TriggerDraft;
  set: (patch: Partial<TriggerDraft>) => void;
  at: (field: string) => string | undefined;
  segments: { id: string; label: string }[] | undefined;
}) {
  const { t, locale } = useI18n();
  const { d, set, at } = props;
  const zones = useMemo(() => Intl.supportedValuesOf?.('timeZone') ?? [], []);
  const runs = useMemo(() => nextRuns(d.cron, d.timezone, new Date(), 3), [d.cron, d.timezone]);
  const zoned = useMemo(() => {
    try {
      return new Intl.DateTimeFormat(locale, {
        timeZone: d.timezone,
        weekday: 'short',
        day: 'numeric',
        month: 'short',
        hour: '2-digit',
        minute: '2-digit',
      });
    } catch {
      return null;
    }
  }, [d.timezone, locale]);
  return (
    <>
      <div className="au-row">
        <div>
          <label htmlFor="au-cron">{t('automations.field.cron')}</label>
          <input
            id="au-cron"
            className="au-mono"
            value={d.cron}
            placeholder="0 10 * * 1"
            aria-describedby="au-cron-next"
            onChange={(e) => set({ cron: e.target.value })}
          />
          <FieldProblem text={at('cron')} />
        </div>
        <div>
          <label htmlFor="au-zone">{t('automations.field.timezone')}</label>
          <input
            id="au-zone"
            list="au-zones"
            value={d.timezone}
            onChange={(e) => set({ timezone: e.target.value })}
          />
          <datalist id="au-zones">
            {zones.map((z) => (
              <option key={z} value={z} />
            ))}
          </datalist>
          <FieldProblem text={at('timezone')} />
        </div>
      </div>
      <p id="au-cron-next" className="hint" data-testid="cron-next">
        {runs === null || !zoned
          ? t('automations.cron.invalid')
          : runs.length === 0
            ? t('automations.cron.none')
            : t('automations.cron.next', {
                times: runs.map((r) => zoned.format(r)).join(' · '),
                zone: d.timezone,
              })}
      </p>
      <p className="hint">{t('automations.hint.cron')}</p>
      <OptionSelect
        id="au-schedule-segment"
        label={t('automations.field.scheduleSegment')}
        value={d.scheduleSegmentId}
        options={props.segments}
        emptyLabel={t('automations.noSegment')}
        onChange={(scheduleSegmentId) => set({ scheduleSegmentId })}
      />
      <FieldProblem text={at('segmentId')} />
    </>
  );
}
