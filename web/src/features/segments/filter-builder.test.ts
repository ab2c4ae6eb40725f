import { describe, expect, it } from 'vitest';
import { segmentLabel } from './components/segment-names.ts';
import {
  addTags,
  coerceValue,
  defaultCondition,
  opsFor,
  parseListInput,
  parseNumberInput,
  SUBJECTS,
  subjectOf,
  valueKind,
  withOp,
  withValueType,
} from './condition-kinds.ts';
import {
  addNode,
  apiPath,
  countNodes,
  locateProblems,
  moveNode,
  nodeAt,
  problemsAt,
  removeNode,
  replaceNode,
  setGroupOp,
  wrapInGroup,
} from './filter-tree.ts';
import { type Condition, emptyFilter, type FilterGroup } from './filter-types.ts';

const subscribed: Condition = { type: 'field', field: 'subscribed', op: 'eq', value: true };
const ru: Condition = { type: 'field', field: 'language', op: 'eq', value: 'ru' };
const vip: Condition = { type: 'field', field: 'tags', op: 'has_any', value: ['vip'] };

/** subscribed AND (language ru OR tag vip) */
function nested(): FilterGroup {
  return { op: 'and', conditions: [subscribed, { op: 'or', conditions: [ru, vip] }] };
}

describe('filter tree edits', () => {
  it('adds conditions and nested groups where asked, leaving the old tree untouched', () => {
    const start = emptyFilter();
    const one = addNode(start, [], subscribed);
    const two = addNode(one, [], { op: 'or', conditions: [] });
    const three = addNode(two, [1], ru);
    expect(start.conditions).toEqual([]);
    expect(three).toEqual({ op: 'and', conditions: [subscribed, { op: 'or', conditions: [ru] }] });
    expect(countNodes(three)).toBe(3);
  });

  it('removes a condition inside a nested group and a whole group', () => {
    const tree = nested();
    expect(removeNode(tree, [1, 0])).toEqual({
      op: 'and',
      conditions: [subscribed, { op: 'or', conditions: [vip] }],
    });
    expect(removeNode(tree, [1])).toEqual({ op: 'and', conditions: [subscribed] });
    expect(removeNode(tree, [])).toBe(tree);
  });

  it('moves a node among its siblings and stops at either end', () => {
    const tree = nested();
    expect(moveNode(tree, [1, 1], -1)).toEqual({
      op: 'and',
      conditions: [subscribed, { op: 'or', conditions: [vip, ru] }],
    });
    expect(moveNode(tree, [0], 1).conditions[0]).toEqual({ op: 'or', conditions: [ru, vip] });
    expect(moveNode(tree, [0], -1)).toEqual(tree);
    expect(moveNode(tree, [1, 1], 1)).toEqual(tree);
  });

  it('replaces a node, changes a group operator and wraps a condition into a group of its own', () => {
    const tree = nested();
    expect(nodeAt(replaceNode(tree, [1, 0], vip), [1, 0])).toEqual(vip);
    expect(setGroupOp(tree, [1], 'and').conditions[1]).toEqual({ op: 'and', conditions: [ru, vip] });
    expect(setGroupOp(tree, [], 'or').op).toBe('or');
    expect(wrapInGroup(tree, [0], 'or').conditions[0]).toEqual({ op: 'or', conditions: [subscribed] });
    expect(tree).toEqual(nested());
  });
});

describe('conversion to the API filter JSON and back', () => {
  it('is the API JSON itself: a saved filter loads and saves unchanged', () => {
    const fromApi = JSON.parse(JSON.stringify(nested())) as FilterGroup;
    const edited = moveNode(moveNode(fromApi, [1], -1), [0], 1);
    expect(JSON.parse(JSON.stringify(edited))).toEqual(nested());
  });

  it('keeps what the builder does not edit (event properties) through edits', () => {
    const event: Condition = {
      type: 'event',
      name: 'purchase',
      op: 'did',
      atLeast: 2,
      properties: { plan: 'pro' },
    };
    const tree = addNode(emptyFilter(), [], event);
    const changed = replaceNode(tree, [0], { ...event, withinDays: 90 });
    expect(changed.conditions[0]).toEqual({ ...event, withinDays: 90 });
  });
});

