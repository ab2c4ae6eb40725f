import type { MessageKey } from '../../../i18n/en.ts';
import { useI18n } from '../../../i18n/i18n.tsx';
import type { Conversation, Priority } from '../../../lib/types.ts';
import { useConversationActions } from '../api.ts';
import { type SnoozePreset, snoozeUntil } from '../snooze.ts';

const PRIORITIES: { value: Priority | ''; label: MessageKey }[] = [
  { value: '', label: 'priority.none' },
  { value: 'low', label: 'priority.low' },
  { value: 'medium', label: 'priority.medium' },
  { value: 'high', label: 'priority.high' },
  { value: 'urgent', label: 'priority.urgent' },
];

const SNOOZES: { value: SnoozePreset | 'untilReply'; label: MessageKey }[] = [
  { value: 'oneHour', label: 'snooze.oneHour' },
  { value: 'tomorrow', label: 'snooze.tomorrow' },
  { value: 'nextWeek', label: 'snooze.nextWeek' },
  { value: 'untilReply', label: 'snooze.untilReply' },
];

/** Assign to me, resolve or reopen, snooze with presets, priority. */
export function ConversationActions({
  conversation,
  meId,
  timeZone,
}: {
  conversation: Conversation;
  meId: string | undefined;
  timeZone: string;
}) {
  const { t, fmt } = useI18n();
  const { update, assign } = useConversationActions(conversation.id);
  const resolved = conversation.status === 'resolved';

  return (
    <fieldset className="actions">
      <legend className="visually-hidden">{t('actions.label')}</legend>
      <p className="assignee">
        {conversation.assigneeId === meId
          ? t('conversation.assignedToMe')
          : conversation.assigneeId
            ? t('conversation.assignedToOther')
            : t('conversation.unassigned')}
      </p>
      {meId && conversation.assigneeId !== meId ? (
        <button type="button" onClick={() => assign.mutate(meId)} disabled={assign.isPending}>
          {t('actions.assignToMe')}
        </button>
      ) : null}
      {resolved ? (
        <button type="button" onClick={() => update.mutate({ status: 'open' })} disabled={update.isPending}>
          {t('actions.reopen')}
        </button>
      ) : (
        <button
          type="button"
          className="button-primary"
          onClick={() => update.mutate({ status: 'resolved' })}
          disabled={update.isPending}
        >
          {t('actions.resolve')}
        </button>
      )}
      <label className="compact-field">
        <span>{t('actions.snooze')}</span>
        <select
          value=""
          onChange={(e) => {
            const preset = e.target.value as SnoozePreset | 'untilReply' | '';
            if (preset === 'untilReply') update.mutate({ status: 'snoozed' });
            else if (preset)
              update.mutate({ snoozedUntil: snoozeUntil(preset, new Date(), timeZone).toISOString() });
          }}
        >
          <option value="" disabled>
            {t('actions.snooze')}
          </option>
          {SNOOZES.map((s) => (
            <option key={s.value} value={s.value}>
              {t(s.label)}
            </option>
          ))}
        </select>
      </label>
      {conversation.snoozedUntil ? (
        <p className="hint">{t('snooze.until', { time: fmt.dateTime(conversation.snoozedUntil) })}</p>
      ) : null}
      <label className="compact-field">
        <span>{t('actions.priority')}</span>
        <select
          value={conversation.priority ?? ''}
          onChange={(e) => update.mutate({ priority: (e.target.value || null) as Priority | null })}
        >
          {PRIORITIES.map((p) => (
            <option key={p.value} value={p.value}>
              {t(p.label)}
            </option>
          ))}
        </select>
      </label>
      {update.error || assign.error ? (
        <p className="form-error" role="alert">
          {t('error.generic', { message: (update.error ?? assign.error)!.message })}
        </p>
      ) : null}
    </fieldset>
  );
}
