/**
 * One action of a rule as the editor holds it, and its conversion to and from the API's action JSON
 * (server/src/services/automations/types.ts `AutomationAction`). Every input is a string or a yes/no; `raw` keeps the
 * fields the editor has no input for, so saving a rule never drops them.
 */
import { draftKey, numberOrText, splitList } from './form-values.ts';

export type ActionType =
  | 'send_notification'
  | 'wait'
  | 'stop_if_event'
  | 'add_tags'
  | 'remove_tags'
  | 'set_attribute'
  | 'issue_coupon'
  | 'assign_conversation'
  | 'set_priority'
  | 'add_label'
  | 'send_reply'
  | 'add_note'
  | 'webhook'
  | 'notify_staff'
  | 'send_broadcast'
  | 'support_report'
  | 'retention_cleanup';

/** Contact and flow actions, offered for every trigger. */
export const CONTACT_ACTIONS: ActionType[] = [
  'send_notification',
  'wait',
  'stop_if_event',
  'add_tags',
  'remove_tags',
  'set_attribute',
  'issue_coupon',
  'webhook',
  'notify_staff',
  'send_broadcast',
  'support_report',
  'retention_cleanup',
];
/** Actions on the triggering conversation: only conversation triggers have one. */
export const CONVERSATION_ACTIONS: ActionType[] = [
  'assign_conversation',
  'set_priority',
  'add_label',
  'send_reply',
  'add_note',
];
export const PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;
export type WaitUnit = 'minutes' | 'hours' | 'days';
const UNIT_SECONDS: Record<WaitUnit, number> = { minutes: 60, hours: 3600, days: 86_400 };
export type AttributeType = 'text' | 'number' | 'boolean' | 'null';

export interface ActionDraft {
  key: string;
  type: ActionType;
  /** The typed inputs by name; which ones exist depends on `type` (see newAction). */
  v: Record<string, string>;
  /** Yes/no inputs: deliver (issue_coupon), sameOccurrence (stop_if_event). */
  on: Record<string, boolean>;
  /** Fields without an input, kept as loaded. */
  raw: Record<string, unknown>;
}

const DEFAULTS: Record<ActionType, { v?: Record<string, string>; on?: Record<string, boolean> }> = {
  send_notification: { v: { notificationType: '', data: '', channels: '' } },
  wait: { v: { mode: 'duration', amount: '1', unit: 'hours', untilLocalTime: '10:00' } },
  stop_if_event: { v: { event: '' }, on: { sameOccurrence: false } },
  add_tags: { v: { tags: '' } },
  remove_tags: { v: { tags: '' } },
  set_attribute: { v: { key: '', value: '', valueType: 'text' } },
  issue_coupon: { v: { campaignId: '' }, on: { deliver: true } },
  assign_conversation: { v: { userId: '', teamId: '' } },
  set_priority: { v: { priority: 'high' } },
  add_label: { v: { label: '' } },
  send_reply: { v: { text: '' } },
  add_note: { v: { text: '' } },
  webhook: { v: { url: '', secret: '' } },
  notify_staff: { v: { text: '', roles: '' } },
  send_broadcast: { v: { templateId: '', segmentId: '', channelId: '' } },
  support_report: {},
  retention_cleanup: {},
};

/** An action of this type with empty (or sensible) inputs. */
export function newAction(type: ActionType): ActionDraft {
  const d = DEFAULTS[type] ?? {};
  return { key: draftKey(), type, v: { ...(d.v ?? {}) }, on: { ...(d.on ?? {}) }, raw: {} };
}

/** The wait's seconds in the largest unit that divides it evenly (3600 → 1 hour, 5400 → 90 minutes). */
export function splitSeconds(seconds: number): { amount: string; unit: WaitUnit } {
  for (const unit of ['days', 'hours', 'minutes'] as const)
    if (seconds > 0 && seconds % UNIT_SECONDS[unit] === 0)
      return { amount: String(seconds / UNIT_SECONDS[unit]), unit };
  return { amount: String(seconds / 60), unit: 'minutes' };
}

function waitToApi(v: Record<string, string>): Record<string, unknown> {
  if (v.mode === 'until') return { untilLocalTime: v.untilLocalTime ?? '' };
  const amount = numberOrText(v.amount ?? '');
  const unit = (v.unit as WaitUnit) ?? 'minutes';
  return { seconds: typeof amount === 'number' ? Math.round(amount * UNIT_SECONDS[unit]) : amount };
}

function attributeValue(v: Record<string, string>): unknown {
  const value = v.value ?? '';
  if (v.valueType === 'null') return null;
  if (v.valueType === 'number') return numberOrText(value);
  if (v.valueType === 'boolean') return value === 'true';
  return value;
}

