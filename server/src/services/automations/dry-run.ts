import { NotFoundError } from '../../lib/errors.ts';
import type { Automation } from '../../repositories/automations.repository.ts';
import type { ServiceContext } from '../context.ts';
import { checkConditions } from './conditions.ts';
import type { ActionHandler, AutomationAction, DryRunStep } from './types.ts';

/** A placeholder the dry run puts where a real step would add to the context (a coupon's code), so templates render. */
const SAMPLE_COUPON = { id: '00000000-0000-0000-0000-000000000000', code: 'SAMPLE-CODE', sample: true };

/**
 * The dry run of POST /automations/:id/test: reads only. Conditions are evaluated for the contact (and the sample event
 * or conversation given); each step is described by its handler's `describe` with the context it would see, waits
 * moving the clock forward so a later wait's time is right. Nothing is written, no job is queued, no message is sent.
 */
export async function dryRun(
  ctx: ServiceContext,
  rule: Automation,
  input: {
    contactId: string;
    conversationId?: string;
    event?: { name?: string; properties?: Record<string, unknown> };
  },
  handlerOf: (type: string) => ActionHandler | undefined,
): Promise<{ conditions: { passed: boolean; detail: unknown }; steps: DryRunStep[] }> {
  const contact = await ctx.repos.contacts.get(input.contactId);
  if (!contact) throw new NotFoundError('Contact', input.contactId);
  let conversationId = input.conversationId ?? null;
  if (conversationId && !(await ctx.repos.conversations.get(conversationId)))
    throw new NotFoundError('Conversation', conversationId);
  let now = ctx.clock.now();
  const context: Record<string, unknown> = {};
  if (rule.trigger.kind === 'event')
    context.event = {
      id: null,
      name: input.event?.name ?? rule.trigger.event,
      occurredAt: now.toISOString(),
      properties: input.event?.properties ?? {},
    };
  if (conversationId) context.conversation = { id: conversationId };
  const miss = await checkConditions(ctx.repos, rule.conditions, {
    contactId: contact.id,
    conversationId,
    context,
  });
  conversationId ??= null;
  const steps: DryRunStep[] = [];
  for (const [step, action] of (rule.actions as AutomationAction[]).entries()) {
    const handler = handlerOf(action.type);
    const run = {
      id: 0,
      automationId: rule.id,
      contactId: contact.id,
      conversationId,
      step,
      context: { ...context },
      createdAt: now,
    };
    const described = handler?.describe
      ? await handler.describe({ action, run, trigger: rule.trigger, now })
      : {
          step,
          type: action.type,
          summary: handler ? `run "${action.type}"` : `no implementation for "${action.type}"`,
        };
    steps.push(described);
    const until = described.detail?.until;
    if (action.type === 'wait' && typeof until === 'string') now = new Date(until);
    if (action.type === 'issue_coupon') context.coupon = SAMPLE_COUPON;
  }
  return { conditions: { passed: miss === null, detail: miss }, steps };
}
