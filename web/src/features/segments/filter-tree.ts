import {
  type Condition,
  type FilterGroup,
  type FilterNode,
  type FilterProblem,
  isGroup,
} from './filter-types.ts';

/**
 * Edits of a filter tree, addressed by path: the indexes from the root group down (`[1, 0]` is the first node of the
 * root's second node). Every edit returns a new tree and leaves the old one untouched, so React sees what changed and
 * an undo is a matter of keeping the previous value.
 */
export type NodePath = readonly number[];

/** The API's limits (LIMITS in the server's filter.ts), so the builder stops offering what would be refused. */
export const TREE_LIMITS = { depth: 5, nodes: 100 };

function at(root: FilterGroup, path: NodePath): FilterNode | undefined {
  let node: FilterNode = root;
  for (const i of path) {
    if (!isGroup(node)) return undefined;
    const next: FilterNode | undefined = node.conditions[i];
    if (!next) return undefined;
    node = next;
  }
  return node;
}

/** The node at a path, or undefined. */
export function nodeAt(root: FilterGroup, path: NodePath): FilterNode | undefined {
  return at(root, path);
}

/** Rebuilds the groups along `path` with `edit` applied to the group at `groupPath`. */
function editGroup(
  root: FilterGroup,
  groupPath: NodePath,
  edit: (g: FilterGroup) => FilterGroup,
): FilterGroup {
  if (groupPath.length === 0) return edit(root);
  const [head, ...rest] = groupPath;
  const child = root.conditions[head!];
  if (!child || !isGroup(child)) return root;
  const conditions = root.conditions.slice();
  conditions[head!] = editGroup(child, rest, edit);
  return { ...root, conditions };
}

/** Appends a node to the group at `groupPath`. */
export function addNode(root: FilterGroup, groupPath: NodePath, node: FilterNode): FilterGroup {
  return editGroup(root, groupPath, (g) => ({ ...g, conditions: [...g.conditions, node] }));
}

/** Replaces the node at `path` (a condition edited, or a group's operator changed). */
export function replaceNode(root: FilterGroup, path: NodePath, node: FilterNode): FilterGroup {
  if (path.length === 0) return isGroup(node) ? node : root;
  const parent = path.slice(0, -1);
  const index = path[path.length - 1]!;
  return editGroup(root, parent, (g) => {
    const conditions = g.conditions.slice();
    conditions[index] = node;
    return { ...g, conditions };
  });
}

/** Removes the node at `path` (the root itself cannot be removed). */
export function removeNode(root: FilterGroup, path: NodePath): FilterGroup {
  if (path.length === 0) return root;
  const index = path[path.length - 1]!;
  return editGroup(root, path.slice(0, -1), (g) => ({
    ...g,
    conditions: g.conditions.filter((_, i) => i !== index),
  }));
}

/** Moves a node up (-1) or down (+1) among its siblings; at either end nothing changes. */
export function moveNode(root: FilterGroup, path: NodePath, delta: -1 | 1): FilterGroup {
  if (path.length === 0) return root;
  const index = path[path.length - 1]!;
  return editGroup(root, path.slice(0, -1), (g) => {
    const to = index + delta;
    if (to < 0 || to >= g.conditions.length) return g;
    const conditions = g.conditions.slice();
    [conditions[index], conditions[to]] = [conditions[to]!, conditions[index]!];
    return { ...g, conditions };
  });
}

/** Puts a condition into a new group of its own at the same place (to OR it with something else). */
export function wrapInGroup(root: FilterGroup, path: NodePath, op: 'and' | 'or'): FilterGroup {
  const node = at(root, path);
  if (!node || path.length === 0) return root;
  return replaceNode(root, path, { op, conditions: [node] });
}

/** Sets a group's operator. */
export function setGroupOp(root: FilterGroup, path: NodePath, op: 'and' | 'or'): FilterGroup {
  const node = at(root, path);
  if (!node || !isGroup(node)) return root;
  return replaceNode(root, path, { ...node, op });
}

/** How many groups deep the node at `path` sits (the root group is 1), as the API counts. */
export function groupDepth(path: NodePath): number {
  return path.length + 1;
}

/** Conditions and groups below the root, as the API counts them against its limit of 100. */
export function countNodes(group: FilterGroup): number {
  return group.conditions.reduce((n, c) => n + 1 + (isGroup(c) ? countNodes(c) : 0), 0);
}

/** The API's name of a node: `filter.conditions[1].conditions[0]`. */
export function apiPath(path: NodePath, root = 'filter'): string {
  return root + path.map((i) => `.conditions[${i}]`).join('');
}

/** A problem split into the node it concerns and the rest of its path (`value`, `withinDays`, `value[1]`, `` for the node). */
export interface LocatedProblem {
  node: NodePath;
  field: string;
  message: string;
}

/** Reads the API's `details[].path` back into tree positions; problems outside the filter are left out. */
export function locateProblems(problems: readonly FilterProblem[], root = 'filter'): LocatedProblem[] {
  const out: LocatedProblem[] = [];
  for (const p of problems) {
    if (p.path === undefined) continue;
    // Schema validation names fields JSON-pointer style after its context (body/filter/conditions/0/op): accept both.
    const pointer = p.path.startsWith('body/') ? p.path.slice(4) : p.path;
    const dotted = pointer.startsWith('/')
      ? pointer
          .slice(1)
          .split('/')
          .map((s, i) => (i === 0 ? s : /^\d+$/.test(s) ? `[${s}]` : `.${s}`))
          .join('')
      : pointer;
    if (dotted !== root && !dotted.startsWith(`${root}.`) && !dotted.startsWith(`${root}[`)) continue;
    let rest = dotted.slice(root.length);
    const node: number[] = [];
    for (let m = /^\.conditions\[(\d+)\]/.exec(rest); m; m = /^\.conditions\[(\d+)\]/.exec(rest)) {
      node.push(Number(m[1]));
      rest = rest.slice(m[0].length);
    }
    out.push({ node, field: rest.replace(/^\./, ''), message: p.message });
  }
  return out;
}

/** The problems of exactly this node (its own fields), not of the nodes inside it. */
export function problemsAt(located: readonly LocatedProblem[], path: NodePath): LocatedProblem[] {
  return located.filter((p) => p.node.length === path.length && p.node.every((i, k) => i === path[k]));
}

/** A copy without the condition keys a draft may hold as undefined, so JSON and equality checks see clean objects. */
export function cleanCondition(c: Condition): Condition {
  return Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined)) as unknown as Condition;
}
