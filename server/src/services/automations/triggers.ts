import type { Conversation } from '../../db/schema.ts';
import type { Automation } from '../../repositories/automations.repository.ts';
import type { Repos } from '../../repositories/index.ts';
import { inTransaction, type ServiceContext } from '../context.ts';
import type { IncomingMessageHook } from '../conversation-hooks.ts';
import { startRunIn } from './run-start.ts';
import type { AutomationTrigger, RunStart } from './types.ts';

type EventTrigger = Extract<AutomationTrigger, { kind: 'event' }>;
type ConversationTrigger = Extract<AutomationTrigger, { kind: 'conversation' }>;

/** Most runs one sweep pass starts per waiting rule (the rest wait for the next minute). */
const SWEEP_BATCH = 500;
/** The sweep looks back this far past a rule's threshold; older waits had their job (the sweep is only a safety net). */
const SWEEP_LOOKBACK_MINUTES = 24 * 60;

/**
 * Called by the events API inside the transaction that stores events: when an enabled rule listens to one of these
 * names, one matching job for the batch commits with the events (none is lost, none runs for a rolled-back event).
 */
export async function queueEventMatch(r: Repos, names: string[], eventIds: string[]): Promise<void> {
  if (eventIds.length === 0 || !(await r.automations.anyEnabledForEvents(names))) return;
  await r.jobs.add('automations.events', { eventIds }, { maxAttempts: 10 });
}

/**
 * The occurrence key of an event run: the contact plus the value of the trigger's occurrence property (`cartId`), so a
 * repeated `cart_abandoned` for the same cart starts nothing; without the property, the event itself.
 */
export function eventOccurrenceKey(
  t: EventTrigger,
  e: { id: string; contactId: string; properties: Record<string, unknown> | null },
): string {
  const value = t.occurrenceProperty ? e.properties?.[t.occurrenceProperty] : undefined;
  if (value !== undefined && value !== null && typeof value !== 'object')
    return `${e.contactId}:${t.event}:${t.occurrenceProperty}=${String(value)}`;
  return `${e.contactId}:event:${e.id}`;
}

/** Conversation facts a run's context carries (conditions and templates read them). */
function conversationFacts(c: Conversation) {
  return { id: c.id, channelId: c.channelId, status: c.status, labels: c.labels, priority: c.priority };
}

/** Trigger matching: events, conversation events, waiting conversations. */
export class AutomationTriggers {
  constructor(private readonly ctx: ServiceContext) {}

  /** The `automations.events` job: one run per enabled rule and occurrence, all started in one transaction. */
  async matchEvents(eventIds: string[]): Promise<number> {
    return inTransaction(this.ctx, async (r) => {
      const events = await r.automationRuns.events(eventIds);
      const rules = await r.automations.enabledForEvents(events.map((e) => e.name));
      let started = 0;
      const touched: string[] = [];
      for (const e of events)
        for (const rule of rules) {
          const t = rule.trigger as EventTrigger;
          if (t.event !== e.name) continue;
          const ok = await startRunIn(r, {
            automationId: rule.id,
            contactId: e.contactId,
            occurrenceKey: eventOccurrenceKey(t, e),
            context: {
              event: {
                id: e.id,
                name: e.name,
                occurredAt: new Date(e.occurredAt).toISOString(),
                properties: e.properties ?? {},
              },
            },
          });
          if (ok) {
            started += 1;
            touched.push(rule.id);
          }
        }
      await r.automations.touchLastRun(touched, this.ctx.clock.now());
      return started;
    });
  }

  /**
   * The `automations` incoming-message hook (inside the receive transaction): runs of `conversation.created` and
   * `message_created` rules start with the message; `waiting` rules get a check job at waitingSince + N minutes.
   */
  readonly incomingHook: IncomingMessageHook = async (r, event) => {
    if (event.throttled) return;
    const rules = await r.automations.enabledOfKind('conversation');
    if (rules.length === 0) return;
    const c = event.conversation;
    const context = {
      conversation: conversationFacts(c),
      message: { id: event.message.id, text: event.message.content ?? null },
    };
    const touched: string[] = [];
    for (const rule of rules) {
      const t = rule.trigger as ConversationTrigger;
      let run: RunStart | null = null;
      if (t.event === 'conversation.created' && event.conversationCreated)
        run = {
          automationId: rule.id,
          contactId: event.contact.id,
          conversationId: c.id,
          occurrenceKey: `${event.contact.id}:conversation.created:${c.id}`,
          context,
        };
      else if (t.event === 'message_created')
        run = {
          automationId: rule.id,
          contactId: event.contact.id,
          conversationId: c.id,
          occurrenceKey: `${event.contact.id}:message:${event.message.id}`,
          context,
        };
      else if (t.event === 'waiting' && c.waitingSince) await queueWaitingCheck(r, rule, c);
      if (run && (await startRunIn(r, run))) touched.push(rule.id);
    }
    await r.automations.touchLastRun(touched, this.ctx.clock.now());
  };

