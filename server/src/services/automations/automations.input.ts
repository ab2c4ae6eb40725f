import { type FieldProblem, ValidationError } from '../../lib/errors.ts';
import { isTimezone } from '../contact-fields.ts';
import { EVENT_NAME, parseFilter } from '../segments/filter.ts';
import { cronProblem } from './schedule-cron.ts';
import type { AutomationAction, AutomationConditions, AutomationTrigger } from './types.ts';

/**
 * Validation of a rule as saved through the API. Every problem names its field with the path a client can point at:
 * `trigger.event`, `conditions.contact.conditions[1].op`, `actions[2].seconds`.
 */

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
const PROPERTY = /^[A-Za-z0-9_.-]{1,100}$/;
export const MAX_ACTIONS = 30;
/** The longest single wait: a year (a run that waits longer is a calendar trigger's job). */
export const MAX_WAIT_SECONDS = 366 * 86400;
const MAX_TEXT = 4000;

/** A rule's body as validated: every field present. */
export interface RuleInput {
  name: string;
  description: string | null;
  enabled: boolean;
  trigger: AutomationTrigger;
  conditions: AutomationConditions;
  actions: AutomationAction[];
}

/** Extra checks for action types implemented elsewhere (registered with the action): problems relative to the action. */
export type ActionCheck = (action: Obj, path: string, problems: FieldProblem[]) => void;

class Problems {
  readonly list: FieldProblem[] = [];
  add(path: string, message: string): undefined {
    this.list.push({ path, message });
    return undefined;
  }
  unknownKeys(v: Obj, allowed: string[], path: string) {
    for (const k of Object.keys(v)) if (!allowed.includes(k)) this.add(`${path}.${k}`, 'unknown field');
  }
  str(v: unknown, path: string, max = 200, optional = false): string | undefined {
    if (v === undefined && optional) return undefined;
    if (typeof v === 'string' && v.trim().length >= 1 && v.length <= max) return v;
    return this.add(path, `must be a string of 1 to ${max} characters`);
  }
  int(v: unknown, min: number, max: number, path: string): number | undefined {
    if (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max) return v;
    return this.add(path, `must be a whole number from ${min} to ${max}`);
  }
  uuid(v: unknown, path: string): string | undefined {
    if (typeof v === 'string' && UUID.test(v)) return v.toLowerCase();
    return this.add(path, 'must be an id (uuid)');
  }
  strings(v: unknown, path: string, max = 50): string[] | undefined {
    if (!Array.isArray(v) || v.length === 0 || v.length > max)
      return this.add(path, `must be an array of 1 to ${max} strings`);
    const bad = v.findIndex((x) => typeof x !== 'string' || x.trim() === '' || x.length > 200);
    if (bad >= 0) return this.add(`${path}[${bad}]`, 'must be a string of 1 to 200 characters');
    return v as string[];
  }
}

const TRIGGER_KINDS = [
  'event',
  'segment_entered',
  'conversation',
  'schedule',
  'date_attribute',
  'inactivity',
];
const CONVERSATION_EVENTS = ['conversation.created', 'message_created', 'resolved', 'waiting'];

