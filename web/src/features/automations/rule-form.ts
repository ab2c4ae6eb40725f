/**
 * The rule editor's form state and its conversion to and from the API's rule JSON (docs/automations.md,
 * server/src/services/automations/types.ts). Inputs hold strings while typed; numbers are parsed only when the rule is
 * sent, and an unparsable number goes to the API as is, so the API (the one grammar) names the field.
 */
import type { FilterGroup } from '../segments/filter-types.ts';
import { type ActionDraft, type ActionType, actionFromApi, actionToApi, newAction } from './action-form.ts';
import { draftKey, numberOrText, splitList } from './form-values.ts';

export type TriggerKind =
  | 'event'
  | 'segment_entered'
  | 'conversation'
  | 'schedule'
  | 'date_attribute'
  | 'inactivity';
export const TRIGGER_KINDS: TriggerKind[] = [
  'event',
  'segment_entered',
  'conversation',
  'schedule',
  'date_attribute',
  'inactivity',
];
export type ConversationEvent = 'conversation.created' | 'message_created' | 'resolved' | 'waiting';
export const CONVERSATION_EVENTS: ConversationEvent[] = [
  'conversation.created',
  'message_created',
  'resolved',
  'waiting',
];
export type OffsetDirection = 'before' | 'on' | 'after';

/** Every kind's inputs side by side, so switching the kind back and forth keeps what was typed. */
export interface TriggerDraft {
  kind: TriggerKind;
  event: string;
  occurrenceProperty: string;
  segmentId: string;
  conversationEvent: ConversationEvent;
  waitingMinutes: string;
  cron: string;
  timezone: string;
  scheduleSegmentId: string;
  attribute: string;
  offsetDirection: OffsetDirection;
  offsetDays: string;
  atLocalTime: string;
  inactivityDays: string;
}

export type EventOp = 'eq' | 'neq' | 'contains' | 'gt' | 'lt' | 'exists';
export const EVENT_OPS: EventOp[] = ['eq', 'neq', 'contains', 'gt', 'lt', 'exists'];
export interface EventConditionDraft {
  key: string;
  property: string;
  op: EventOp;
  value: string;
}
export type ConversationStatus = 'open' | 'pending' | 'snoozed' | 'resolved';
export const CONVERSATION_STATUSES: ConversationStatus[] = ['open', 'pending', 'snoozed', 'resolved'];

export interface RuleDraft {
  name: string;
  description: string;
  enabled: boolean;
  trigger: TriggerDraft;
  /** Null: no contact condition (the builder is hidden until "add" is pressed). */
  contact: FilterGroup | null;
  event: EventConditionDraft[];
  conversation: { status: ConversationStatus[]; channelIds: string[]; labels: string; textContains: string };
  actions: ActionDraft[];
}

/** The rule as the API stores it. */
export interface RuleJson {
  name: string;
  description: string | null;
  enabled: boolean;
  trigger: Record<string, unknown>;
  conditions: Record<string, unknown>;
  actions: Record<string, unknown>[];
}

const text = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

export function emptyTrigger(timezone = 'UTC'): TriggerDraft {
  return {
    kind: 'event',
    event: '',
    occurrenceProperty: '',
    segmentId: '',
    conversationEvent: 'conversation.created',
    waitingMinutes: '15',
    cron: '0 10 * * 1',
    timezone,
    scheduleSegmentId: '',
    attribute: 'birthday',
    offsetDirection: 'on',
    offsetDays: '0',
    atLocalTime: '09:00',
    inactivityDays: '30',
  };
}

/** A new rule: an event trigger and one notification step, off until switched on. */
export function emptyRule(timezone?: string): RuleDraft {
  return {
    name: '',
    description: '',
    enabled: false,
    trigger: emptyTrigger(timezone),
    contact: null,
    event: [],
    conversation: { status: [], channelIds: [], labels: '', textContains: '' },
    actions: [newAction('send_notification')],
  };
}

