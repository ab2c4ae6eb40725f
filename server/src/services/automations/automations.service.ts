import type { FieldProblem } from '../../lib/errors.ts';
import { NotFoundError, ValidationError } from '../../lib/errors.ts';
import type { Actor } from '../../repositories/audit.repository.ts';
import type { AutomationRun } from '../../repositories/automation-runs.repository.ts';
import type { Automation } from '../../repositories/automations.repository.ts';
import { inTransaction, type ServiceContext } from '../context.ts';
import { type ContactActionDeps, contactActions } from './actions.contact.ts';
import { type ConversationActionDeps, conversationActions } from './actions.conversation.ts';
import { type ActionCheck, parseRule, type RuleInput } from './automations.input.ts';
import { dryRun } from './dry-run.ts';
import { RunEngine } from './run-engine.ts';
import { runJobKey, STEP_MAX_ATTEMPTS, startRunIn } from './run-start.ts';
import { AutomationTriggers } from './triggers.ts';
import type {
  ActionHandler,
  AutomationAction,
  CouponIssuer,
  DryRunStep,
  RunStart,
  RunStatus,
  StaffNotifier,
} from './types.ts';
import { WebhookSender, webhookAction } from './webhook.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Waiting runs one wake pass re-queues (the rest the next minute). */
const WAKE_BATCH = 1000;

export type AutomationDeps = Omit<ContactActionDeps, 'coupons' | 'staffAlerts'> & ConversationActionDeps;

/**
 * Automation rules and their runs: CRUD with validation, the action registry, starting runs (once per occurrence), the
 * step engine, triggers, the dry run. Other features plug in with `registerAction` (their action types) and `use`
 * (coupons and staff alerts, when those services exist).
 */
export class AutomationsService {
  private readonly handlers = new Map<string, ActionHandler>();
  private readonly checks = new Map<string, ActionCheck>();
  private coupons: CouponIssuer | null = null;
  private staffAlerts: StaffNotifier | null = null;
  readonly engine: RunEngine;
  readonly triggers: AutomationTriggers;
  readonly webhooks: WebhookSender;

  constructor(
    private readonly ctx: ServiceContext,
    deps: AutomationDeps,
  ) {
    const contact = contactActions(
      { ...deps, coupons: () => this.coupons, staffAlerts: () => this.staffAlerts },
      () => this.ctx.repos,
    );
    for (const [type, h] of Object.entries({ ...contact, ...conversationActions(deps) }))
      this.handlers.set(type, h as ActionHandler);
    this.handlers.set('webhook', webhookAction() as ActionHandler);
    this.engine = new RunEngine(ctx, (type) => this.handlers.get(type));
    this.triggers = new AutomationTriggers(ctx);
    this.webhooks = new WebhookSender(ctx, this.engine);
  }

  /**
   * Adds an action type implemented elsewhere (send_broadcast, support_report, retention_cleanup…). `check` validates
   * the action on save: push problems with paths under `path` (e.g. `actions[2].templateId`).
   */
  registerAction<T extends AutomationAction['type']>(
    type: T,
    handler: ActionHandler<Extract<AutomationAction, { type: T }>>,
    check?: ActionCheck,
  ): void {
    this.handlers.set(type, handler as unknown as ActionHandler);
    this.checks.set(type, check ?? (() => {}));
  }

  /** Wires the coupons and staff-alert services (issue_coupon, notify_staff); until then those steps fail clearly. */
  use(services: { coupons?: CouponIssuer | null; staffAlerts?: StaffNotifier | null }): void {
    if (services.coupons !== undefined) this.coupons = services.coupons;
    if (services.staffAlerts !== undefined) this.staffAlerts = services.staffAlerts;
  }

  list() {
    return this.ctx.repos.automations.list();
  }

  async get(id: string): Promise<Automation> {
    const rule = UUID.test(id) ? await this.ctx.repos.automations.get(id) : undefined;
    if (!rule) throw new NotFoundError('Automation', id);
    return rule;
  }

  async create(actor: Actor, raw: unknown): Promise<Automation> {
    const input = parseRule(raw, null, this.checks);
    return inTransaction(this.ctx, async (r) => {
      const rule = await r.automations.create(input);
      await r.audit.record(actor, {
        action: 'automation.created',
        entityType: 'automation',
        entityId: rule.id,
        after: redacted(input),
      });
      return rule;
    });
  }

  async update(actor: Actor, id: string, raw: unknown): Promise<Automation> {
    const current = await this.get(id);
    const input = parseRule(raw, ruleInput(current), this.checks);
    return inTransaction(this.ctx, async (r) => {
      const rule = await r.automations.update(id, input);
      if (!rule) throw new NotFoundError('Automation', id);
      await r.audit.record(actor, {
        action: 'automation.updated',
        entityType: 'automation',
        entityId: id,
        before: redacted(ruleInput(current)),
        after: redacted(input),
      });
      return rule;
    });
  }