function trigger(v: unknown, p: Problems): AutomationTrigger | undefined {
  const path = 'trigger';
  if (!isObj(v)) return p.add(path, `must be an object with "kind" (${TRIGGER_KINDS.join(', ')})`);
  switch (v.kind) {
    case 'event': {
      p.unknownKeys(v, ['kind', 'event', 'occurrenceProperty'], path);
      if (!(typeof v.event === 'string' && EVENT_NAME.test(v.event)))
        p.add(`${path}.event`, 'must be an event name: 1 to 100 letters, digits, "_", ".", ":" or "-"');
      if (
        v.occurrenceProperty !== undefined &&
        !(typeof v.occurrenceProperty === 'string' && PROPERTY.test(v.occurrenceProperty))
      )
        p.add(`${path}.occurrenceProperty`, 'must be a property name (letters, digits, "_", "." or "-")');
      return {
        kind: 'event',
        event: v.event as string,
        ...(v.occurrenceProperty ? { occurrenceProperty: v.occurrenceProperty as string } : {}),
      };
    }
    case 'conversation': {
      p.unknownKeys(v, ['kind', 'event', 'waitingMinutes'], path);
      if (!CONVERSATION_EVENTS.includes(v.event as string))
        p.add(`${path}.event`, `must be one of ${CONVERSATION_EVENTS.join(', ')}`);
      if (v.event === 'waiting') p.int(v.waitingMinutes, 1, 7 * 24 * 60, `${path}.waitingMinutes`);
      else if (v.waitingMinutes !== undefined)
        p.add(`${path}.waitingMinutes`, 'only for the "waiting" event');
      return v as AutomationTrigger;
    }
    case 'segment_entered':
      p.unknownKeys(v, ['kind', 'segmentId'], path);
      p.uuid(v.segmentId, `${path}.segmentId`);
      return v as AutomationTrigger;
    case 'schedule': {
      p.unknownKeys(v, ['kind', 'cron', 'timezone', 'segmentId'], path);
      // The calendar pass's own parser decides what a valid expression is (schedule-cron.ts).
      const cron = typeof v.cron === 'string' ? cronProblem(v.cron) : 'is required';
      if (cron) p.add(`${path}.cron`, `${cron}; 5 fields (minute hour day month weekday), e.g. "0 10 * * 1"`);
      if (!(typeof v.timezone === 'string' && isTimezone(v.timezone)))
        p.add(`${path}.timezone`, 'must be an IANA time zone, e.g. Europe/Moscow');
      if (v.segmentId !== undefined) p.uuid(v.segmentId, `${path}.segmentId`);
      return v as AutomationTrigger;
    }
    case 'date_attribute':
      p.unknownKeys(v, ['kind', 'attribute', 'offsetDays', 'atLocalTime'], path);
      p.str(v.attribute, `${path}.attribute`, 100);
      p.int(v.offsetDays, -365, 365, `${path}.offsetDays`);
      if (v.atLocalTime !== undefined && !(typeof v.atLocalTime === 'string' && HHMM.test(v.atLocalTime)))
        p.add(`${path}.atLocalTime`, 'must be a local time HH:MM, e.g. 09:00');
      return v as AutomationTrigger;
    case 'inactivity':
      p.unknownKeys(v, ['kind', 'days'], path);
      p.int(v.days, 1, 3650, `${path}.days`);
      return v as AutomationTrigger;
    default:
      return p.add(`${path}.kind`, `must be one of ${TRIGGER_KINDS.join(', ')}`);
  }
}

const EVENT_OPS = ['eq', 'neq', 'contains', 'gt', 'lt', 'exists'];
const CONVERSATION_STATUSES = ['open', 'pending', 'snoozed', 'resolved'];

function conditions(v: unknown, p: Problems): AutomationConditions | undefined {
  const path = 'conditions';
  if (v === undefined || v === null) return {};
  if (!isObj(v)) return p.add(path, 'must be an object: {contact?, event?, conversation?}');
  p.unknownKeys(v, ['contact', 'event', 'conversation'], path);
  const out: AutomationConditions = {};
  if (v.contact !== undefined && v.contact !== null) {
    // The segment builder's grammar, checked by the segments validator (paths like conditions.contact.conditions[0].op).
    const parsed = parseFilter(v.contact, `${path}.contact`);
    for (const problem of parsed.problems) p.list.push(problem);
    if (parsed.filter) out.contact = parsed.filter;
  }
  if (v.event !== undefined) {
    if (!Array.isArray(v.event) || v.event.length > 20)
      p.add(`${path}.event`, 'must be an array of at most 20 conditions');
    else
      out.event = v.event.map((c: unknown, i: number) => {
        const at = `${path}.event[${i}]`;
        if (!isObj(c)) return p.add(at, 'must be {property, op, value}') as never;
        p.unknownKeys(c, ['property', 'op', 'value'], at);
        if (!(typeof c.property === 'string' && PROPERTY.test(c.property)))
          p.add(`${at}.property`, 'must be a property name (letters, digits, "_", "." or "-")');
        if (!EVENT_OPS.includes(c.op as string)) p.add(`${at}.op`, `must be one of ${EVENT_OPS.join(', ')}`);
        else if (c.op !== 'exists' && c.value === undefined) p.add(`${at}.value`, 'is required');
        else if ((c.op === 'gt' || c.op === 'lt') && typeof c.value !== 'number')
          p.add(`${at}.value`, 'must be a number');
        return c as never;
      });
  }
  if (v.conversation !== undefined) {
    const c = v.conversation;
    const at = `${path}.conversation`;
    if (!isObj(c)) p.add(at, 'must be {status?, channelIds?, labels?, textContains?}');
    else {
      p.unknownKeys(c, ['status', 'channelIds', 'labels', 'textContains'], at);
      if (c.status !== undefined) {
        const s = p.strings(c.status, `${at}.status`, 4);
        s?.forEach((x, i) => {
          if (!CONVERSATION_STATUSES.includes(x))
            p.add(`${at}.status[${i}]`, `must be one of ${CONVERSATION_STATUSES.join(', ')}`);
        });
      }
      if (c.channelIds !== undefined) {
        const ids = p.strings(c.channelIds, `${at}.channelIds`);
        for (const [i, x] of (ids ?? []).entries()) p.uuid(x, `${at}.channelIds[${i}]`);
      }
      if (c.labels !== undefined) p.strings(c.labels, `${at}.labels`);
      if (c.textContains !== undefined) p.str(c.textContains, `${at}.textContains`, 500);
      out.conversation = c as AutomationConditions['conversation'];
    }
  }
  return out;
}