export function triggerToApi(d: TriggerDraft): Record<string, unknown> {
  switch (d.kind) {
    case 'event':
      return {
        kind: 'event',
        event: d.event.trim(),
        ...(d.occurrenceProperty.trim() ? { occurrenceProperty: d.occurrenceProperty.trim() } : {}),
      };
    case 'segment_entered':
      return { kind: 'segment_entered', segmentId: d.segmentId };
    case 'conversation':
      return {
        kind: 'conversation',
        event: d.conversationEvent,
        ...(d.conversationEvent === 'waiting' ? { waitingMinutes: numberOrText(d.waitingMinutes) } : {}),
      };
    case 'schedule':
      return {
        kind: 'schedule',
        cron: d.cron.trim(),
        timezone: d.timezone.trim(),
        ...(d.scheduleSegmentId ? { segmentId: d.scheduleSegmentId } : {}),
      };
    case 'date_attribute': {
      const days = numberOrText(d.offsetDays);
      const signed =
        d.offsetDirection === 'on'
          ? 0
          : typeof days === 'number' && d.offsetDirection === 'before'
            ? -days
            : days;
      return {
        kind: 'date_attribute',
        attribute: d.attribute.trim(),
        offsetDays: signed,
        ...(d.atLocalTime ? { atLocalTime: d.atLocalTime } : {}),
      };
    }
    case 'inactivity':
      return { kind: 'inactivity', days: numberOrText(d.inactivityDays) };
  }
}

export function triggerFromApi(t: Record<string, unknown>, timezone?: string): TriggerDraft {
  const d = emptyTrigger(timezone);
  const kind = t.kind as TriggerKind;
  if (!TRIGGER_KINDS.includes(kind)) return d;
  d.kind = kind;
  if (kind === 'event') {
    d.event = text(t.event);
    d.occurrenceProperty = text(t.occurrenceProperty);
  } else if (kind === 'segment_entered') d.segmentId = text(t.segmentId);
  else if (kind === 'conversation') {
    d.conversationEvent = (t.event as ConversationEvent) ?? 'conversation.created';
    if (t.waitingMinutes !== undefined) d.waitingMinutes = text(t.waitingMinutes);
  } else if (kind === 'schedule') {
    d.cron = text(t.cron);
    d.timezone = text(t.timezone);
    d.scheduleSegmentId = text(t.segmentId);
  } else if (kind === 'date_attribute') {
    d.attribute = text(t.attribute);
    const offset = Number(t.offsetDays ?? 0);
    d.offsetDirection = offset < 0 ? 'before' : offset > 0 ? 'after' : 'on';
    d.offsetDays = String(Math.abs(offset));
    d.atLocalTime = text(t.atLocalTime);
  } else if (kind === 'inactivity') d.inactivityDays = text(t.days);
  return d;
}

/** Event-property condition values: numbers for gt/lt, none for exists, text otherwise (eq/neq compare as text). */
function eventValue(c: EventConditionDraft): Record<string, unknown> {
  if (c.op === 'exists') return {};
  if (c.op === 'gt' || c.op === 'lt') return { value: numberOrText(c.value) };
  return { value: c.value };
}

export function conditionsToApi(d: RuleDraft): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (d.contact) out.contact = d.contact;
  if (d.event.length > 0)
    out.event = d.event.map((c) => ({ property: c.property.trim(), op: c.op, ...eventValue(c) }));
  const conv = d.conversation;
  const labels = splitList(conv.labels);
  const conversation = {
    ...(conv.status.length ? { status: conv.status } : {}),
    ...(conv.channelIds.length ? { channelIds: conv.channelIds } : {}),
    ...(labels.length ? { labels } : {}),
    ...(conv.textContains.trim() ? { textContains: conv.textContains.trim() } : {}),
  };
  if (Object.keys(conversation).length > 0) out.conversation = conversation;
  return out;
}

