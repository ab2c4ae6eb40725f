/**
 * The segment filter grammar as the API takes it (docs/api.md "Segments", server/src/services/segments/filter.ts).
 * The builder edits these objects directly, so what it hands to `onChange` can be sent as is.
 * Values the user has not filled in yet are `null`: the API then names the node and the builder shows why.
 */

/** A group of conditions and further groups. */
export interface FilterGroup {
  op: 'and' | 'or';
  conditions: FilterNode[];
}

export type FilterNode = FilterGroup | Condition;

/** Any condition: `type` picks the family, the rest depends on it. Kept loose on purpose: drafts may be incomplete. */
export interface Condition {
  type: 'field' | 'attribute' | 'channel' | 'conversation' | 'event' | 'notification';
  op: string;
  field?: string;
  key?: string;
  valueType?: 'string' | 'number' | 'boolean' | 'date';
  value?: FilterValue;
  channelId?: string;
  channelType?: string;
  status?: string[];
  name?: string;
  atLeast?: number;
  withinDays?: number;
  properties?: Record<string, string | number | boolean>;
  channel?: 'telegram' | 'email';
}

export type FilterValue = string | number | boolean | string[] | [number | null, number | null] | null;

/** A validation problem of the API: `path` points into the tree (`filter.conditions[1].value`). */
export interface FilterProblem {
  path?: string;
  message: string;
}

/** Whether a node is a group (groups carry `conditions`, exactly as the server tells them apart). */
export function isGroup(node: FilterNode): node is FilterGroup {
  return 'conditions' in node;
}

/** An empty "and" group: matches everyone. */
export function emptyFilter(): FilterGroup {
  return { op: 'and', conditions: [] };
}
