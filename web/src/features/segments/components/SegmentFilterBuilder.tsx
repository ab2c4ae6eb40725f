import { useId, useMemo } from 'react';
import { useI18n } from '../../../i18n/i18n.tsx';
import { useChannelOptions, useNotificationTypeOptions, useSegmentVocabulary } from '../api.ts';
import { defaultCondition } from '../condition-kinds.ts';
import {
  addNode,
  countNodes,
  groupDepth,
  locateProblems,
  moveNode,
  type NodePath,
  problemsAt,
  removeNode,
  setGroupOp,
  TREE_LIMITS,
} from '../filter-tree.ts';
import { type FilterGroup, type FilterProblem, isGroup } from '../filter-types.ts';
import { BuilderContext, useBuilder } from './builder-context.ts';
import { ConditionRow } from './ConditionRow.tsx';
import { NodeProblems } from './NodeProblems.tsx';
import './filter-builder.css';
import { MoveButtons } from './MoveButtons.tsx';

/**
 * The visual filter builder: nested AND/OR groups of typed conditions. `value` is the filter exactly as the API takes it
 * (docs/api.md "Segments"), `onChange` receives the next one. `problems` are the `details` of an API answer (their
 * `path` points into the tree under `root`, `filter` by default) and are shown next to the node they name.
 * Reused wherever a contact filter is edited (segments, broadcasts' own audience, automation rules).
 */
export function SegmentFilterBuilder(props: {
  value: FilterGroup;
  onChange: (next: FilterGroup) => void;
  problems?: readonly FilterProblem[];
  root?: string;
  readOnly?: boolean;
}) {
  const { value, onChange, problems = [], root = 'filter', readOnly = false } = props;
  const idPrefix = useId();
  const channels = useChannelOptions();
  const types = useNotificationTypeOptions();
  const vocabulary = useSegmentVocabulary();
  const located = useMemo(() => locateProblems(problems, root), [problems, root]);
  const ctx = useMemo(
    () => ({
      root: value,
      change: onChange,
      problems: located,
      readOnly,
      channels: channels.data ?? [],
      notificationTypes: types.data ?? [],
      tags: vocabulary.data?.tags.map((t) => t.name) ?? [],
      idPrefix,
    }),
    [value, onChange, located, readOnly, channels.data, types.data, vocabulary.data, idPrefix],
  );
  return (
    <BuilderContext.Provider value={ctx}>
      <div className="filter-builder" data-testid="filter-builder">
        <GroupNode group={value} path={[]} />
        <datalist id={`${idPrefix}-events`}>
          {vocabulary.data?.eventNames.map((name) => (
            <option key={name} value={name} />
          ))}
        </datalist>
        <datalist id={`${idPrefix}-attributes`}>
          {vocabulary.data?.attributeKeys.map((key) => (
            <option key={key} value={key} />
          ))}
        </datalist>
      </div>
    </BuilderContext.Provider>
  );
}

function GroupNode({ group, path }: { group: FilterGroup; path: NodePath }) {
  const { t } = useI18n();
  const { root, change, problems, readOnly } = useBuilder();
  const full = countNodes(root) >= TREE_LIMITS.nodes;
  const isRoot = path.length === 0;
  const last = path[path.length - 1] ?? 0;
  const siblings = isRoot ? 0 : countSiblings(root, path);
  return (
    <fieldset
      className={`filter-group filter-group-${group.op}`}
      data-testid="filter-group"
      aria-label={t(isRoot ? 'segments.builder.rootGroup' : 'segments.builder.group')}
    >
      <div className="filter-group-head">
        <select
          aria-label={t('segments.builder.groupOp')}
          value={group.op}
          disabled={readOnly}
          onChange={(e) => change(setGroupOp(root, path, e.target.value as 'and' | 'or'))}
        >
          <option value="and">{t('segments.builder.and')}</option>
          <option value="or">{t('segments.builder.or')}</option>
        </select>
        {group.conditions.length === 0 ? (
          <span className="hint">
            {t(group.op === 'and' ? 'segments.builder.emptyAnd' : 'segments.builder.emptyOr')}
          </span>
        ) : null}
        {!isRoot && !readOnly ? (
          <span className="filter-node-tools">
            <MoveButtons
              index={last}
              siblings={siblings}
              move={(delta) => change(moveNode(root, path, delta))}
            />
            <button
              type="button"
              className="button-quiet danger"
              onClick={() => change(removeNode(root, path))}
            >
              {t('segments.builder.removeGroup')}
            </button>
          </span>
        ) : null}
      </div>
      <NodeProblems problems={problemsAt(problems, path)} />
      <ol className="filter-children">
        {group.conditions.map((node, i) => {
          const childPath = [...path, i];
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: nodes are addressed by position; inputs are fully controlled
            <li key={i} className="filter-child">
              {i > 0 ? (
                <span className="filter-joiner">
                  {t(group.op === 'and' ? 'segments.builder.joinAnd' : 'segments.builder.joinOr')}
                </span>
              ) : null}
              {isGroup(node) ? (
                <GroupNode group={node} path={childPath} />
              ) : (
                <ConditionRow condition={node} path={childPath} siblings={group.conditions.length} />
              )}
            </li>
          );
        })}
      </ol>
      {readOnly ? null : (
        <div className="filter-group-actions">
          <button
            type="button"
            disabled={full}
            onClick={() => change(addNode(root, path, defaultCondition('subscribed')))}
          >
            {t('segments.builder.addCondition')}
          </button>
          <button
            type="button"
            disabled={full || groupDepth(path) >= TREE_LIMITS.depth}
            onClick={() =>
              change(
                addNode(root, path, {
                  op: group.op === 'and' ? 'or' : 'and',
                  conditions: [defaultCondition('subscribed')],
                }),
              )
            }
          >
            {t('segments.builder.addGroup')}
          </button>
        </div>
      )}
    </fieldset>
  );
}

function countSiblings(root: FilterGroup, path: NodePath): number {
  let g: FilterGroup = root;
  for (const i of path.slice(0, -1)) {
    const next = g.conditions[i];
    if (!next || !isGroup(next)) return 0;
    g = next;
  }
  return g.conditions.length;
}
