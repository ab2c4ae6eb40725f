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

export interface CompileOptions {
  /**
   * For queries over the whole matching set (a count, a snapshot): OR groups of id-set conditions become one semi-join
   * (see compileOr). Off by default, because a query that stops early (a first page in created_at order) or probes one
   * contact is served better by checking each row against the alternatives.
   */
  mergeOrSets?: boolean;
  /**
   * For a query that walks contacts newest first and stops at a page (the preview sample): "at least N times in D days"
   * becomes one hashed set built once and probed per row (see eventCondition). Off by default: a one-contact probe
   * (automation conditions) is served better as a join, which lets the planner narrow the events to that contact.
   */
  stopsEarly?: boolean;
}

/** `where((eb) => segmentWhere(filter)(eb))` or simply `.where(segmentWhere(filter))`. */
export function segmentWhere(
  filter: FilterGroup,
  options: CompileOptions = {},
): (eb: ContactsEb) => Expression<SqlBool> {
  return () => compileNode(filter, options);
}

/** The expression itself, for callers composing raw SQL. */
export function compileNode(node: FilterNode, options: CompileOptions = {}): RawBuilder<SqlBool> {
  if ('conditions' in node) {
    if (node.conditions.length === 0) return node.op === 'and' ? sql<SqlBool>`true` : sql<SqlBool>`false`;
    if (node.op === 'or' && options.mergeOrSets) return compileOr(node.conditions, options);
    const parts = node.conditions.map((c) => compileNode(c, options));
    return sql<SqlBool>`(${sql.join(parts, node.op === 'and' ? sql` and ` : sql` or `)})`;
  }
  return compileCondition(node, options);
}

/**
 * An OR of two or more conditions that each select a set of contact ids from another table (did an event, has a
 * conversation, reachable on a channel) becomes one `contacts.id in (A union all B)`: a semi-join the planner runs from
 * the small sets, where `id in (A) or id in (B)` can only be checked row by row over all the contacts. The other
 * alternatives stay as they are, ORed beside it.
 */
function compileOr(conditions: FilterNode[], options: CompileOptions): RawBuilder<SqlBool> {
  const sets: RawBuilder<unknown>[] = [];
  const rest: FilterNode[] = [];
  for (const c of conditions) {
    const set = 'conditions' in c ? undefined : contactIdSet(c);
    if (set) sets.push(set);
    else rest.push(c);
  }
  const compile = (c: FilterNode) => compileNode(c, options);
  if (sets.length < 2) return sql<SqlBool>`(${sql.join(conditions.map(compile), sql` or `)})`;
  const merged = sql<SqlBool>`contacts.id in (${sql.join(sets, sql` union all `)})`;
  return sql<SqlBool>`(${sql.join([...rest.map(compile), merged], sql` or `)})`;
}

/** The ids of the contacts a positive condition about another table selects (`select contact_id …`), if it is one. */
function contactIdSet(c: Condition): RawBuilder<unknown> | undefined {
  if (c.type === 'event' && c.op === 'did') return eventContactIds(c);
  if (c.type === 'conversation' && c.op === 'exists')
    return sql`select cv.contact_id from conversations cv
      where cv.contact_id is not null and cv.status = any(${sql.val(c.status)}::text[])
      ${c.channelId ? sql`and cv.channel_id = ${c.channelId}::uuid` : sql``}`;
  if (c.type === 'channel' && c.op === 'reachable')
    return sql`select cc.contact_id from contact_channels cc where ${reachableOn(c)}`;
  return undefined;
}

/**
 * The contact_channels rows (`cc`) through which a contact is reachable on the condition's channel or channel type.
 * The type picks channel ids first (a handful of rows), so the big table is filtered rather than joined: a count
 * over every reachable identity then skips a hash join of all of them with channels.
 */
function reachableOn(c: Extract<Condition, { type: 'channel' }>): RawBuilder<SqlBool> {
  return sql<SqlBool>`cc.reachable
    ${c.channelId ? sql`and cc.channel_id = ${c.channelId}::uuid` : sql``}
    ${c.channelType ? sql`and cc.channel_id = any(array(select ch.id from channels ch where ch.type = ${c.channelType}))` : sql``}`;
}

const not = (e: RawBuilder<SqlBool>) => sql<SqlBool>`(not coalesce(${e}, false))`;
const daysAgo = (days: number) => sql`(now() - make_interval(days => ${days}::int))`;