const CORE_ACTIONS: Record<string, (a: Obj, path: string, p: Problems) => void> = {
  send_notification: (a, path, p) => {
    p.unknownKeys(a, ['type', 'notificationType', 'data', 'channels'], path);
    p.str(a.notificationType, `${path}.notificationType`, 64);
    if (a.data !== undefined && !isObj(a.data)) p.add(`${path}.data`, 'must be an object');
    if (a.channels !== undefined) {
      const list = p.strings(a.channels, `${path}.channels`, 2);
      list?.forEach((c, i) => {
        if (c !== 'telegram' && c !== 'email')
          p.add(`${path}.channels[${i}]`, 'must be "telegram" or "email"');
      });
    }
  },
  wait: (a, path, p) => {
    p.unknownKeys(a, ['type', 'seconds', 'untilLocalTime'], path);
    if ((a.seconds === undefined) === (a.untilLocalTime === undefined))
      p.add(path, 'give exactly one of seconds, untilLocalTime');
    else if (a.seconds !== undefined) p.int(a.seconds, 1, MAX_WAIT_SECONDS, `${path}.seconds`);
    else if (!(typeof a.untilLocalTime === 'string' && HHMM.test(a.untilLocalTime)))
      p.add(`${path}.untilLocalTime`, 'must be a local time HH:MM, e.g. 10:00');
  },
  stop_if_event: (a, path, p) => {
    p.unknownKeys(a, ['type', 'event', 'sameOccurrence'], path);
    if (!(typeof a.event === 'string' && EVENT_NAME.test(a.event)))
      p.add(`${path}.event`, 'must be an event name');
    if (a.sameOccurrence !== undefined && typeof a.sameOccurrence !== 'boolean')
      p.add(`${path}.sameOccurrence`, 'must be true or false');
  },
  add_tags: (a, path, p) => {
    p.unknownKeys(a, ['type', 'tags'], path);
    p.strings(a.tags, `${path}.tags`);
  },
  remove_tags: (a, path, p) => {
    p.unknownKeys(a, ['type', 'tags'], path);
    p.strings(a.tags, `${path}.tags`);
  },
  set_attribute: (a, path, p) => {
    p.unknownKeys(a, ['type', 'key', 'value'], path);
    if (!(typeof a.key === 'string' && /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(a.key)))
      p.add(
        `${path}.key`,
        'must be an attribute key: a letter or "_", then letters, digits or "_" (64 at most)',
      );
    if (a.value === undefined) p.add(`${path}.value`, 'is required (null clears it)');
  },
  issue_coupon: (a, path, p) => {
    p.unknownKeys(a, ['type', 'campaignId', 'deliver'], path);
    p.uuid(a.campaignId, `${path}.campaignId`);
    if (a.deliver !== undefined && typeof a.deliver !== 'boolean')
      p.add(`${path}.deliver`, 'must be true or false');
  },
  assign_conversation: (a, path, p) => {
    p.unknownKeys(a, ['type', 'userId', 'teamId'], path);
    if (a.userId === undefined && a.teamId === undefined) p.add(path, 'give userId or teamId');
    if (a.userId !== undefined) p.uuid(a.userId, `${path}.userId`);
    if (a.teamId !== undefined) p.uuid(a.teamId, `${path}.teamId`);
  },
  set_priority: (a, path, p) => {
    p.unknownKeys(a, ['type', 'priority'], path);
    if (!['low', 'medium', 'high', 'urgent'].includes(a.priority as string))
      p.add(`${path}.priority`, 'must be one of low, medium, high, urgent');
  },
  add_label: (a, path, p) => {
    p.unknownKeys(a, ['type', 'label'], path);
    p.str(a.label, `${path}.label`, 100);
  },
  send_reply: (a, path, p) => {
    p.unknownKeys(a, ['type', 'text'], path);
    p.str(a.text, `${path}.text`, MAX_TEXT);
  },
  add_note: (a, path, p) => {
    p.unknownKeys(a, ['type', 'text'], path);
    p.str(a.text, `${path}.text`, MAX_TEXT);
  },
  webhook: (a, path, p) => {
    p.unknownKeys(a, ['type', 'url', 'secret'], path);
    let ok = false;
    try {
      const u = new URL(String(a.url));
      ok = u.protocol === 'https:' || u.protocol === 'http:';
    } catch {}
    if (!ok || String(a.url).length > 2000) p.add(`${path}.url`, 'must be an http(s) URL');
    if (a.secret !== undefined) p.str(a.secret, `${path}.secret`, 200);
  },
  notify_staff: (a, path, p) => {
    p.unknownKeys(a, ['type', 'text', 'roles'], path);
    p.str(a.text, `${path}.text`, MAX_TEXT);
    if (a.roles !== undefined) p.strings(a.roles, `${path}.roles`, 5);
  },
};