/** JSON typed into the notification's `data`: an object, or the text as is (the API names `actions[i].data`). */
function jsonOrText(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

const optional = (key: string, value: string | undefined) => (value?.trim() ? { [key]: value.trim() } : {});

export function actionToApi(a: ActionDraft): Record<string, unknown> {
  const v = a.v;
  const base = { ...a.raw, type: a.type };
  switch (a.type) {
    case 'send_notification': {
      const channels = splitList(v.channels ?? '');
      return {
        ...base,
        notificationType: v.notificationType ?? '',
        ...(v.data?.trim() ? { data: jsonOrText(v.data) } : {}),
        ...(channels.length ? { channels } : {}),
      };
    }
    case 'wait':
      return { ...base, ...waitToApi(v) };
    case 'stop_if_event':
      return {
        ...base,
        event: (v.event ?? '').trim(),
        ...(a.on.sameOccurrence ? { sameOccurrence: true } : {}),
      };
    case 'add_tags':
    case 'remove_tags':
      return { ...base, tags: splitList(v.tags ?? '') };
    case 'set_attribute':
      return { ...base, key: (v.key ?? '').trim(), value: attributeValue(v) };
    case 'issue_coupon':
      return { ...base, campaignId: v.campaignId ?? '', deliver: Boolean(a.on.deliver) };
    case 'assign_conversation':
      return { ...base, ...optional('userId', v.userId), ...optional('teamId', v.teamId) };
    case 'set_priority':
      return { ...base, priority: v.priority ?? 'high' };
    case 'add_label':
      return { ...base, label: (v.label ?? '').trim() };
    case 'send_reply':
    case 'add_note':
      return { ...base, text: v.text ?? '' };
    case 'webhook':
      return { ...base, url: (v.url ?? '').trim(), ...optional('secret', v.secret) };
    case 'notify_staff': {
      const roles = splitList(v.roles ?? '');
      return { ...base, text: v.text ?? '', ...(roles.length ? { roles } : {}) };
    }
    case 'send_broadcast':
      return {
        ...base,
        templateId: v.templateId ?? '',
        segmentId: v.segmentId ?? '',
        channelId: v.channelId ?? '',
      };
    default:
      return base;
  }
}

const str = (x: unknown) => (x === undefined || x === null ? '' : String(x));
const list = (x: unknown) => (Array.isArray(x) ? x.map(String).join(', ') : '');

/** The fields each type has an input for; the rest of a loaded action goes to `raw`. */
const EDITED: Record<ActionType, string[]> = {
  send_notification: ['notificationType', 'data', 'channels'],
  wait: ['seconds', 'untilLocalTime'],
  stop_if_event: ['event', 'sameOccurrence'],
  add_tags: ['tags'],
  remove_tags: ['tags'],
  set_attribute: ['key', 'value'],
  issue_coupon: ['campaignId', 'deliver'],
  assign_conversation: ['userId', 'teamId'],
  set_priority: ['priority'],
  add_label: ['label'],
  send_reply: ['text'],
  add_note: ['text'],
  webhook: ['url', 'secret'],
  notify_staff: ['text', 'roles'],
  send_broadcast: ['templateId', 'segmentId', 'channelId'],
  support_report: [],
  retention_cleanup: [],
};

export function actionFromApi(a: Record<string, unknown>): ActionDraft {
  const type = a.type as ActionType;
  if (!(type in DEFAULTS)) {
    // An action this editor does not know (a newer server): kept whole, shown by its type.
    return { key: draftKey(), type, v: {}, on: {}, raw: { ...a } };
  }
  const d = newAction(type);
  d.raw = Object.fromEntries(Object.entries(a).filter(([k]) => k !== 'type' && !EDITED[type].includes(k)));
  const v = d.v;
  switch (type) {
    case 'send_notification':
      v.notificationType = str(a.notificationType);
      v.data = a.data === undefined ? '' : JSON.stringify(a.data);
      v.channels = list(a.channels);
      break;
    case 'wait':
      if (typeof a.untilLocalTime === 'string') {
        v.mode = 'until';
        v.untilLocalTime = a.untilLocalTime;
      } else {
        v.mode = 'duration';
        Object.assign(v, splitSeconds(Number(a.seconds ?? 0)));
      }
      break;
    case 'stop_if_event':
      v.event = str(a.event);
      d.on.sameOccurrence = a.sameOccurrence === true;
      break;
    case 'add_tags':
    case 'remove_tags':
      v.tags = list(a.tags);
      break;
    case 'set_attribute':
      v.key = str(a.key);
      v.valueType =
        a.value === null
          ? 'null'
          : typeof a.value === 'number'
            ? 'number'
            : typeof a.value === 'boolean'
              ? 'boolean'
              : 'text';
      v.value = a.value === null ? '' : str(a.value);
      break;
    case 'issue_coupon':
      v.campaignId = str(a.campaignId);
      d.on.deliver = a.deliver !== false;
      break;
    case 'notify_staff':
      v.text = str(a.text);
      v.roles = list(a.roles);
      break;
    default:
      for (const k of EDITED[type]) v[k] = str(a[k]);
  }
  return d;
}
