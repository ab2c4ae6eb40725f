import type { FieldProblem } from '../../lib/errors.ts';
import { normalizeLanguage, normalizeTags } from '../contact-fields.ts';

/**
 * The segment filter grammar (docs/api.md "Segments") and its validation.
 * Parsing turns untrusted JSON into these types or a list of problems, each with the path of the node
 * (`filter.conditions[2].value`) and the reason; the compiler only ever sees parsed filters.
 */

export interface FilterGroup {
  op: 'and' | 'or';
  conditions: FilterNode[];
}

export type FilterNode = FilterGroup | Condition;

export type StringField = 'language' | 'timezone' | 'source';
export type DateField = 'createdAt' | 'lastActivityAt';

export type Condition =
  | { type: 'field'; field: StringField; op: 'eq' | 'neq'; value: string }
  | { type: 'field'; field: StringField; op: 'in' | 'not_in'; value: string[] }
  | { type: 'field'; field: StringField | DateField | 'birthday'; op: 'exists' | 'not_exists' }
  | { type: 'field'; field: 'subscribed' | 'blocked'; op: 'eq'; value: boolean }
  | { type: 'field'; field: 'tags'; op: 'has_any' | 'has_all' | 'has_none'; value: string[] }
  | { type: 'field'; field: DateField; op: 'before' | 'after'; value: string }
  | { type: 'field'; field: DateField; op: 'within_last_days' | 'not_within_last_days'; value: number }
  | { type: 'field'; field: 'birthdayMonth' | 'birthdayDay'; op: NumberOp; value: number | [number, number] }
  | AttributeCondition
  | { type: 'channel'; op: 'reachable' | 'not_reachable'; channelId?: string; channelType?: string }
  | {
      type: 'conversation';
      op: 'exists' | 'not_exists';
      status: Array<'open' | 'pending' | 'snoozed' | 'resolved'>;
      channelId?: string;
    }
  | EventCondition
  | NotificationCondition;

/**
 * Whether the contact's notification preferences allow a type (not turned off), and on `channel` when given (that kind
 * not turned off globally nor for the type). Used by the notification topic form to leave out who opted out.
 */
export interface NotificationCondition {
  type: 'notification';
  key: string;
  op: 'allowed' | 'not_allowed';
  channel?: 'telegram' | 'email';
}

export type NumberOp = 'eq' | 'neq' | 'gt' | 'gte' | 'lt' | 'lte' | 'between';

export type AttributeCondition =
  | { type: 'attribute'; key: string; valueType: 'string'; op: 'eq' | 'neq'; value: string }
  | {
      type: 'attribute';
      key: string;
      valueType: 'string';
      op: 'contains' | 'not_contains' | 'starts_with';
      value: string;
    }
  | { type: 'attribute'; key: string; valueType: 'string'; op: 'in'; value: string[] }
  | { type: 'attribute'; key: string; valueType: 'number'; op: NumberOp; value: number | [number, number] }
  | { type: 'attribute'; key: string; valueType: 'boolean'; op: 'eq'; value: boolean }
  | { type: 'attribute'; key: string; valueType: 'date'; op: 'before' | 'after'; value: string }
  | { type: 'attribute'; key: string; valueType: 'date'; op: 'within_last_days'; value: number }
  | { type: 'attribute'; key: string; op: 'exists' | 'not_exists' };

export interface EventCondition {
  type: 'event';
  name: string;
  op: 'did' | 'did_not';
  /** did: at least this many times (default 1). */
  atLeast?: number;
  /** Only events in the last D days; absent = ever. */
  withinDays?: number;
  /** Events whose properties contain these key/values (JSON containment). */
  properties?: Record<string, string | number | boolean>;
}

export const LIMITS = { depth: 5, nodes: 100, listValues: 500, days: 36500, stringLength: 500 };