function compileCondition(c: Condition, options: CompileOptions): RawBuilder<SqlBool> {
  switch (c.type) {
    case 'field':
      return fieldCondition(c);
    case 'attribute':
      return attributeCondition(c);
    case 'channel': {
      const reachable = sql<SqlBool>`exists (select 1 from contact_channels cc
        where cc.contact_id = contacts.id and ${reachableOn(c)})`;
      return c.op === 'reachable' ? reachable : not(reachable);
    }
    case 'conversation': {
      const has = sql<SqlBool>`exists (select 1 from conversations cv
        where cv.contact_id = contacts.id and cv.status = any(${sql.val(c.status)}::text[])
        ${c.channelId ? sql`and cv.channel_id = ${c.channelId}::uuid` : sql``})`;
      return c.op === 'exists' ? has : not(has);
    }
    case 'event':
      return eventCondition(c, options);
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
      const match =
        c.field === 'language'
          ? languageMatch(values as string[])
          : sql<SqlBool>`${col} = any(${sql.val(values)}::text[])`;
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

/**
 * A language filter "ru" also means regional variants (ru-RU), while "ru-RU" means only that one. A bare tag is compared
 * with the primary subtag alone (`ru` = `ru` also covers the exact match), which is the expression that
 * contacts_language_primary_idx indexes (migration 0027); only tags with a region need the exact comparison.
 */
function languageMatch(values: string[]): RawBuilder<SqlBool> {
  const primaries = values.filter((v) => !v.includes('-'));
  const regional = values.filter((v) => v.includes('-'));
  const parts: RawBuilder<SqlBool>[] = [];
  if (primaries.length)
    parts.push(sql<SqlBool>`split_part(contacts.language, '-', 1) = any(${sql.val(primaries)}::text[])`);
  if (regional.length) parts.push(sql<SqlBool>`contacts.language = any(${sql.val(regional)}::text[])`);
  return parts.length === 1 ? parts[0]! : sql<SqlBool>`(${sql.join(parts, sql` or `)})`;
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
    case 'number':
      // JSON numbers and numeric text (migration 0035): the expression an index on one key can be declared on.
      return numberCompare(sql`sb_attr_number(contacts.attributes, ${c.key}::text)`, c.op, c.value);
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
 * Event conditions read contact_event_stats (one row per contact and event name: count, first and last time; migration
 * 0030) wherever it answers exactly: "did X" (in the last D days: last_at >= now - D), "did X at least N times" ever,
 * and "never did X" (in D days), an anti-join over the narrow summary instead of every raw event. Only conditions on
 * event properties and "at least N times in the last D days" need the raw events (the summary cannot say how many of a
 * contact's events fall in a window).
 */
function eventCondition(c: EventCondition, options: CompileOptions): RawBuilder<SqlBool> {
  if (c.op === 'did_not') {
    if (c.properties)
      return sql<SqlBool>`not exists (select 1 from contact_events e where e.contact_id = contacts.id and ${eventWhere(c)})`;
    return sql<SqlBool>`not exists (select 1 from contact_event_stats s where s.contact_id = contacts.id and ${statsWhere(c)})`;
  }
  // The planner guesses `having count(*) >= N` at about ten times the real set, and as a semi-join that guess made
  // the preview sample join a sequential scan of every contact and sort them all. Kept out of the join tree (a sublink
  // inside coalesce cannot be pulled up; `in` over non-null ids is never null, so the value is the same), it is one
  // hashed set built once, probed by the newest-first index scan, which stops after its 20 rows. Counts start from
  // the set itself instead (count-query.ts).
  if (options.stopsEarly && countsInWindow(c))
    return sql<SqlBool>`coalesce(contacts.id in (${eventContactIds(c)}), false)`;
  return sql<SqlBool>`contacts.id in (${eventContactIds(c)})`;
}

/** "At least N times (N > 1) in the last D days", or with properties: the raw events grouped with `having`. */
function countsInWindow(c: EventCondition): boolean {
  return (c.atLeast ?? 1) > 1 && (Boolean(c.withinDays) || Boolean(c.properties));
}

const eventNameId = (c: EventCondition) => sql`(select id from event_names where name = ${c.name}::text)`;

/** The summary rows of contacts who did the event (in the window, at least N times in all). */
function statsWhere(c: EventCondition): RawBuilder<unknown> {
  const atLeast = c.atLeast ?? 1;
  return sql`s.name_id = ${eventNameId(c)}
    ${c.withinDays ? sql`and s.last_at >= ${daysAgo(c.withinDays)}` : sql``}
    ${atLeast > 1 ? sql`and s.count >= ${atLeast}::int` : sql``}`;
}

function eventWhere(c: EventCondition): RawBuilder<unknown> {
  return sql`e.name_id = ${eventNameId(c)}
    ${c.withinDays ? sql`and e.occurred_at >= ${daysAgo(c.withinDays)}` : sql``}
    ${c.properties ? sql`and e.properties @> ${JSON.stringify(c.properties)}::jsonb` : sql``}`;
}

/** Everyone who did the event (at least N times): from the summary when it answers exactly, else the raw events. */
function eventContactIds(c: EventCondition): RawBuilder<unknown> {
  const atLeast = c.atLeast ?? 1;
  if (!c.properties && (atLeast === 1 || !c.withinDays))
    return sql`select s.contact_id from contact_event_stats s where ${statsWhere(c)}`;
  if (atLeast === 1) return sql`select e.contact_id from contact_events e where ${eventWhere(c)}`;
  return sql`select e.contact_id from contact_events e where ${eventWhere(c)}
    group by e.contact_id having count(*) >= ${atLeast}::int`;
}

/**
 * The same set with each contact id once (the summary's key is contact and name; raw events are grouped), so a count
 * can start from it and join contacts (count-query.ts). Undefined for "did_not". `misestimated` marks the sets the
 * planner sizes badly (grouped with `having`), which a count should look up by id rather than join.
 */
export function distinctEventContactIds(
  c: EventCondition,
): { ids: RawBuilder<unknown>; misestimated: boolean } | undefined {
  if (c.op !== 'did') return undefined;
  if (countsInWindow(c)) return { ids: eventContactIds(c), misestimated: true };
  if (!c.properties) return { ids: eventContactIds(c), misestimated: false };
  return {
    ids: sql`select e.contact_id from contact_events e where ${eventWhere(c)} group by e.contact_id`,
    misestimated: false,
  };
}

/** For "never did X": how many did X, counted on the summary (count-query.ts subtracts it from everyone), if it can be. */
export function didCountFromStats(c: EventCondition): RawBuilder<unknown> | undefined {
  if (c.op !== 'did_not' || c.properties) return undefined;
  return sql`select count(*) from contact_event_stats s where ${statsWhere(c)}`;
}
