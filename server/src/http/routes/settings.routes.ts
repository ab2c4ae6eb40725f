import { Type } from 'typebox';
import { actor } from '../auth.ts';
import { errorResponses } from '../schemas.ts';
import type { Http, HttpDeps } from '../server.ts';

/** Workspace settings: a typed key/value store, validated per key. */
export async function settingsRoutes(app: Http, { services }: HttpDeps) {
  app.get(
    '/api/v1/settings',
    {
      config: { access: 'settings:read' },
      schema: {
        tags: ['settings'],
        summary: 'All settings with defaults filled in',
        response: { 200: Type.Record(Type.String(), Type.Unknown()), ...errorResponses },
      },
    },
    async () => services.settings.getAll(),
  );

  app.patch(
    '/api/v1/settings/:key',
    {
      config: { access: 'settings:write' },
      schema: {
        tags: ['settings'],
        summary: 'Change one setting: workspace_name, default_language (ru|en), default_timezone (IANA)',
        params: Type.Object({ key: Type.String({ pattern: '^[a-z_]{1,64}$' }) }),
        body: Type.Object({ value: Type.Unknown() }, { additionalProperties: false, required: ['value'] }),
        response: { 200: Type.Object({ key: Type.String(), value: Type.Unknown() }), ...errorResponses },
      },
    },
    async (req) => ({
      key: req.params.key,
      value: await services.settings.set(actor(req), req.params.key, req.body.value),
    }),
  );
}
