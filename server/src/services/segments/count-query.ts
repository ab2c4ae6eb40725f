import { type RawBuilder, sql } from 'kysely';
import type { EventCondition, FilterGroup, FilterNode } from './filter.ts';
import { compileNode, didCountFromStats, distinctEventContactIds } from './filter-compiler.ts';

/**
 * The number of contacts a filter selects, as one statement shaped so the count does not scan every contact when it
 * need not. A count over `contacts where <segment>` makes PostgreSQL visit a million contact ids and probe a hash of
 * the event set for each, however small that set is. Two shapes avoid it, both exact:
 * - a top-level "did X" starts from the contacts who did X (each once: contact_event_stats has one row per contact and
 *   name, raw events are grouped) and joins contacts only when other conditions need their rows; alone, it counts the
 *   summary rows, which exist only for existing contacts (foreign key, on delete cascade). A set grouped with
 *   `having count(*) >= N` is handed over as an array and looked up by id (the planner misjudges its size);
 * - "never did X" alone is everyone minus those who did X, two index-only counts in one statement (one snapshot).
 * Any other filter is counted as before: `contacts where <segment>` with OR groups of id sets merged.
 */
export function countQuery(filter: FilterGroup): RawBuilder<{ n: string }> {
  if (filter.op === 'and') {
    const driverAt = filter.conditions.findIndex((c) => eventOf(c)?.op === 'did');
    if (driverAt >= 0) {
      const { ids, misestimated } = distinctEventContactIds(eventOf(filter.conditions[driverAt]!)!)!;
      const rest = filter.conditions.filter((_, i) => i !== driverAt);
      if (rest.length === 0) return sql`select count(*) as n from (${ids}) d`;
      const where = compileNode({ op: 'and', conditions: rest }, { mergeOrSets: true });
      // The planner cannot size an array, so it looks each id up in the primary key; joined, the same set is guessed
      // ten times too big and met with a sequential scan of every contact (and the grouping ran once per worker).
      if (misestimated)
        return sql`select count(*) as n from contacts where contacts.id = any(array(${ids})) and ${where}`;
      return sql`select count(*) as n from (${ids}) d join contacts on contacts.id = d.contact_id where ${where}`;
    }
    const only = filter.conditions.length === 1 ? eventOf(filter.conditions[0]!) : undefined;
    const did = only && didCountFromStats(only);
    if (did) return sql`select (select count(*) from contacts) - (${did}) as n`;
  }
  return sql`select count(*) as n from contacts where ${compileNode(filter, { mergeOrSets: true })}`;
}

function eventOf(node: FilterNode): EventCondition | undefined {
  return 'type' in node && node.type === 'event' ? node : undefined;
}
