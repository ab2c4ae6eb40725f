import { Type } from 'typebox';
import { presentAudit } from '../presenters.ts';
import { errorResponses, PageOf, PageQuery, Uuid } from '../schemas.ts';
import type { Http, HttpDeps } from '../server.ts';

/** The audit log: who changed what, newest first. */
export async function auditRoutes(app: Http, { services }: HttpDeps) {
  app.get(
    '/api/v1/audit-log',
    {
      config: { access: 'audit_log:read' },
      schema: {
        tags: ['audit'],
        summary: 'List audit entries (filters: actor, entity, action, period)',
        querystring: Type.Object(
          {
            ...PageQuery,
            cursor: Type.Optional(Type.String({ pattern: '^[0-9]{1,19}$' })),
            actorId: Type.Optional(Uuid),
            entityType: Type.Optional(Type.String({ maxLength: 64 })),
            entityId: Type.Optional(Type.String({ maxLength: 200 })),
            action: Type.Optional(Type.String({ maxLength: 100 })),
            from: Type.Optional(Type.String({ format: 'date-time' })),
            to: Type.Optional(Type.String({ format: 'date-time' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: PageOf(Type.Any()), ...errorResponses },
      },
    },
    async (req) => {
      const q = req.query;
      const page = await services.audit.list({
        ...q,
        limit: q.limit ?? 50,
        from: q.from ? new Date(q.from) : undefined,
        to: q.to ? new Date(q.to) : undefined,
      });
      return { data: page.data.map(presentAudit), nextCursor: page.nextCursor };
    },
  );
}
