import { createContext, useContext } from 'react';
import type { LocatedProblem } from '../filter-tree.ts';
import type { FilterGroup } from '../filter-types.ts';

/** What every node of the builder needs: the tree, a way to change it, the API's problems, the select options. */
export interface BuilderContextValue {
  root: FilterGroup;
  change: (next: FilterGroup) => void;
  problems: LocatedProblem[];
  readOnly: boolean;
  channels: Array<{ id: string; name: string; type: string }>;
  notificationTypes: Array<{ key: string; name: string }>;
  /** Tags in use (most used first), for the tag picker. */
  tags: string[];
  /** Prefix of the ids of inputs (and of the datalists `-events`, `-attributes`), so two builders never share one. */
  idPrefix: string;
}

export const BuilderContext = createContext<BuilderContextValue | null>(null);

/** The builder's shared state; only its own nodes call this. */
export function useBuilder(): BuilderContextValue {
  const ctx = useContext(BuilderContext);
  if (!ctx) throw new Error('useBuilder outside SegmentFilterBuilder');
  return ctx;
}