  /** The status-change hook (inside the update's transaction): `resolved` rules run once per resolution. */
  async statusChanged(r: Repos, c: Conversation): Promise<void> {
    if (c.status !== 'resolved') return;
    const rules = (await r.automations.enabledOfKind('conversation')).filter(
      (rule) => (rule.trigger as ConversationTrigger).event === 'resolved',
    );
    const at = (c.resolvedAt ?? this.ctx.clock.now()).toISOString();
    const touched: string[] = [];
    for (const rule of rules)
      if (
        await startRunIn(r, {
          automationId: rule.id,
          contactId: c.contactId,
          conversationId: c.id,
          occurrenceKey: `${c.contactId ?? 'none'}:resolved:${c.id}:${at}`,
          context: { conversation: conversationFacts(c) },
        })
      )
        touched.push(rule.id);
    await r.automations.touchLastRun(touched, this.ctx.clock.now());
  }

  /** The `automations.waiting_check` job: starts the rule's run when the conversation is still waiting long enough. */
  async checkWaiting(automationId: string, conversationId: string): Promise<boolean> {
    return inTransaction(this.ctx, async (r) => {
      const rule = await r.automations.get(automationId);
      const c = await r.conversations.get(conversationId);
      const t = rule?.trigger as ConversationTrigger | undefined;
      if (!rule?.enabled || t?.event !== 'waiting' || !c) return false;
      return this.startWaiting(r, rule, c);
    });
  }

  /** Every minute (the safety net behind the check jobs): conversations past each waiting rule's threshold. */
  async sweepWaiting(): Promise<number> {
    const now = this.ctx.clock.now();
    const rules = (await this.ctx.repos.automations.enabledOfKind('conversation')).filter(
      (rule) => (rule.trigger as ConversationTrigger).event === 'waiting',
    );
    let started = 0;
    for (const rule of rules) {
      const minutes = (rule.trigger as ConversationTrigger).waitingMinutes ?? 0;
      const rows = await this.ctx.repos.automationRuns.waitingLongerThan(
        rule.id,
        minutes,
        now,
        SWEEP_BATCH,
        minutes + SWEEP_LOOKBACK_MINUTES,
      );
      for (const row of rows)
        if (
          await inTransaction(this.ctx, async (r) => {
            const c = await r.conversations.get(row.id);
            return c ? this.startWaiting(r, rule, c) : false;
          })
        )
          started += 1;
    }
    return started;
  }

  private async startWaiting(r: Repos, rule: Automation, c: Conversation): Promise<boolean> {
    const minutes = (rule.trigger as ConversationTrigger).waitingMinutes ?? 0;
    if (!c.waitingSince || (c.status !== 'open' && c.status !== 'pending')) return false;
    const due = new Date(c.waitingSince.getTime() + minutes * 60_000);
    // Early (a job queued by another clock, or the customer wrote again): check again when it is due.
    if (due > this.ctx.clock.now()) {
      await queueWaitingCheck(r, rule, c);
      return false;
    }
    const ok = await startRunIn(r, {
      automationId: rule.id,
      contactId: c.contactId,
      conversationId: c.id,
      // Once per waiting spell: an answer clears waitingSince, the customer's next message starts a new spell.
      occurrenceKey: `${c.contactId ?? 'none'}:waiting:${c.id}:${c.waitingSince.toISOString()}`,
      context: {
        conversation: conversationFacts(c),
        waitingSince: c.waitingSince.toISOString(),
        waitingMinutes: minutes,
      },
    });
    if (ok) await r.automations.touchLastRun([rule.id], this.ctx.clock.now());
    return ok;
  }
}

/** One check job per rule and conversation, at the moment the wait crosses the rule's threshold. */
async function queueWaitingCheck(r: Repos, rule: Automation, c: Conversation): Promise<void> {
  const minutes = (rule.trigger as ConversationTrigger).waitingMinutes ?? 0;
  await r.jobs.add(
    'automations.waiting_check',
    { automationId: rule.id, conversationId: c.id },
    {
      jobKey: `automation-waiting:${rule.id}:${c.id}`,
      runAt: new Date(c.waitingSince!.getTime() + minutes * 60_000),
      maxAttempts: 5,
    },
  );
}
