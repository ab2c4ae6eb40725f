import type { Conversation, ConversationPriority, ConversationStatus } from '../db/schema.ts';
import { type FieldProblem, ValidationError } from '../lib/errors.ts';
import type { ConversationChange } from '../repositories/conversations.repository.ts';
import type { Activity } from './conversation-activity.ts';

/** What PATCH /conversations/:id may change. */
export interface ConversationPatch {
  status?: ConversationStatus;
  snoozedUntil?: string | null;
  priority?: ConversationPriority | null;
  category?: string;
  labels?: string[];
  customAttributes?: Record<string, unknown>;
}

/** A PATCH after labels were checked against the labels table (canonical names): the same shape as the request. */
export type PlannedPatch = ConversationPatch;

export interface ChangePlan {
  change: ConversationChange;
  /** Field names for `conversation.updated.changed`. */
  changed: string[];
  /** Activity lines to record, in order. */
  activities: Activity[];
}

const MAX_ATTRIBUTES_BYTES = 16 * 1024;
const MAX_SNOOZE_MS = 366 * 24 * 3_600_000;

/**
 * Turns a PATCH into the row change, the changed field names and activity lines (pure: unit-tested).
 * Rules: `snoozedUntil` alone implies status `snoozed`; `snoozed` without a time sleeps until the customer writes;
 * the time must be in the future (within a year). Leaving `snoozed` clears the time. Resolving sets resolvedAt and
 * stops the waiting clock; leaving `resolved` clears resolvedAt. Category must be one of the workspace's categories.
 */
export function planChange(
  current: Conversation,
  patch: PlannedPatch,
  opts: { now: Date; categories: string[] },
): ChangePlan {
  const problems: FieldProblem[] = [];
  const change: ConversationChange = {};
  const changed: string[] = [];
  const activities: Activity[] = [];

  let until: Date | null | undefined;
  if (patch.snoozedUntil !== undefined && patch.snoozedUntil !== null) {
    const t = new Date(patch.snoozedUntil);
    if (Number.isNaN(t.getTime()))
      problems.push({ path: '/snoozedUntil', message: 'must be an ISO 8601 time' });
    else if (t <= opts.now) problems.push({ path: '/snoozedUntil', message: 'must be in the future' });
    else if (t.getTime() - opts.now.getTime() > MAX_SNOOZE_MS)
      problems.push({ path: '/snoozedUntil', message: 'must be within a year' });
    else until = t;
    if (patch.status !== undefined && patch.status !== 'snoozed')
      problems.push({ path: '/snoozedUntil', message: 'only with status "snoozed"' });
  } else if (patch.snoozedUntil === null) until = null;

  const status = patch.status ?? (until ? 'snoozed' : undefined);
  if (patch.category !== undefined && !opts.categories.includes(patch.category))
    problems.push({ path: '/category', message: `must be one of: ${opts.categories.join(', ')}` });
  if (
    patch.customAttributes !== undefined &&
    Buffer.byteLength(JSON.stringify(patch.customAttributes)) > MAX_ATTRIBUTES_BYTES
  )
    problems.push({
      path: '/customAttributes',
      message: `must be at most ${MAX_ATTRIBUTES_BYTES} bytes of JSON`,
    });
  if (problems.length > 0) throw new ValidationError('Invalid conversation change', problems);

  if (status !== undefined) {
    const nextUntil = status === 'snoozed' ? (until ?? null) : null;
    const statusChanged = status !== current.status;
    const untilChanged = (current.snoozedUntil?.getTime() ?? null) !== (nextUntil?.getTime() ?? null);
    if (statusChanged || (status === 'snoozed' && untilChanged)) {
      change.status = status;
      change.snoozedUntil = nextUntil;
      if (statusChanged) changed.push('status');
      if (untilChanged) changed.push('snoozedUntil');
      if (status === 'resolved') {
        change.resolvedAt = opts.now;
        change.waitingSince = null;
      } else if (current.status === 'resolved') change.resolvedAt = null;
      activities.push(statusActivity(current.status, status, nextUntil));
    }
  }
  if (patch.priority !== undefined && patch.priority !== current.priority) {
    change.priority = patch.priority;
    changed.push('priority');
    activities.push({ kind: 'priority_changed', data: { from: current.priority, to: patch.priority } });
  }
  if (patch.category !== undefined && patch.category !== current.category) {
    change.category = patch.category;
    changed.push('category');
    activities.push({ kind: 'category_changed', data: { from: current.category, to: patch.category } });
  }
  if (patch.labels !== undefined) {
    const added = patch.labels.filter((l) => !current.labels.includes(l));
    const removed = current.labels.filter((l) => !patch.labels!.includes(l));
    if (added.length > 0 || removed.length > 0) {
      change.labels = patch.labels;
      changed.push('labels');
      activities.push({ kind: 'labels_changed', data: { added, removed } });
    }
  }
  if (
    patch.customAttributes !== undefined &&
    JSON.stringify(patch.customAttributes) !== JSON.stringify(current.customAttributes)
  ) {
    // Replaced whole, as Chatwoot's custom_attributes: the client sends the object it wants. No activity line.
    change.customAttributes = patch.customAttributes;
    changed.push('customAttributes');
  }
  return { change, changed, activities };
}

function statusActivity(from: ConversationStatus, to: ConversationStatus, until: Date | null): Activity {
  if (to === 'resolved') return { kind: 'resolved', data: { from } };
  if (to === 'snoozed') return { kind: 'snoozed', data: { from, until: until?.toISOString() ?? null } };
  if (to === 'open' && (from === 'resolved' || from === 'snoozed'))
    return { kind: 'reopened', data: { from } };
  return { kind: 'status_changed', data: { from, to } };
}
