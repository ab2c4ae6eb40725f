import type { Http, HttpDeps } from '../server.ts';

/**
 * The realtime WebSocket. Authenticate with `?token=` on the upgrade or a first message `{"type":"auth","token":…}`;
 * then `{"type":"join","room":"contacts"}`. Events arrive as `{"type":"event","room","event","data"}`.
 */
export async function realtimeRoutes(app: Http, { hub }: HttpDeps) {
  app.get(
    '/api/v1/realtime',
    {
      websocket: true,
      // The socket authenticates itself (query token or first message), so the HTTP layer lets the upgrade through.
      config: { access: 'public' },
      schema: {
        tags: ['realtime'],
        summary:
          'WebSocket: rooms `contacts`, `imports`, `import:<id>`; events contact.created|updated|deleted, import.progressed',
      },
    },
    (socket, req) => {
      // The auth hook lets a public route through with a bad token; here that token means "refuse".
      const offered =
        req.headers.authorization !== undefined ||
        (req.query as Record<string, unknown> | undefined)?.token !== undefined;
      hub.accept(socket, req.principal, offered && !req.principal);
    },
  );
}