  /** Deletes the rule and its runs (a waiting run's job then finds nothing and ends). */
  async delete(actor: Actor, id: string): Promise<void> {
    await this.get(id);
    await inTransaction(this.ctx, async (r) => {
      if (!(await r.automations.delete(id))) throw new NotFoundError('Automation', id);
      await r.audit.record(actor, { action: 'automation.deleted', entityType: 'automation', entityId: id });
    });
  }

  /** Runs, newest first: of a rule or of a contact; `cursor` is the last run id of the previous page. */
  async runs(opts: {
    automationId?: string;
    contactId?: string;
    status?: RunStatus[];
    limit: number;
    cursor?: string;
  }): Promise<{ data: Array<AutomationRun & { automationName: string }>; nextCursor: string | null }> {
    if (opts.automationId) await this.get(opts.automationId);
    if (opts.contactId && !(UUID.test(opts.contactId) && (await this.ctx.repos.contacts.get(opts.contactId))))
      throw new NotFoundError('Contact', opts.contactId);
    if (opts.cursor !== undefined && !/^\d{1,18}$/.test(opts.cursor))
      throw new ValidationError('Invalid cursor', [
        { path: '/cursor', message: 'not a cursor of this list' },
      ]);
    const rows = await this.ctx.repos.automationRuns.list({
      automationId: opts.automationId,
      contactId: opts.contactId,
      status: opts.status,
      limit: opts.limit + 1,
      beforeId: opts.cursor ? Number(opts.cursor) : undefined,
    });
    const data = rows.slice(0, opts.limit);
    return { data, nextCursor: rows.length > opts.limit ? String(data.at(-1)!.id) : null };
  }

  /**
   * Starts a run (for other engines: calendar passes, built-ins): the row, unique per rule and occurrence, and its first
   * step job in one transaction. Returns whether it started (false: that occurrence already had its run).
   */
  startRun(run: RunStart): Promise<boolean> {
    return inTransaction(this.ctx, async (r) => {
      const started = await startRunIn(r, run);
      if (started) await r.automations.touchLastRun([run.automationId], this.ctx.clock.now());
      return started;
    });
  }

  /** What the rule would do for this contact now, with no side effects: conditions, then each step described. */
  async test(
    id: string,
    input: {
      contactId: string;
      conversationId?: string;
      event?: { name?: string; properties?: Record<string, unknown> };
    },
  ): Promise<{ conditions: { passed: boolean; detail: unknown }; steps: DryRunStep[] }> {
    const rule = await this.get(id);
    const problems: FieldProblem[] = [];
    if (!UUID.test(input.contactId))
      problems.push({ path: '/contactId', message: 'must be a contact id (uuid)' });
    if (input.conversationId !== undefined && !UUID.test(input.conversationId))
      problems.push({ path: '/conversationId', message: 'must be a conversation id (uuid)' });
    if (problems.length) throw new ValidationError('Invalid dry run', problems);
    return dryRun(this.ctx, rule, input, (type) => this.handlers.get(type));
  }

  /** The `automations.step` job. */
  advance(runId: string, opts: { lastAttempt?: boolean } = {}): Promise<void> {
    return this.engine.advance(Number(runId), opts);
  }

  /** The `automations.webhook` job. */
  sendWebhook(runId: string, step: number, opts: { lastAttempt?: boolean } = {}): Promise<void> {
    return this.webhooks.send(Number(runId), step, opts);
  }

  /**
   * Every minute: re-queues waiting runs whose time has come (their own jobs normally wake them; this catches jobs lost
   * with a restored backup or a cleared queue) and starts `waiting` conversation runs whose check job was lost.
   */
  async sweep(): Promise<{ woken: number; started: number }> {
    const due = await this.ctx.repos.automationRuns.dueWaiting(this.ctx.clock.now(), WAKE_BATCH);
    for (const id of due)
      await this.ctx.repos.jobs.add(
        'automations.step',
        { runId: String(id) },
        { jobKey: runJobKey(id), maxAttempts: STEP_MAX_ATTEMPTS },
      );
    const started = await this.triggers.sweepWaiting();
    return { woken: due.length, started };
  }
}

function ruleInput(a: Automation): RuleInput {
  return {
    name: a.name,
    description: a.description,
    enabled: a.enabled,
    trigger: a.trigger,
    conditions: a.conditions,
    actions: a.actions,
  };
}

/** The audit log keeps what a rule does, not its webhook secrets. */
function redacted(input: RuleInput): RuleInput {
  return {
    ...input,
    actions: input.actions.map((a) =>
      a.type === 'webhook' && a.secret ? { ...a, secret: '[redacted]' } : a,
    ),
  };
}
