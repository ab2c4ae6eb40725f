import type { Condition, FilterValue } from './filter-types.ts';

/**
 * What the builder offers for each kind of condition: its operators and the input each operator needs. Mirrors the
 * server's grammar (server/src/services/segments/filter.ts); changing the subject, operator or value type always leaves
 * a value of the type the new operator takes, so the API only ever objects to what is missing, never to a wrong type.
 */

/** The first select of a condition row: which fact about the contact it tests. */
export type Subject =
  | 'subscribed'
  | 'blocked'
  | 'language'
  | 'timezone'
  | 'source'
  | 'tags'
  | 'createdAt'
  | 'lastActivityAt'
  | 'birthday'
  | 'birthdayMonth'
  | 'birthdayDay'
  | 'attribute'
  | 'channel'
  | 'conversation'
  | 'event'
  | 'notification';

export const SUBJECTS: readonly Subject[] = [
  'subscribed',
  'blocked',
  'language',
  'tags',
  'lastActivityAt',
  'createdAt',
  'timezone',
  'source',
  'birthday',
  'birthdayMonth',
  'birthdayDay',
  'attribute',
  'channel',
  'conversation',
  'event',
  'notification',
];

/** The input an operator needs. */
export type ValueKind =
  | 'none'
  | 'boolean'
  | 'text'
  | 'textList'
  | 'language'
  | 'languageList'
  | 'tags'
  | 'number'
  | 'numberRange'
  | 'date'
  | 'days';

const NUMBER_OPS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between'];
const STRING_FIELD_OPS = ['eq', 'neq', 'in', 'not_in', 'exists', 'not_exists'];
const DATE_FIELD_OPS = [
  'within_last_days',
  'not_within_last_days',
  'before',
  'after',
  'exists',
  'not_exists',
];
const ATTRIBUTE_OPS: Record<NonNullable<Condition['valueType']>, string[]> = {
  string: ['eq', 'neq', 'contains', 'not_contains', 'starts_with', 'in', 'exists', 'not_exists'],
  number: [...NUMBER_OPS, 'exists', 'not_exists'],
  boolean: ['eq', 'exists', 'not_exists'],
  date: ['before', 'after', 'within_last_days', 'exists', 'not_exists'],
};

/** Which subject a condition belongs to. */
export function subjectOf(c: Condition): Subject {
  if (c.type === 'field') return (c.field ?? 'language') as Subject;
  return c.type;
}

/** The operators a condition may take. */
export function opsFor(c: Condition): string[] {
  switch (subjectOf(c)) {
    case 'language':
    case 'timezone':
    case 'source':
      return STRING_FIELD_OPS;
    case 'createdAt':
    case 'lastActivityAt':
      return DATE_FIELD_OPS;
    case 'subscribed':
    case 'blocked':
      return ['eq'];
    case 'tags':
      return ['has_any', 'has_all', 'has_none'];
    case 'birthday':
      return ['exists', 'not_exists'];
    case 'birthdayMonth':
    case 'birthdayDay':
      return NUMBER_OPS;
    case 'attribute':
      return ATTRIBUTE_OPS[c.valueType ?? 'string'];
    case 'channel':
      return ['reachable', 'not_reachable'];
    case 'conversation':
      return ['exists', 'not_exists'];
    case 'event':
      return ['did', 'did_not'];
    case 'notification':
      return ['allowed', 'not_allowed'];
  }
}

/** The input the condition's `value` needs ('none' for conditions whose facts live in other keys). */
export function valueKind(c: Condition): ValueKind {
  const { op } = c;
  if (op === 'exists' || op === 'not_exists') return 'none';
  const subject = subjectOf(c);
  switch (subject) {
    case 'language':
      return op === 'in' || op === 'not_in' ? 'languageList' : 'language';
    case 'timezone':
    case 'source':
      return op === 'in' || op === 'not_in' ? 'textList' : 'text';
    case 'createdAt':
    case 'lastActivityAt':
      return op === 'before' || op === 'after' ? 'date' : 'days';
    case 'subscribed':
    case 'blocked':
      return 'boolean';
    case 'tags':
      return 'tags';
    case 'birthdayMonth':
    case 'birthdayDay':
      return op === 'between' ? 'numberRange' : 'number';
    case 'attribute':
      switch (c.valueType ?? 'string') {
        case 'string':
          return op === 'in' ? 'textList' : 'text';
        case 'number':
          return op === 'between' ? 'numberRange' : 'number';
        case 'boolean':
          return 'boolean';
        case 'date':
          return op === 'within_last_days' ? 'days' : 'date';
      }
      return 'text';
    default:
      return 'none';
  }
}

