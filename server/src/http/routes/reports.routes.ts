import { Type } from 'typebox';
import { errorResponses, Nullable, Uuid } from '../schemas.ts';
import type { Http, HttpDeps } from '../server.ts';

const Durations = Type.Object({
  median: Nullable(Type.Number({ description: 'seconds' })),
  p90: Nullable(Type.Number({ description: 'seconds' })),
  count: Type.Integer(),
});

const Figures = {
  conversationsOpened: Type.Integer(),
  conversationsResolved: Type.Integer(),
  firstResponseTime: Durations,
  resolutionTime: Durations,
  csat: Type.Object({
    sent: Type.Integer(),
    rated: Type.Integer(),
    average: Nullable(Type.Number()),
    responseRate: Nullable(Type.Number({ description: 'rated / sent' })),
  }),
};

const InboxReportBody = Type.Object({
  from: Type.String(),
  to: Type.String(),
  timezone: Type.String(),
  totals: Type.Object(Figures),
  byAgent: Type.Array(
    Type.Object({ agentId: Nullable(Type.String()), agentName: Nullable(Type.String()), ...Figures }),
  ),
  byDay: Type.Array(Type.Object({ day: Type.String(), ...Figures })),
});

export async function reportRoutes(app: Http, { services }: HttpDeps) {
  app.get(
    '/api/v1/reports/inbox',
    {
      config: { access: 'conversations:read' },
      schema: {
        tags: ['reports'],
        summary: 'Inbox figures: opened, resolved, first response and resolution time (median, p90), CSAT',
        description:
          'Per agent (current assignee; null = unassigned), per day in the workspace time zone (setting default_timezone) and in total. Each figure counts at its own event time within [from, to). Agents get only their own figures.',
        querystring: Type.Object(
          {
            from: Type.Optional(
              Type.String({
                maxLength: 40,
                description: 'ISO date-time, or YYYY-MM-DD (midnight, workspace zone); default to − 30 days',
              }),
            ),
            to: Type.Optional(
              Type.String({
                maxLength: 40,
                description: 'ISO date-time (exclusive), or YYYY-MM-DD (whole day included); default now',
              }),
            ),
            channel: Type.Optional(Uuid),
            agent: Type.Optional(Uuid),
          },
          { additionalProperties: false },
        ),
        response: { 200: InboxReportBody, ...errorResponses },
      },
    },
    async (req) => services.reports.inbox(req.principal!, req.query),
  );
}
