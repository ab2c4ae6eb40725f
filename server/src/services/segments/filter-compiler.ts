import { type Expression, type ExpressionBuilder, type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type {
  AttributeCondition,
  Condition,
  EventCondition,
  FilterGroup,
  FilterNode,
  NumberOp,
} from './filter.ts';

/**
 * Compiles a parsed segment filter (filter.ts) into one boolean SQL expression over the `contacts` table.
 *
 * Every value from the filter is a bound parameter; the only SQL text is fixed here, and column names come from the
 * switch below (a whitelist), never from the filter. The expression refers to `contacts.<column>`, so it fits any
 * query whose FROM has `contacts` unaliased: a count, a page, a bulk update, or the broadcast snapshot's
 * `insert … select contacts.id from contacts where <segment>`.
 *
 * Null rule: a condition about a value never matches contacts that lack it, except the negative ones
 * (`neq`, `not_in`, `has_none`, `not_contains`, `not_within_last_days`, `not_exists`, `did_not`), which do.
 */
export type ContactsEb = ExpressionBuilder<Database, 'contacts'>;

/** `where((eb) => segmentWhere(filter)(eb))` or simply `.where(segmentWhere(filter))`. */
export function segmentWhere(filter: FilterGroup): (eb: ContactsEb) => Expression<SqlBool> {
  return () => compileNode(filter);
}

/** The expression itself, for callers composing raw SQL. */
export function compileNode(node: FilterNode): RawBuilder<SqlBool> {
  if ('conditions' in node) {
    if (node.conditions.length === 0) return node.op === 'and' ? sql<SqlBool>`true` : sql<SqlBool>`false`;
    const parts = node.conditions.map(compileNode);
    return sql<SqlBool>`(${sql.join(parts, node.op === 'and' ? sql` and ` : sql` or `)})`;
  }
  return compileCondition(node);
}

const not = (e: RawBuilder<SqlBool>) => sql<SqlBool>`(not coalesce(${e}, false))`;
const daysAgo = (days: number) => sql`(now() - make_interval(days => ${days}::int))`;

function compileCondition(c: Condition): RawBuilder<SqlBool> {
  switch (c.type) {
    case 'field':
      return fieldCondition(c);
    case 'attribute':
      return attributeCondition(c);
    case 'channel': {
      const reachable = sql<SqlBool>`exists (select 1 from contact_channels cc join channels ch on ch.id = cc.channel_id
        where cc.contact_id = contacts.id and cc.reachable
        ${c.channelId ? sql`and cc.channel_id = ${c.channelId}::uuid` : sql``}
        ${c.channelType ? sql`and ch.type = ${c.channelType}` : sql``})`;
      return c.op === 'reachable' ? reachable : not(reachable);
    }
    case 'conversation': {
      const has = sql<SqlBool>`exists (select 1 from conversations cv
        where cv.contact_id = contacts.id and cv.status = any(${sql.val(c.status)}::text[])
        ${c.channelId ? sql`and cv.channel_id = ${c.channelId}::uuid` : sql``})`;
      return c.op === 'exists' ? has : not(has);
    }
    case 'event':
      return eventCondition(c);
    case 'notification': {
      // contact_preferences keeps only what was turned off ({"enabled": false}, {"telegram": false}); no row = all on.
      const off = sql<SqlBool>`exists (select 1 from contact_preferences p where p.contact_id = contacts.id and (
        p.types -> ${c.key} ->> 'enabled' = 'false'
        ${c.channel ? sql`or p.channels ->> ${c.channel} = 'false' or p.types -> ${c.key} -> 'channels' ->> ${c.channel} = 'false'` : sql``}))`;
      return c.op === 'allowed' ? not(off) : off;
    }
  }
}

/** Whitelisted column references: the filter names a field, this map names the SQL. */
const COLUMN = {
  language: sql`contacts.language`,
  timezone: sql`contacts.timezone`,
  source: sql`contacts.source`,
  createdAt: sql`contacts.created_at`,
  lastActivityAt: sql`contacts.last_activity_at`,
  birthday: sql`contacts.birthday`,
  subscribed: sql`contacts.subscribed`,
  blocked: sql`contacts.blocked`,
  birthdayMonth: sql`extract(month from contacts.birthday)`,
  birthdayDay: sql`extract(day from contacts.birthday)`,
} as const;

function fieldCondition(c: Extract<Condition, { type: 'field' }>): RawBuilder<SqlBool> {
  if (c.field === 'tags') {
    const tags = sql`${sql.val((c as { value: string[] }).value)}::text[]`;
    if (c.op === 'has_any') return sql<SqlBool>`contacts.tags && ${tags}`;
    if (c.op === 'has_all') return sql<SqlBool>`contacts.tags @> ${tags}`;
    return sql<SqlBool>`not (contacts.tags && ${tags})`;
  }
  const col = COLUMN[c.field];
  switch (c.op) {
    case 'exists':
      return sql<SqlBool>`${col} is not null`;
    case 'not_exists':
      return sql<SqlBool>`${col} is null`;
    case 'eq':
    case 'neq':
    case 'in':
    case 'not_in': {
      if (c.field === 'subscribed' || c.field === 'blocked')
        return sql<SqlBool>`${col} = ${c.value as boolean}`;
      if (c.field === 'birthdayMonth' || c.field === 'birthdayDay')
        return numberCompare(col, c.op as NumberOp, c.value as number);
      const values = Array.isArray(c.value) ? c.value : [c.value as string];
      const arr = sql`${sql.val(values)}::text[]`;
      // A language filter "ru" also means regional variants (ru-RU): compare the primary subtag too.
      const match =
        c.field === 'language'
          ? sql<SqlBool>`(${col} = any(${arr}) or split_part(${col}, '-', 1) = any(${arr}))`
          : sql<SqlBool>`${col} = any(${arr})`;
      return c.op === 'eq' || c.op === 'in' ? match : not(match);
    }
    case 'before':
      return sql<SqlBool>`${col} < ${c.value}::timestamptz`;
    case 'after':
      return sql<SqlBool>`${col} > ${c.value}::timestamptz`;
    case 'within_last_days':
      return sql<SqlBool>`${col} >= ${daysAgo(c.value)}`;
    case 'not_within_last_days':
      return sql<SqlBool>`(${col} is null or ${col} < ${daysAgo(c.value)})`;
    default:
      return numberCompare(col, c.op, c.value as number | [number, number]);
  }
}

function numberCompare(
  expr: RawBuilder<unknown>,
  op: NumberOp,
  value: number | [number, number],
): RawBuilder<SqlBool> {
  if (op === 'between') {
    const [lo, hi] = value as [number, number];
    return sql<SqlBool>`${expr} between ${lo}::numeric and ${hi}::numeric`;
  }
  const v = sql`${value as number}::numeric`;
  switch (op) {
    case 'eq':
      return sql<SqlBool>`${expr} = ${v}`;
    case 'neq':
      return not(sql<SqlBool>`${expr} = ${v}`);
    case 'gt':
      return sql<SqlBool>`${expr} > ${v}`;
    case 'gte':
      return sql<SqlBool>`${expr} >= ${v}`;
    case 'lt':
      return sql<SqlBool>`${expr} < ${v}`;
    case 'lte':
      return sql<SqlBool>`${expr} <= ${v}`;
  }
}

/**
 * Custom attributes are free-form JSON (the API stores numbers, CSV import stores text), so typed comparisons read
 * both forms and treat anything else as missing instead of failing the whole query on one odd value.
 */
function attributeCondition(c: AttributeCondition): RawBuilder<SqlBool> {
  const json = sql`(contacts.attributes -> ${c.key}::text)`;
  const text = sql`(contacts.attributes ->> ${c.key}::text)`;
  const present = sql<SqlBool>`coalesce(jsonb_typeof(${json}), 'null') <> 'null'`;
  if (c.op === 'exists') return present;
  if (c.op === 'not_exists') return not(present);
  return typedAttribute(c as Exclude<AttributeCondition, { op: 'exists' | 'not_exists' }>, json, text);
}

function typedAttribute(
  c: Exclude<AttributeCondition, { op: 'exists' | 'not_exists' }>,
  json: RawBuilder<unknown>,
  text: RawBuilder<unknown>,
): RawBuilder<SqlBool> {
  switch (c.valueType) {
    case 'string': {
      if (c.op === 'eq' || c.op === 'neq') {
        // JSON containment uses the GIN index on attributes.
        const eq = sql<SqlBool>`contacts.attributes @> jsonb_build_object(${c.key}::text, ${c.value}::text)`;
        return c.op === 'eq' ? eq : not(eq);
      }
      if (c.op === 'in') return sql<SqlBool>`${text} = any(${sql.val(c.value)}::text[])`;
      if (c.op === 'starts_with') return sql<SqlBool>`starts_with(lower(${text}), lower(${c.value}::text))`;
      const contains = sql<SqlBool>`strpos(lower(${text}), lower(${c.value}::text)) > 0`;
      return c.op === 'contains' ? contains : not(contains);
    }
    case 'number': {
      const n = sql`(case when jsonb_typeof(${json}) = 'number' then ${text}::numeric
        when jsonb_typeof(${json}) = 'string' and ${text} ~ '^\\s*-?[0-9]{1,30}(\\.[0-9]{1,30})?\\s*$' then ${text}::numeric end)`;
      return numberCompare(n, c.op, c.value);
    }
    case 'boolean':
      return sql<SqlBool>`lower(${text}) = ${c.value ? 'true' : 'false'}`;
    case 'date': {
      const d = sql`(case when jsonb_typeof(${json}) = 'string' then sb_try_timestamptz(${text}) end)`;
      if (c.op === 'before') return sql<SqlBool>`${d} < ${c.value}::timestamptz`;
      if (c.op === 'after') return sql<SqlBool>`${d} > ${c.value}::timestamptz`;
      return sql<SqlBool>`${d} between ${daysAgo(c.value as number)} and now()`;
    }
  }
}

/**
 * "did" is a set-based semi-join on contact_events (name_id, occurred_at, contact_id): one index range scan finds
 * everyone who did it, instead of one probe per contact; "did_not" is an anti-join the planner runs the same way.
 */
function eventCondition(c: EventCondition): RawBuilder<SqlBool> {
  const where = sql`e.name_id = (select id from event_names where name = ${c.name}::text)
    ${c.withinDays ? sql`and e.occurred_at >= ${daysAgo(c.withinDays)}` : sql``}
    ${c.properties ? sql`and e.properties @> ${JSON.stringify(c.properties)}::jsonb` : sql``}`;
  if (c.op === 'did_not')
    return sql<SqlBool>`not exists (select 1 from contact_events e where e.contact_id = contacts.id and ${where})`;
  const atLeast = c.atLeast ?? 1;
  if (atLeast === 1)
    return sql<SqlBool>`contacts.id in (select e.contact_id from contact_events e where ${where})`;
  return sql<SqlBool>`contacts.id in (select e.contact_id from contact_events e where ${where}
    group by e.contact_id having count(*) >= ${atLeast}::int)`;
}