describe('typed values', () => {
  it('offers every subject with a default the operator list accepts', () => {
    for (const s of SUBJECTS) {
      const c = defaultCondition(s);
      expect(subjectOf(c), s).toBe(s);
      expect(opsFor(c), s).toContain(c.op);
      const kind = valueKind(c);
      if (kind === 'none') expect('value' in c, s).toBe(false);
    }
  });

  it('changes the value type with the operator: list, range, none and back', () => {
    const lang = defaultCondition('language');
    const list = withOp(lang, 'in');
    expect(list.value).toEqual(['ru']);
    expect(withOp(list, 'eq').value).toBe('ru');
    expect('value' in withOp(lang, 'exists')).toBe(false);
    const month = { ...defaultCondition('birthdayMonth'), value: 3 };
    expect(withOp(month, 'between').value).toEqual([3, 3]);
    expect(withOp(withOp(month, 'between'), 'gt').value).toBe(3);
    const created = defaultCondition('createdAt');
    expect(withOp(created, 'before').value).toBeNull();
    expect(withOp(withOp(created, 'before'), 'within_last_days').value).toBe(30);
  });

  it('refuses an operator the subject does not have', () => {
    const tags = defaultCondition('tags');
    expect(withOp(tags, 'eq')).toBe(tags);
  });

  it('drops atLeast when an event condition becomes "never did" and restores it after', () => {
    const event = { ...defaultCondition('event'), name: 'purchase', atLeast: 3 };
    const never = withOp(event, 'did_not');
    expect('atLeast' in never).toBe(false);
    expect(withOp(never, 'did').atLeast).toBe(1);
  });

  it('switches an attribute between value types with a value of the new type', () => {
    const attr = { ...defaultCondition('attribute'), key: 'seats', value: 'x' };
    const asNumber = withValueType(attr, 'number');
    expect(asNumber).toMatchObject({ valueType: 'number', op: 'eq', value: null });
    const asBool = withValueType(withOp(asNumber, 'gt'), 'boolean');
    expect(asBool).toMatchObject({ valueType: 'boolean', op: 'eq', value: true });
    const asDate = withValueType({ ...attr, op: 'exists' }, 'date');
    expect(asDate.op).toBe('exists');
    expect('value' in asDate).toBe(false);
  });

  it('adds typed tags as the server stores them, once each', () => {
    expect(addTags(['vip'], 'Gold, VIP, gold')).toEqual(['vip', 'gold']);
    const same = ['vip'];
    expect(addTags(same, ' , ')).toBe(same);
    expect(addTags(same, 'vip')).toBe(same);
  });

  it('reads number and list inputs', () => {
    expect(parseNumberInput(' 4,5 ')).toBe(4.5);
    expect(parseNumberInput('')).toBeNull();
    expect(parseNumberInput('abc')).toBeNull();
    expect(parseListInput('vip, , Gold ,')).toEqual(['vip', 'Gold']);
    expect(coerceValue('tags', 'vip')).toEqual(['vip']);
    expect(coerceValue('boolean', 'x')).toBe(true);
  });
});

describe('API problems mapped onto the tree', () => {
  it('names nodes as the API does', () => {
    expect(apiPath([])).toBe('filter');
    expect(apiPath([1, 0])).toBe('filter.conditions[1].conditions[0]');
    expect(apiPath([2], 'audience')).toBe('audience.conditions[2]');
  });

  it('puts each problem on the node it names, with the rest of the path as its field', () => {
    const located = locateProblems([
      {
        path: 'filter.conditions[1].conditions[0].withinDays',
        message: 'must be a whole number from 1 to 36500',
      },
      { path: 'filter.conditions[1].conditions[0].value[1]', message: 'must be a number' },
      { path: 'filter.conditions[2].field', message: 'must be one of …' },
      { path: 'filter', message: 'a filter has at most 100 conditions and groups' },
      { path: '/name', message: 'must be a string' },
      { message: 'no path' },
    ]);
    expect(located).toEqual([
      { node: [1, 0], field: 'withinDays', message: 'must be a whole number from 1 to 36500' },
      { node: [1, 0], field: 'value[1]', message: 'must be a number' },
      { node: [2], field: 'field', message: 'must be one of …' },
      { node: [], field: '', message: 'a filter has at most 100 conditions and groups' },
    ]);
    expect(problemsAt(located, [1, 0]).map((p) => p.field)).toEqual(['withinDays', 'value[1]']);
    expect(problemsAt(located, [1])).toEqual([]);
    expect(problemsAt(located, []).map((p) => p.message)).toEqual([
      'a filter has at most 100 conditions and groups',
    ]);
  });

  it('reads JSON-pointer paths and another root too', () => {
    expect(locateProblems([{ path: '/filter/conditions/0/op', message: 'bad' }])).toEqual([
      { node: [0], field: 'op', message: 'bad' },
    ]);
    expect(locateProblems([{ path: 'body/filter/conditions/2/conditions/0', message: 'bad' }])).toEqual([
      { node: [2, 0], field: '', message: 'bad' },
    ]);
    expect(locateProblems([{ path: 'audience.conditions[3].value', message: 'bad' }], 'audience')).toEqual([
      { node: [3], field: 'value', message: 'bad' },
    ]);
    expect(locateProblems([{ path: 'filterX.conditions[0]', message: 'bad' }])).toEqual([]);
  });
});

describe('segment names', () => {
  it('shows built-ins in the reader’s language by key, and saved segments as saved', () => {
    const t = (key: string) => `«${key}»`;
    expect(segmentLabel({ name: 'Recent buyers', description: 'x', builtInKey: 'recent_buyers' }, t)).toEqual(
      {
        name: '«segments.builtin.recent_buyers»',
        description: '«segments.builtin.recent_buyers.about»',
      },
    );
    expect(segmentLabel({ name: 'Мои', description: null, builtInKey: null }, t)).toEqual({
      name: 'Мои',
      description: null,
    });
    expect(segmentLabel({ name: 'Future', description: null, builtInKey: 'shipped_later' }, t).name).toBe(
      'Future',
    );
  });
});
