import { Type } from 'typebox';
import { ValidationError } from '../../lib/errors.ts';
import type { AutomationRun } from '../../repositories/automation-runs.repository.ts';
import type { Automation } from '../../repositories/automations.repository.ts';
import type { RunStatus } from '../../services/automations/types.ts';
import { actor } from '../auth.ts';
import { errorResponses, IdParams, Nullable, PageOf, PageQuery, Uuid } from '../schemas.ts';
import type { Http, HttpDeps } from '../server.ts';

const RULE_HELP =
  'A rule is `{name, description?, enabled?, trigger, conditions?, actions}`; see docs/automations.md for every trigger, ' +
  'condition and action. Errors name the field: `trigger.event`, `conditions.contact.conditions[0].op`, `actions[2].seconds`.';
const STATUSES: RunStatus[] = ['running', 'waiting', 'completed', 'stopped', 'failed', 'skipped'];

const RuleBody = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Nullable(Type.String()),
  enabled: Type.Boolean(),
  trigger: Type.Unknown(),
  conditions: Type.Unknown(),
  actions: Type.Unknown(),
  builtinKey: Nullable(Type.String()),
  lastRunAt: Nullable(Type.String()),
  runCounts: Type.Optional(Type.Record(Type.String(), Type.Integer())),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

const RunBody = Type.Object({
  id: Type.String(),
  automationId: Type.String(),
  automationName: Type.Optional(Type.String()),
  contactId: Nullable(Type.String()),
  conversationId: Nullable(Type.String()),
  occurrenceKey: Type.String(),
  status: Type.String(),
  step: Type.Integer(),
  context: Type.Unknown(),
  log: Type.Unknown(),
  wakeAt: Nullable(Type.String()),
  error: Nullable(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

// The rule's parts are checked by the service, which names the failing field.
const RuleInput = {
  name: Type.Unknown({ description: '1 to 200 characters' }),
  description: Type.Optional(Type.Unknown()),
  enabled: Type.Optional(Type.Unknown({ description: 'default false: a new rule starts off' })),
  trigger: Type.Unknown(),
  conditions: Type.Optional(Type.Unknown()),
  actions: Type.Unknown(),
};

const RunsQuery = Type.Object(
  {
    ...PageQuery,
    status: Type.Optional(Type.String({ description: `Comma-separated: ${STATUSES.join(', ')}` })),
  },
  { additionalProperties: false },
);

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

function presentRule(a: Automation & { runCounts?: Record<string, number> }) {
  return {
    id: a.id,
    name: a.name,
    description: a.description,
    enabled: a.enabled,
    trigger: a.trigger,
    conditions: a.conditions,
    actions: a.actions,
    builtinKey: a.builtinKey,
    lastRunAt: iso(a.lastRunAt),
    ...(a.runCounts ? { runCounts: a.runCounts } : {}),
    createdAt: iso(a.createdAt)!,
    updatedAt: iso(a.updatedAt)!,
  };
}

function presentRun(r: AutomationRun & { automationName?: string }) {
  return {
    id: String(r.id),
    automationId: r.automationId,
    ...(r.automationName !== undefined ? { automationName: r.automationName } : {}),
    contactId: r.contactId,
    conversationId: r.conversationId,
    occurrenceKey: r.occurrenceKey,
    status: r.status,
    step: r.step,
    context: r.context,
    log: r.log,
    wakeAt: iso(r.wakeAt),
    error: r.error,
    createdAt: iso(r.createdAt)!,
    updatedAt: iso(r.updatedAt)!,
  };
}

function statuses(raw: string | undefined): RunStatus[] | undefined {
  if (!raw) return undefined;
  const list = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = list.find((s) => !STATUSES.includes(s as RunStatus));
  if (bad)
    throw new ValidationError('Invalid status', [
      { path: '/status', message: `"${bad}" is not one of ${STATUSES.join(', ')}` },
    ]);
  return list as RunStatus[];
}

/** Automation rules, their runs (per rule and per contact) and the dry run. */
export async function automationRoutes(app: Http, { services }: HttpDeps) {
  const { automations } = services;

  app.get(
    '/api/v1/automations',
    {
      config: { access: 'automations:read' },
      schema: {
        tags: ['automations'],
        summary: 'Every rule by name, with its run counts per status and its last run',
        response: { 200: PageOf(RuleBody), ...errorResponses },
      },
    },
    async () => ({ data: (await automations.list()).map(presentRule), nextCursor: null }),
  );

  app.get(
    '/api/v1/automations/:id',
    {
      config: { access: 'automations:read' },
      schema: {
        tags: ['automations'],
        summary: 'One rule',
        params: IdParams,
        response: { 200: RuleBody, ...errorResponses },
      },
    },
    async (req) => presentRule(await automations.get(req.params.id)),
  );

  app.post(
    '/api/v1/automations',
    {
      config: { access: 'automations:write' },
      schema: {
        tags: ['automations'],
        summary: 'Create a rule (disabled unless `enabled: true`)',
        description: RULE_HELP,
        body: Type.Object(RuleInput, { additionalProperties: false }),
        response: { 201: RuleBody, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(presentRule(await automations.create(actor(req), req.body))),
  );

  app.patch(
    '/api/v1/automations/:id',
    {
      config: { access: 'automations:write' },
      schema: {
        tags: ['automations'],
        summary: 'Change a rule: any of its fields; `{enabled}` alone turns it on or off',
        description: `${RULE_HELP} Turning a rule off stops its waiting runs when they wake.`,
        params: IdParams,
        body: Type.Object(
          {
            name: Type.Optional(RuleInput.name),
            description: RuleInput.description,
            enabled: RuleInput.enabled,
            trigger: Type.Optional(RuleInput.trigger),
            conditions: RuleInput.conditions,
            actions: Type.Optional(RuleInput.actions),
          },
          { additionalProperties: false },
        ),
        response: { 200: RuleBody, ...errorResponses },
      },
    },
    async (req) => presentRule(await automations.update(actor(req), req.params.id, req.body)),
  );

  app.delete(
    '/api/v1/automations/:id',
    {
      config: { access: 'automations:write' },
      schema: {
        tags: ['automations'],
        summary: 'Delete a rule and its runs',
        params: IdParams,
        response: { ...errorResponses },
      },
    },
    async (req, reply) => {
      await automations.delete(actor(req), req.params.id);
      return reply.status(204).send();
    },
  );

  /** Runs, newest first, with each step's log: of one rule or of one contact (the `:id` is whichever `by` names). */
  const runsRoute = (url: string, summary: string, by: 'automationId' | 'contactId') =>
    app.get(
      url,
      {
        config: { access: 'automations:read' },
        schema: {
          tags: ['automations'],
          summary,
          params: IdParams,
          querystring: RunsQuery,
          response: { 200: PageOf(RunBody), ...errorResponses },
        },
      },
      async (req) => {
        const page = await automations.runs({
          [by]: req.params.id,
          status: statuses(req.query.status),
          limit: req.query.limit ?? 50,
          cursor: req.query.cursor,
        });
        return { data: page.data.map(presentRun), nextCursor: page.nextCursor };
      },
    );
  runsRoute(
    '/api/v1/automations/:id/runs',
    "A rule's runs, newest first, with each step's log",
    'automationId',
  );
  runsRoute(
    '/api/v1/contacts/:id/automation-runs',
    "A contact's runs through every rule, newest first",
    'contactId',
  );

  app.post(
    '/api/v1/automations/:id/test',
    {
      config: { access: 'automations:read' },
      schema: {
        tags: ['automations'],
        summary:
          'Dry run for a contact: whether the conditions hold and what each step would do; changes nothing',
        description:
          'Optional `event` (`{name?, properties}`) stands in for the triggering event and `conversationId` for the ' +
          'conversation. Notification steps show the rendered text; waits show until when; nothing is sent or written.',
        params: IdParams,
        body: Type.Object(
          {
            contactId: Uuid,
            conversationId: Type.Optional(Uuid),
            event: Type.Optional(
              Type.Object(
                {
                  name: Type.Optional(Type.String({ maxLength: 100 })),
                  properties: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
                },
                { additionalProperties: false },
              ),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            conditions: Type.Object({ passed: Type.Boolean(), detail: Type.Unknown() }),
            steps: Type.Array(
              Type.Object({
                step: Type.Integer(),
                type: Type.String(),
                summary: Type.String(),
                detail: Type.Optional(Type.Unknown()),
              }),
            ),
          }),
          ...errorResponses,
        },
      },
    },
    async (req) => automations.test(req.params.id, req.body),
  );
}