/** Conversation actions need a conversation: rules with other triggers cannot use them. */
export const CONVERSATION_ACTIONS = new Set([
  'assign_conversation',
  'set_priority',
  'add_label',
  'send_reply',
  'add_note',
]);
/** Actions about a contact: a run without one (a schedule with no segment) cannot use them. */
const CONTACT_ACTIONS = new Set([
  'send_notification',
  'stop_if_event',
  'add_tags',
  'remove_tags',
  'set_attribute',
  'issue_coupon',
]);

function actions(v: unknown, t: AutomationTrigger | undefined, extra: Map<string, ActionCheck>, p: Problems) {
  if (!Array.isArray(v) || v.length === 0 || v.length > MAX_ACTIONS)
    return p.add('actions', `must be an array of 1 to ${MAX_ACTIONS} actions`);
  const known = [...Object.keys(CORE_ACTIONS), ...extra.keys()];
  for (const [i, a] of (v as unknown[]).entries()) {
    const path = `actions[${i}]`;
    if (!isObj(a)) {
      p.add(path, 'must be an object with "type"');
      continue;
    }
    const core = CORE_ACTIONS[a.type as string];
    const other = extra.get(a.type as string);
    if (!core && !other) {
      p.add(`${path}.type`, `must be one of ${known.join(', ')}`);
      continue;
    }
    if (core) core(a, path, p);
    else other!(a, path, p.list);
    if (t && CONVERSATION_ACTIONS.has(a.type as string) && t.kind !== 'conversation')
      p.add(`${path}.type`, 'acts on a conversation: only rules with a conversation trigger can use it');
    if (t?.kind === 'schedule' && !t.segmentId && CONTACT_ACTIONS.has(a.type as string))
      p.add(`${path}.type`, 'acts on a contact: a schedule without segmentId runs for no contact');
  }
  return v as AutomationAction[];
}

/** Checks a whole rule (create) or the given fields over the stored rule (update); throws a 400 naming every field. */
export function parseRule(raw: unknown, base: RuleInput | null, extra: Map<string, ActionCheck>): RuleInput {
  const p = new Problems();
  if (!isObj(raw))
    throw new ValidationError('Invalid automation', [{ path: '', message: 'must be an object' }]);
  p.unknownKeys(raw, ['name', 'description', 'enabled', 'trigger', 'conditions', 'actions'], '');
  const has = (k: string) => raw[k] !== undefined || !base;
  const name = has('name') ? p.str(raw.name, 'name', 200) : base!.name;
  let description = base?.description ?? null;
  if (raw.description !== undefined)
    description = raw.description === null ? null : (p.str(raw.description, 'description', 2000) ?? null);
  let enabled = base?.enabled ?? false;
  if (raw.enabled !== undefined) {
    if (typeof raw.enabled !== 'boolean') p.add('enabled', 'must be true or false');
    else enabled = raw.enabled;
  }
  const t = has('trigger') ? trigger(raw.trigger, p) : base!.trigger;
  const c = raw.conditions !== undefined || !base ? conditions(raw.conditions, p) : base.conditions;
  // Actions are checked against the trigger even when only the trigger changed (a conversation action needs one).
  const a = has('actions') ? actions(raw.actions, t, extra, p) : actions(base!.actions, t, extra, p);
  const list = p.list.map((x) => ({ ...x, path: x.path.replace(/^\./, '') }));
  if (list.length) throw new ValidationError('Invalid automation', list);
  return { name: name!, description, enabled, trigger: t!, conditions: c ?? {}, actions: a! };
}
