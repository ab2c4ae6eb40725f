import type { Repos } from '../../repositories/index.ts';
import type { FilterNode } from '../segments/filter.ts';

/**
 * The shape of an automation rule: a trigger, conditions and an ordered list of actions. Stored as JSON on the
 * `automations` row (migration 0022) and validated on save (automations.input.ts) with a 400 naming the field.
 */

/** What starts a run. Each kind names how its occurrence key is made (the unique key that makes a run happen once). */
export type AutomationTrigger =
  /** An event recorded through the events API. Occurrence: the event's `properties[occurrenceProperty]` (e.g. `cartId`), else the event id. */
  | { kind: 'event'; event: string; occurrenceProperty?: string }
  /** A contact entering a segment (checked by a periodic pass). Occurrence: `segment:<id>:<entry date>`. */
  | { kind: 'segment_entered'; segmentId: string }
  /** A conversation event. Occurrence: the conversation id (+ the message id for message_created). */
  | {
      kind: 'conversation';
      event: 'conversation.created' | 'message_created' | 'resolved' | 'waiting';
      /** For `waiting`: minutes the customer has waited without an agent's answer. */
      waitingMinutes?: number;
    }
  /** A cron schedule in a time zone. A run without a contact, or one per contact of `segmentId`. Occurrence: the tick. */
  | { kind: 'schedule'; cron: string; timezone: string; segmentId?: string }
  /**
   * A date attribute relative to today in the contact's time zone: `birthday` (month and day, any year) or a date custom
   * attribute. Fires `offsetDays` before (negative) or after (positive) the date, at `atLocalTime` (HH:MM, default 09:00).
   * Occurrence: the attribute and the date it fired for (birthday once a year).
   */
  | { kind: 'date_attribute'; attribute: string; offsetDays: number; atLocalTime?: string }
  /** No activity for `days` days. Occurrence: the day the contact's last activity fell on (once per quiet spell). */
  | { kind: 'inactivity'; days: number };

/** Conditions checked when a run starts (all must hold). */
export interface AutomationConditions {
  /** Any segment filter on the contact (the segment builder's tree). */
  contact?: FilterNode;
  /** On the triggering event's properties: property equals / contains / greater or less than. */
  event?: Array<{
    property: string;
    op: 'eq' | 'neq' | 'contains' | 'gt' | 'lt' | 'exists';
    value?: unknown;
  }>;
  /** On the conversation. */
  conversation?: {
    status?: Array<'open' | 'pending' | 'snoozed' | 'resolved'>;
    channelIds?: string[];
    labels?: string[];
    textContains?: string;
  };
}

/** One step of a run. */
export type AutomationAction =
  /** A notification through the notification path (preferences, quiet hours, idempotency per run step). */
  | {
      type: 'send_notification';
      notificationType: string;
      data?: Record<string, unknown>;
      channels?: string[];
    }
  /** A durable wait: a duration, or until the next local time of day in the contact's time zone. */
  | { type: 'wait'; seconds?: number; untilLocalTime?: string }
  /** Ends the run when the contact did `event` since the run started (optionally with the same occurrence property). */
  | { type: 'stop_if_event'; event: string; sameOccurrence?: boolean }
  | { type: 'add_tags'; tags: string[] }
  | { type: 'remove_tags'; tags: string[] }
  | { type: 'set_attribute'; key: string; value: unknown }
  /** Issues a coupon of a campaign to the contact (coupons service); the coupon goes into the run's context. */
  | { type: 'issue_coupon'; campaignId: string; deliver?: boolean }
  | { type: 'assign_conversation'; userId?: string; teamId?: string }
  | { type: 'set_priority'; priority: 'low' | 'medium' | 'high' | 'urgent' }
  | { type: 'add_label'; label: string }
  | { type: 'send_reply'; text: string }
  | { type: 'add_note'; text: string }
  /** A signed POST (HMAC-SHA256 over `<timestamp>.<body>`), retried with backoff. */
  | { type: 'webhook'; url: string; secret?: string }
  /** A message to staff through the staff bot (roles default to owner and admin). */
  | { type: 'notify_staff'; text: string; roles?: string[] }
  /** A broadcast of a template to a segment (schedule-triggered newsletters). */
  | { type: 'send_broadcast'; templateId: string; segmentId: string; channelId: string }
  /** The daily support report to staff (yesterday's figures). */
  | { type: 'support_report' }
  /** Deletes old raw updates, delivery rows and notification logs in small batches. */
  | { type: 'retention_cleanup' };

export type RunStatus = 'running' | 'waiting' | 'completed' | 'stopped' | 'failed' | 'skipped';

/** What starting a run needs: one per (automation, occurrence key) ever, whoever asks and however often. */
export interface RunStart {
  automationId: string;
  /** Null for runs about no contact (a scheduled report, a cleanup). */
  contactId: string | null;
  conversationId?: string | null;
  occurrenceKey: string;
  /** The trigger's facts: the event, the conversation, the tick; steps read and extend it (e.g. `coupon`). */
  context: Record<string, unknown>;
}

/**
 * What a step did, as the engine records it:
 * - `next`: done, go on (context additions merge into the run's context, e.g. `{coupon}`);
 * - `wait`: go on at `until` (durable: wake_at plus a job at that time);
 * - `pending`: the step's own job (a webhook) finishes it and resumes the run;
 * - `stop`: end the run as stopped (stop_if_event matched); `fail`: end it as failed (a permanent error).
 */
export type StepOutcome =
  | { kind: 'next'; detail?: unknown; context?: Record<string, unknown> }
  | { kind: 'wait'; until: Date; detail?: unknown }
  | { kind: 'pending'; detail?: unknown }
  | { kind: 'stop'; detail?: unknown }
  | { kind: 'fail'; error: string; detail?: unknown };

/** A run as an action sees it. */
export interface StepInput<A extends AutomationAction = AutomationAction> {
  action: A;
  run: {
    id: number;
    automationId: string;
    contactId: string | null;
    conversationId: string | null;
    step: number;
    context: Record<string, unknown>;
    createdAt: Date;
  };
  /** The rule's trigger (stop_if_event's `sameOccurrence` reads its occurrence property). */
  trigger: AutomationTrigger;
  /** Repositories of the step's transaction: writes here commit with the step (jobs included). */
  repos: Repos;
  now: Date;
}

/**
 * An action implementation. `run` may be called again for the same (run, step) after a crash or a retry, so it must be
 * idempotent (the notification's idempotency key, a coupon's sourceRef). `describe` answers the dry run without side effects.
 */
export interface ActionHandler<A extends AutomationAction = AutomationAction> {
  run(input: StepInput<A>): Promise<StepOutcome>;
  describe?(input: Omit<StepInput<A>, 'repos'>): Promise<DryRunStep>;
}

/** One step of a dry run: what it would do. */
export interface DryRunStep {
  step: number;
  type: AutomationAction['type'];
  /** Human-readable summary in English (the UI shows the structured fields). */
  summary: string;
  /** Structured facts: rendered text, wait until, tags… */
  detail?: Record<string, unknown>;
}

/** The coupons service as automations use it (issue_coupon). */
export interface CouponIssuer {
  issue(input: {
    campaignId: string;
    contactId: string;
    source: 'automation';
    /** `automation:<runId>:<step>`: the same step retried issues the same coupon, never a second one. */
    sourceRef: string;
    deliver?: boolean;
  }): Promise<{ coupon: { id: string; code: string } & Record<string, unknown> }>;
}

/** The staff alerts as automations use them (notify_staff). */
export interface StaffNotifier {
  notify(input: { kind: string; text: string; roles?: string[] }): Promise<unknown>;
}
