import type { Conversation } from '../../db/schema.ts';
import type { Repos } from '../../repositories/index.ts';
import { compileNode } from '../segments/filter-compiler.ts';
import type { AutomationConditions } from './types.ts';

/** Why a run's conditions did not hold (the run log's detail), or null when they all did. */
export type ConditionMiss = { condition: 'contact' | 'event' | 'conversation'; reason: string } | null;

type EventCondition = NonNullable<AutomationConditions['event']>[number];

/** One event property condition against the triggering event's properties (pure). */
export function eventConditionHolds(
  c: EventCondition,
  properties: Record<string, unknown> | null | undefined,
): boolean {
  const v = properties ? lookup(properties, c.property) : undefined;
  switch (c.op) {
    case 'exists':
      return v !== undefined && v !== null;
    case 'eq':
      return v !== undefined && String(v) === String(c.value);
    case 'neq':
      return v === undefined || String(v) !== String(c.value);
    case 'contains':
      if (Array.isArray(v)) return v.some((x) => String(x) === String(c.value));
      return typeof v === 'string' && v.toLowerCase().includes(String(c.value).toLowerCase());
    case 'gt':
      return Number(v) > Number(c.value);
    case 'lt':
      return Number(v) < Number(c.value);
  }
}

/** `a.b` reads nested properties (`items.count`); a key that itself contains a dot wins. */
function lookup(obj: Record<string, unknown>, path: string): unknown {
  if (path in obj) return obj[path];
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** The conversation conditions (pure): status, channel, labels (all given must be on it), text contains. */
export function conversationConditionsHold(
  c: NonNullable<AutomationConditions['conversation']>,
  conversation: Pick<Conversation, 'status' | 'channelId' | 'labels'> | undefined,
  text: string | null,
): string | null {
  if (!conversation) return 'the run has no conversation';
  if (c.status?.length && !c.status.includes(conversation.status)) return `status is ${conversation.status}`;
  if (c.channelIds?.length && !c.channelIds.includes(conversation.channelId)) return 'another channel';
  const labels = new Set(conversation.labels.map((l) => l.toLowerCase()));
  const missing = c.labels?.find((l) => !labels.has(l.toLowerCase()));
  if (missing) return `no label "${missing}"`;
  if (c.textContains && !(text ?? '').toLowerCase().includes(c.textContains.toLowerCase()))
    return `the text does not contain "${c.textContains}"`;
  return null;
}

/**
 * Checks a rule's conditions for one run (when it starts): the segment filter compiled against the one contact, the
 * event properties of `context.event`, the conversation as it is now with `context.message.text`.
 */
export async function checkConditions(
  r: Repos,
  conditions: AutomationConditions,
  run: { contactId: string | null; conversationId: string | null; context: Record<string, unknown> },
): Promise<ConditionMiss> {
  if (conditions.contact) {
    if (!run.contactId) return { condition: 'contact', reason: 'the run has no contact' };
    if (!(await r.automationRuns.contactMatches(run.contactId, compileNode(conditions.contact))))
      return { condition: 'contact', reason: 'the contact does not match the filter' };
  }
  if (conditions.event?.length) {
    const event = run.context.event as { properties?: Record<string, unknown> | null } | undefined;
    const failed = conditions.event.find((c) => !eventConditionHolds(c, event?.properties));
    if (failed)
      return { condition: 'event', reason: `property ${failed.property} does not satisfy ${failed.op}` };
  }
  if (conditions.conversation) {
    const conversation = run.conversationId ? await r.conversations.get(run.conversationId) : undefined;
    const message = run.context.message as { text?: string | null } | undefined;
    const reason = conversationConditionsHold(conditions.conversation, conversation, message?.text ?? null);
    if (reason) return { condition: 'conversation', reason };
  }
  return null;
}