export const EVENT_NAME = /^[A-Za-z0-9_.:-]{1,100}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const STRING_FIELDS = ['language', 'timezone', 'source'];
const DATE_FIELDS = ['createdAt', 'lastActivityAt'];
const NUMBER_OPS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between'];
const CONVERSATION_STATUSES = ['open', 'pending', 'snoozed', 'resolved'];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (xs: readonly string[]) => xs.map((x) => `"${x}"`).join(', ');

/** Validates a filter tree; on success `filter` is the normalised tree (tags lowercased, languages canonical). */
export function parseFilter(
  raw: unknown,
  root = 'filter',
): { filter?: FilterGroup; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  let nodes = 0;
  const fail = (path: string, message: string) => {
    problems.push({ path, message });
    return undefined;
  };

  const group = (v: Obj, path: string, depth: number): FilterGroup | undefined => {
    if (depth > LIMITS.depth) return fail(path, `groups nest at most ${LIMITS.depth} levels deep`);
    unknownKeys(v, ['op', 'conditions'], path, problems);
    if (v.op !== 'and' && v.op !== 'or') fail(`${path}.op`, 'must be "and" or "or"');
    if (!Array.isArray(v.conditions))
      return fail(`${path}.conditions`, 'must be an array of conditions or groups');
    const out: FilterNode[] = [];
    v.conditions.forEach((c, i) => {
      const n = node(c, `${path}.conditions[${i}]`, depth);
      if (n) out.push(n);
    });
    return { op: v.op as 'and' | 'or', conditions: out };
  };

  const node = (v: unknown, path: string, depth: number): FilterNode | undefined => {
    nodes += 1;
    if (nodes === LIMITS.nodes + 1) fail(root, `a filter has at most ${LIMITS.nodes} conditions and groups`);
    if (nodes > LIMITS.nodes) return undefined;
    if (!isObj(v)) return fail(path, 'must be an object (a condition or a group)');
    if ('conditions' in v) return group(v, path, depth + 1);
    return condition(v, path);
  };

  const condition = (v: Obj, path: string): Condition | undefined => {
    switch (v.type) {
      case 'field':
        return fieldCondition(v, path, problems);
      case 'attribute':
        return attributeCondition(v, path, problems);
      case 'channel':
        return channelCondition(v, path, problems);
      case 'conversation':
        return conversationCondition(v, path, problems);
      case 'event':
        return eventCondition(v, path, problems);
      case 'notification':
        return notificationCondition(v, path, problems);
      default:
        return fail(
          `${path}.type`,
          'must be "field", "attribute", "channel", "conversation", "event" or "notification" (or give "op" and "conditions" for a group)',
        );
    }
  };

  if (!isObj(raw))
    return { problems: [{ path: root, message: 'must be a group: {"op": "and", "conditions": [...]}' }] };
  const filter = group(raw, root, 1);
  return problems.length ? { problems } : { filter, problems };
}

function unknownKeys(v: Obj, allowed: string[], path: string, problems: FieldProblem[]) {
  for (const k of Object.keys(v))
    if (!allowed.includes(k)) problems.push({ path: `${path}.${k}`, message: 'unknown field' });
}

function oneOf<T extends string>(
  v: unknown,
  allowed: readonly T[],
  path: string,
  problems: FieldProblem[],
): T | undefined {
  if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
  problems.push({ path, message: `must be one of ${list(allowed)}` });
  return undefined;
}

function str(v: unknown, path: string, problems: FieldProblem[]): string | undefined {
  if (typeof v === 'string' && v.length >= 1 && v.length <= LIMITS.stringLength) return v;
  problems.push({ path, message: `must be a string of 1 to ${LIMITS.stringLength} characters` });
  return undefined;
}

