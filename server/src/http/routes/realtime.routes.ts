import { Type } from 'typebox';
import { bearerOf } from '../auth.ts';
import type { Http, HttpDeps } from '../server.ts';

/**
 * The realtime WebSocket. Authenticate with `?token=` on the upgrade or a first message `{"type":"auth","token":…}`;
 * then `{"type":"join","room":"contacts"}`. Events arrive as `{"type":"event","room","event","data"}`.
 */
export async function realtimeRoutes(app: Http, { hub }: HttpDeps) {
  // Declared with `wsHandler` + `handler` (not `websocket: true`), so the route stays in the OpenAPI document
  // and a plain GET gets a 426 in our error shape instead of an empty 404.
  app.route({
    method: 'GET',
    url: '/api/v1/realtime',
    // The socket authenticates itself (query token or first message), so the HTTP layer lets the upgrade through.
    config: { access: 'public' },
    schema: {
      tags: ['realtime'],
      summary:
        'WebSocket: rooms `contacts`, `imports`, `import:<id>`, `conversations` (filtered by conversation visibility), `presence`, `user:<your id>`; events carry `at` for catch-up',
      description:
        'Upgrade to a WebSocket (see docs/api.md, Realtime: rooms, visibility, catch-up after a reconnect). A plain HTTP GET answers 426.',
      querystring: Type.Object({ token: Type.Optional(Type.String({ maxLength: 500 })) }),
      response: { 426: Type.Ref('Error') },
    },
    handler: async (_req, reply) =>
      reply
        .status(426)
        .header('upgrade', 'websocket')
        .send({
          error: {
            code: 'upgrade_required',
            message: 'This endpoint is a WebSocket; connect with an Upgrade request',
            details: [],
          },
        }),
    wsHandler: (socket, req) => {
      // The auth hook lets a public route through with a bad token; here that token means "refuse".
      const token = bearerOf(req);
      hub.accept(socket, req.principal, token !== null && !req.principal, token);
    },
  });
}
