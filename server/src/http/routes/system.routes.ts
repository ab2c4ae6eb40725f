import { sql } from 'kysely';
import { Type } from 'typebox';
import type { Http, HttpDeps } from '../server.ts';
import { SETUP_PAGE } from './setup-page.ts';

/** Health, metrics, the OpenAPI document, and the first-run setup page. */
export async function systemRoutes(app: Http, { services, metrics }: HttpDeps) {
  app.get(
    '/health',
    {
      config: { access: 'public' },
      schema: {
        tags: ['system'],
        summary: 'Process up and database reachable',
        security: [],
        response: {
          200: Type.Object({
            status: Type.Literal('ok'),
            database: Type.Object({ ok: Type.Boolean(), latencyMs: Type.Number() }),
          }),
          503: Type.Object({
            status: Type.Literal('unavailable'),
            database: Type.Object({ ok: Type.Boolean(), latencyMs: Type.Number(), error: Type.String() }),
          }),
        },
      },
    },
    async (_req, reply) => {
      const t0 = performance.now();
      try {
        await sql`select 1`.execute(services.ctx.db);
        return {
          status: 'ok' as const,
          database: { ok: true, latencyMs: Math.round((performance.now() - t0) * 100) / 100 },
        };
      } catch (err) {
        return reply.status(503).send({
          status: 'unavailable' as const,
          database: {
            ok: false,
            latencyMs: Math.round(performance.now() - t0),
            error: (err as Error).message,
          },
        });
      }
    },
  );

  app.get(
    '/metrics',
    {
      config: { access: 'public' },
      schema: { tags: ['system'], summary: 'Prometheus metrics', security: [] },
    },
    async (_req, reply) => {
      reply.header('content-type', metrics.registry.contentType);
      return metrics.registry.metrics();
    },
  );

  app.get('/api/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () =>
    app.swagger(),
  );

  app.get('/setup', { config: { access: 'public' }, schema: { hide: true } }, async (_req, reply) => {
    reply.header('content-type', 'text/html; charset=utf-8');
    return SETUP_PAGE;
  });
}