function strList(v: unknown, path: string, problems: FieldProblem[]): string[] | undefined {
  if (!Array.isArray(v) || v.length === 0 || v.length > LIMITS.listValues) {
    problems.push({ path, message: `must be an array of 1 to ${LIMITS.listValues} strings` });
    return undefined;
  }
  const bad = v.findIndex((x) => typeof x !== 'string' || x.length > LIMITS.stringLength);
  if (bad >= 0) {
    problems.push({
      path: `${path}[${bad}]`,
      message: `must be a string of at most ${LIMITS.stringLength} characters`,
    });
    return undefined;
  }
  return v as string[];
}

function int(
  v: unknown,
  min: number,
  max: number,
  path: string,
  problems: FieldProblem[],
): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max) return v;
  problems.push({ path, message: `must be a whole number from ${min} to ${max}` });
  return undefined;
}

function num(v: unknown, path: string, problems: FieldProblem[]): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  problems.push({ path, message: 'must be a number' });
  return undefined;
}

/** `between` takes [low, high]; other number operators one number. Birthday parts are whole numbers in range. */
function numberValue(
  op: NumberOp,
  v: unknown,
  path: string,
  problems: FieldProblem[],
  range?: [number, number],
): number | [number, number] | undefined {
  const one = (x: unknown, p: string) =>
    range ? int(x, range[0], range[1], p, problems) : num(x, p, problems);
  if (op !== 'between') return one(v, path);
  if (!Array.isArray(v) || v.length !== 2) {
    problems.push({ path, message: 'must be [low, high]' });
    return undefined;
  }
  const lo = one(v[0], `${path}[0]`);
  const hi = one(v[1], `${path}[1]`);
  if (lo === undefined || hi === undefined) return undefined;
  if (lo > hi) {
    problems.push({ path, message: 'low must not be greater than high' });
    return undefined;
  }
  return [lo, hi];
}

function date(v: unknown, path: string, problems: FieldProblem[]): string | undefined {
  if (typeof v === 'string' && ISO_DATE.test(v) && !Number.isNaN(Date.parse(v))) return v;
  problems.push({
    path,
    message: 'must be an ISO 8601 date or date-time (2026-01-31 or 2026-01-31T10:00:00Z)',
  });
  return undefined;
}

function fieldCondition(v: Obj, path: string, problems: FieldProblem[]): Condition | undefined {
  const n = problems.length;
  const field = oneOf(
    v.field,
    [
      ...STRING_FIELDS,
      ...DATE_FIELDS,
      'subscribed',
      'blocked',
      'tags',
      'birthday',
      'birthdayMonth',
      'birthdayDay',
    ],
    `${path}.field`,
    problems,
  );
  if (!field) return undefined;
  const ops: string[] = STRING_FIELDS.includes(field)
    ? ['eq', 'neq', 'in', 'not_in', 'exists', 'not_exists']
    : DATE_FIELDS.includes(field)
      ? ['before', 'after', 'within_last_days', 'not_within_last_days', 'exists', 'not_exists']
      : field === 'subscribed' || field === 'blocked'
        ? ['eq']
        : field === 'tags'
          ? ['has_any', 'has_all', 'has_none']
          : field === 'birthday'
            ? ['exists', 'not_exists']
            : NUMBER_OPS;
  const op = oneOf(v.op, ops, `${path}.op`, problems);
  if (!op) return undefined;
  const noValue = op === 'exists' || op === 'not_exists';
  unknownKeys(v, noValue ? ['type', 'field', 'op'] : ['type', 'field', 'op', 'value'], path, problems);
  const vp = `${path}.value`;
  let value: unknown;
  if (noValue) value = undefined;
  else if (STRING_FIELDS.includes(field)) {
    const norm = (s: string) => (field === 'language' ? (normalizeLanguage(s) ?? s) : s);
    if (op === 'in' || op === 'not_in') value = strList(v.value, vp, problems)?.map(norm);
    else {
      const s = str(v.value, vp, problems);
      value = s === undefined ? undefined : norm(s);
    }
  } else if (DATE_FIELDS.includes(field))
    value =
      op === 'before' || op === 'after'
        ? date(v.value, vp, problems)
        : int(v.value, 1, LIMITS.days, vp, problems);
  else if (field === 'subscribed' || field === 'blocked') {
    if (typeof v.value === 'boolean') value = v.value;
    else problems.push({ path: vp, message: 'must be true or false' });
  } else if (field === 'tags') {
    const tags = strList(v.value, vp, problems);
    value = tags ? normalizeTags(tags) : undefined;
  } else {
    value = numberValue(op as NumberOp, v.value, vp, problems, field === 'birthdayMonth' ? [1, 12] : [1, 31]);
  }
  if (problems.length > n) return undefined;
  return (noValue ? { type: 'field', field, op } : { type: 'field', field, op, value }) as Condition;
}