/** A value of the kind asked for, kept from the previous one where it still makes sense. */
export function coerceValue(kind: ValueKind, previous: FilterValue | undefined): FilterValue | undefined {
  const first = Array.isArray(previous) ? previous[0] : previous;
  switch (kind) {
    case 'none':
      return undefined;
    case 'boolean':
      return typeof previous === 'boolean' ? previous : true;
    case 'text':
    case 'language':
      return typeof first === 'string' ? first : '';
    case 'textList':
    case 'languageList':
    case 'tags':
      if (Array.isArray(previous)) return previous.filter((x): x is string => typeof x === 'string');
      return typeof previous === 'string' && previous ? [previous] : [];
    case 'number':
      return typeof first === 'number' ? first : null;
    case 'numberRange':
      if (Array.isArray(previous) && previous.length === 2 && previous.every((x) => typeof x === 'number'))
        return previous as [number, number];
      return typeof first === 'number' ? [first, first] : [null, null];
    case 'date':
      return typeof previous === 'string' && /^\d{4}-\d{2}-\d{2}/.test(previous) ? previous : null;
    case 'days':
      return typeof previous === 'number' && Number.isInteger(previous) && previous > 0 ? previous : 30;
  }
}

function withValue(c: Condition): Condition {
  const { value, ...rest } = c;
  const next = coerceValue(valueKind(c), value);
  return next === undefined ? (rest as Condition) : { ...rest, value: next };
}

/** A new condition of a subject, with the values most people start from. */
export function defaultCondition(subject: Subject): Condition {
  switch (subject) {
    case 'subscribed':
      return { type: 'field', field: 'subscribed', op: 'eq', value: true };
    case 'blocked':
      return { type: 'field', field: 'blocked', op: 'eq', value: false };
    case 'language':
      return { type: 'field', field: 'language', op: 'eq', value: 'ru' };
    case 'timezone':
    case 'source':
      return { type: 'field', field: subject, op: 'eq', value: '' };
    case 'tags':
      return { type: 'field', field: 'tags', op: 'has_any', value: [] };
    case 'createdAt':
    case 'lastActivityAt':
      return { type: 'field', field: subject, op: 'within_last_days', value: 30 };
    case 'birthday':
      return { type: 'field', field: 'birthday', op: 'exists' };
    case 'birthdayMonth':
    case 'birthdayDay':
      return { type: 'field', field: subject, op: 'eq', value: 1 };
    case 'attribute':
      return { type: 'attribute', key: '', valueType: 'string', op: 'eq', value: '' };
    case 'channel':
      return { type: 'channel', op: 'reachable', channelType: 'telegram' };
    case 'conversation':
      return { type: 'conversation', op: 'exists', status: ['open'] };
    case 'event':
      return { type: 'event', name: '', op: 'did', atLeast: 1, withinDays: 30 };
    case 'notification':
      return { type: 'notification', key: '', op: 'allowed' };
  }
}

/** The condition with another operator; the value follows the operator's type, `atLeast` leaves with `did`. */
export function withOp(c: Condition, op: string): Condition {
  if (!opsFor(c).includes(op)) return c;
  const next: Condition = { ...c, op };
  if (c.type === 'event') {
    if (op === 'did_not') delete next.atLeast;
    else if (next.atLeast === undefined) next.atLeast = 1;
    return next;
  }
  if (c.type === 'attribute' && (op === 'exists' || op === 'not_exists')) {
    // The server takes valueType beside exists too; kept so switching back restores the typed input.
    const { value: _drop, ...rest } = next;
    return rest as Condition;
  }
  return c.type === 'field' || c.type === 'attribute' ? withValue(next) : next;
}

/** An attribute condition with another value type: the operator stays when the new type has it, else the type's first. */
export function withValueType(c: Condition, valueType: NonNullable<Condition['valueType']>): Condition {
  const ops = ATTRIBUTE_OPS[valueType];
  const op = ops.includes(c.op) ? c.op : ops[0]!;
  return withValue({ ...c, valueType, op });
}

/** The value a number input's text stands for: null while empty or not a number, so the API names the node. */
export function parseNumberInput(text: string): number | null {
  const trimmed = text.trim().replace(',', '.');
  if (trimmed === '') return null;
  const n = Number(trimmed);
  return Number.isFinite(n) ? n : null;
}

/** The entries of a comma-separated list input, trimmed, empty ones dropped. */
export function parseListInput(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * Tags typed into the tag picker added to the list: lowercased as the server stores them, duplicates dropped; the same
 * array back when nothing was added, so no edit is recorded.
 */
export function addTags(current: readonly string[], typed: string): string[] {
  const added = parseListInput(typed)
    .map((tag) => tag.toLowerCase())
    .filter((tag, i, all) => !current.includes(tag) && all.indexOf(tag) === i);
  return added.length ? [...current, ...added] : (current as string[]);
}

/** Common languages offered in the language select (any other can still be typed as a list value). */
export const LANGUAGES = [
  'ru',
  'en',
  'uk',
  'be',
  'kk',
  'uz',
  'de',
  'fr',
  'es',
  'it',
  'pt',
  'tr',
  'pl',
  'zh',
  'ar',
];

export const CONVERSATION_STATUSES = ['open', 'pending', 'snoozed', 'resolved'] as const;