export function ruleToApi(d: RuleDraft): RuleJson {
  return {
    name: d.name.trim(),
    description: d.description.trim() || null,
    enabled: d.enabled,
    trigger: triggerToApi(d.trigger),
    conditions: conditionsToApi(d),
    actions: d.actions.map(actionToApi),
  };
}

export function ruleFromApi(r: {
  name: string;
  description: string | null;
  enabled: boolean;
  trigger: unknown;
  conditions: unknown;
  actions: unknown;
}): RuleDraft {
  const c = (r.conditions ?? {}) as {
    contact?: FilterGroup;
    event?: Array<{ property: string; op: EventOp; value?: unknown }>;
    conversation?: {
      status?: ConversationStatus[];
      channelIds?: string[];
      labels?: string[];
      textContains?: string;
    };
  };
  return {
    name: r.name,
    description: r.description ?? '',
    enabled: r.enabled,
    trigger: triggerFromApi((r.trigger ?? {}) as Record<string, unknown>),
    contact: c.contact ?? null,
    event: (c.event ?? []).map((e) => ({
      key: draftKey(),
      property: e.property,
      op: e.op,
      value: text(e.value),
    })),
    conversation: {
      status: c.conversation?.status ?? [],
      channelIds: c.conversation?.channelIds ?? [],
      labels: (c.conversation?.labels ?? []).join(', '),
      textContains: c.conversation?.textContains ?? '',
    },
    actions: ((r.actions ?? []) as Record<string, unknown>[]).map(actionFromApi),
  };
}

/** Moves the item at `index` by `delta` (−1 up, +1 down); out of range leaves the list as it is. */
export function moveItem<T>(list: readonly T[], index: number, delta: -1 | 1): T[] {
  const to = index + delta;
  if (index < 0 || index >= list.length || to < 0 || to >= list.length) return [...list];
  const next = [...list];
  const [item] = next.splice(index, 1);
  next.splice(to, 0, item as T);
  return next;
}

export function addAction(d: RuleDraft, type: ActionType): RuleDraft {
  return { ...d, actions: [...d.actions, newAction(type)] };
}

export function removeAction(d: RuleDraft, index: number): RuleDraft {
  return { ...d, actions: d.actions.filter((_, i) => i !== index) };
}

export function moveAction(d: RuleDraft, index: number, delta: -1 | 1): RuleDraft {
  return { ...d, actions: moveItem(d.actions, index, delta) };
}

/** Conversation triggers are the only ones with a conversation to act on or to check. */
export function hasConversation(trigger: TriggerDraft): boolean {
  return trigger.kind === 'conversation';
}

/**
 * The API's problems by field, dotted (`trigger.event`, `actions.2.seconds`, `conditions.event.0.value`): the API names
 * fields `actions[2].seconds`, schema validation `body/actions/2/seconds`; both land on the same key.
 */
export function problemsByField(
  details: ReadonlyArray<{ path?: string; message: string }>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of details) {
    const key = normalizeRulePath(d.path);
    out[key] = out[key] ? `${out[key]}; ${d.message}` : d.message;
  }
  return out;
}

export function normalizeRulePath(path: string | undefined): string {
  return (path ?? '')
    .replace(/^\/?body\//, '')
    .replace(/^\//, '')
    .replace(/\[(\d+)\]/g, '.$1')
    .replace(/\//g, '.');
}

/** The problem of a field or of anything under it (`trigger` also shows `trigger.kind`). */
export function problemAt(problems: Record<string, string>, field: string): string | undefined {
  if (problems[field]) return problems[field];
  return Object.entries(problems).find(([k]) => k.startsWith(`${field}.`))?.[1];
}

/** For built-in rules named "Русское / English": the part in the current language. */
export function localName(name: string, locale: 'ru' | 'en'): string {
  const parts = name.split(' / ');
  if (parts.length !== 2) return name;
  return (locale === 'ru' ? parts[0] : parts[1])!.trim();
}