function attributeCondition(v: Obj, path: string, problems: FieldProblem[]): Condition | undefined {
  const n = problems.length;
  // The key is only ever a bound parameter (attributes ->> $1), so any text is harmless; the length is a sanity limit.
  const key = typeof v.key === 'string' && v.key.length >= 1 && v.key.length <= 100 ? v.key : undefined;
  if (key === undefined)
    problems.push({ path: `${path}.key`, message: 'must be an attribute name of 1 to 100 characters' });
  if (v.op === 'exists' || v.op === 'not_exists') {
    unknownKeys(v, ['type', 'key', 'op', 'valueType'], path, problems);
    return problems.length > n ? undefined : { type: 'attribute', key: key!, op: v.op };
  }
  unknownKeys(v, ['type', 'key', 'op', 'valueType', 'value'], path, problems);
  const valueType = oneOf(
    v.valueType,
    ['string', 'number', 'boolean', 'date'],
    `${path}.valueType`,
    problems,
  );
  if (!valueType) return undefined;
  const ops = {
    string: ['eq', 'neq', 'contains', 'not_contains', 'starts_with', 'in', 'exists', 'not_exists'],
    number: [...NUMBER_OPS, 'exists', 'not_exists'],
    boolean: ['eq', 'exists', 'not_exists'],
    date: ['before', 'after', 'within_last_days', 'exists', 'not_exists'],
  }[valueType];
  const op = oneOf(v.op, ops, `${path}.op`, problems);
  if (!op) return undefined;
  const vp = `${path}.value`;
  let value: unknown;
  if (valueType === 'string')
    value = op === 'in' ? strList(v.value, vp, problems) : str(v.value, vp, problems);
  else if (valueType === 'number') value = numberValue(op as NumberOp, v.value, vp, problems);
  else if (valueType === 'boolean') {
    if (typeof v.value === 'boolean') value = v.value;
    else problems.push({ path: vp, message: 'must be true or false' });
  } else
    value =
      op === 'within_last_days' ? int(v.value, 1, LIMITS.days, vp, problems) : date(v.value, vp, problems);
  if (problems.length > n) return undefined;
  return { type: 'attribute', key: key!, valueType, op, value } as Condition;
}

function channelCondition(v: Obj, path: string, problems: FieldProblem[]): Condition | undefined {
  const n = problems.length;
  unknownKeys(v, ['type', 'op', 'channelId', 'channelType'], path, problems);
  const op = oneOf(v.op, ['reachable', 'not_reachable'], `${path}.op`, problems);
  if (v.channelId !== undefined && !(typeof v.channelId === 'string' && UUID.test(v.channelId)))
    problems.push({ path: `${path}.channelId`, message: 'must be a channel id (uuid)' });
  if (
    v.channelType !== undefined &&
    !(typeof v.channelType === 'string' && /^[a-z_]{1,32}$/.test(v.channelType))
  )
    problems.push({ path: `${path}.channelType`, message: 'must be a channel type such as "telegram"' });
  if (problems.length > n || !op) return undefined;
  return {
    type: 'channel',
    op,
    ...(v.channelId ? { channelId: v.channelId as string } : {}),
    ...(v.channelType ? { channelType: v.channelType as string } : {}),
  };
}

function notificationCondition(v: Obj, path: string, problems: FieldProblem[]): Condition | undefined {
  const n = problems.length;
  unknownKeys(v, ['type', 'key', 'op', 'channel'], path, problems);
  const op = oneOf(v.op, ['allowed', 'not_allowed'], `${path}.op`, problems);
  if (!(typeof v.key === 'string' && /^[a-z0-9][a-z0-9_.-]{0,63}$/.test(v.key)))
    problems.push({ path: `${path}.key`, message: 'must be a notification type key' });
  const channel =
    v.channel === undefined
      ? undefined
      : oneOf(v.channel, ['telegram', 'email'], `${path}.channel`, problems);
  if (problems.length > n || !op) return undefined;
  return { type: 'notification', key: v.key as string, op, ...(channel ? { channel } : {}) };
}

function conversationCondition(v: Obj, path: string, problems: FieldProblem[]): Condition | undefined {
  const n = problems.length;
  unknownKeys(v, ['type', 'op', 'status', 'channelId'], path, problems);
  const op = oneOf(v.op, ['exists', 'not_exists'], `${path}.op`, problems);
  let status: string[] = ['open'];
  if (v.status !== undefined) {
    const s = strList(v.status, `${path}.status`, problems);
    const bad = s?.findIndex((x) => !CONVERSATION_STATUSES.includes(x)) ?? -1;
    if (bad >= 0)
      problems.push({
        path: `${path}.status[${bad}]`,
        message: `must be one of ${list(CONVERSATION_STATUSES)}`,
      });
    if (s) status = s;
  }
  if (v.channelId !== undefined && !(typeof v.channelId === 'string' && UUID.test(v.channelId)))
    problems.push({ path: `${path}.channelId`, message: 'must be a channel id (uuid)' });
  if (problems.length > n || !op) return undefined;
  return {
    type: 'conversation',
    op,
    status: status as Array<'open'>,
    ...(v.channelId ? { channelId: v.channelId as string } : {}),
  };
}

function eventCondition(v: Obj, path: string, problems: FieldProblem[]): Condition | undefined {
  const n = problems.length;
  unknownKeys(v, ['type', 'name', 'op', 'atLeast', 'withinDays', 'properties'], path, problems);
  if (!(typeof v.name === 'string' && EVENT_NAME.test(v.name)))
    problems.push({
      path: `${path}.name`,
      message: 'must be an event name: 1 to 100 letters, digits, "_", ".", ":" or "-"',
    });
  const op = oneOf(v.op, ['did', 'did_not'], `${path}.op`, problems);
  const out: EventCondition = { type: 'event', name: v.name as string, op: op ?? 'did' };
  if (v.atLeast !== undefined) {
    if (op === 'did_not') problems.push({ path: `${path}.atLeast`, message: 'only with "did"' });
    else out.atLeast = int(v.atLeast, 1, 1_000_000, `${path}.atLeast`, problems);
  }
  if (v.withinDays !== undefined)
    out.withinDays = int(v.withinDays, 1, LIMITS.days, `${path}.withinDays`, problems);
  if (v.properties !== undefined) {
    const pp = `${path}.properties`;
    if (
      !isObj(v.properties) ||
      Object.keys(v.properties).length === 0 ||
      Object.keys(v.properties).length > 20
    )
      problems.push({ path: pp, message: 'must be an object of 1 to 20 property values to match' });
    else {
      for (const [k, pv] of Object.entries(v.properties)) {
        const ok =
          (typeof pv === 'string' && pv.length <= LIMITS.stringLength) ||
          typeof pv === 'boolean' ||
          (typeof pv === 'number' && Number.isFinite(pv));
        if (!ok || k.length > 100)
          problems.push({ path: `${pp}.${k}`, message: 'must be a string, number or boolean' });
      }
      out.properties = v.properties as EventCondition['properties'];
    }
  }
  return problems.length > n ? undefined : out;
}
